import Foundation
import Logging
import MatrixCrypto

/// The key that seals the bot's encryption store (its Olm account, cross-signing keys and,
/// later, sessions) inside its database. Where it comes from, first found wins:
/// `SUPPORTBOT_STORE_KEY`, `encryption.store_key_file`, or a key file beside the database,
/// made on first start with mode 0600. Either way it is 32 random bytes in base64
/// (`openssl rand -base64 32`); the bot cannot open its identity without it.
public enum StoreKey {
    public static let environmentVariable = "SUPPORTBOT_STORE_KEY"

    /// The key file made beside a database that names none.
    public static func defaultFile(beside database: URL) -> URL {
        database.deletingLastPathComponent().appendingPathComponent(database.lastPathComponent + ".store-key")
    }

    /// The key for a database at `database`; `nil` is a database in memory, whose identity ends
    /// with the process, sealed with a key that does too.
    public static func load(environment: [String: String], file: URL?, database: URL?, logger: Logger) throws(StoreKeyError) -> PickleKey {
        guard let database else { return PickleKey() }
        if let text = environment[environmentVariable] {
            return try key(from: text, source: "\(environmentVariable)")
        }
        if let file {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { throw .unreadable(file.path) }
            return try key(from: text, source: file.path)
        }
        let file = defaultFile(beside: database)
        if FileManager.default.fileExists(atPath: file.path) {
            // A key file that cannot be read is never replaced: it may be the only copy.
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { throw .unreadable(file.path) }
            return try key(from: text, source: file.path)
        }
        let key = PickleKey()
        try create(file, holding: Data(key.bytes).base64EncodedString() + "\n")
        logger.notice("made a store key for the bot's encryption store; back it up with the database: without it the bot cannot open its encryption identity",
                      metadata: ["bot.store_key_file": "\(file.path)"])
        return key
    }

    /// Writes a new key file only its owner may read, failing if one appeared meanwhile, and
    /// flushes it to disk before the identity it opens is saved.
    private static func create(_ file: URL, holding text: String) throws(StoreKeyError) {
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw .unwritable(file.path) }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else { throw .unwritable(file.path) }
    }

    private static func key(from text: String, source: String) throws(StoreKeyError) -> PickleKey {
        guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), let key = try? PickleKey(bytes: bytes) else {
            throw .malformed(source)
        }
        return key
    }
}

/// A store key that cannot be had: the message says what to fix.
public enum StoreKeyError: Error, CustomStringConvertible, Equatable {
    case unreadable(String)
    case unwritable(String)
    case malformed(String)
    /// The key does not open the identity stored for the device.
    case doesNotOpen(deviceID: String)

    public var description: String {
        switch self {
        case let .unreadable(path): "cannot read the store key file \(path)"
        case let .unwritable(path): "cannot write a store key file at \(path): check the database folder's permissions"
        case let .malformed(source): "the store key in \(source) is not 32 bytes in base64 (make one with: openssl rand -base64 32)"
        case let .doesNotOpen(deviceID):
            "the store key does not open the encryption identity of device \(deviceID) in the database: give the key it was made with "
                + "(\(StoreKey.environmentVariable), encryption.store_key_file, or the .store-key file beside the database); "
                + "the bot never starts a new identity in its place"
        }
    }
}
