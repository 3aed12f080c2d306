import Crypto
import Foundation

/// State that is stored between runs as a pickle: a format version byte, then the state sealed
/// with ChaCha20-Poly1305 under the caller's key. The version and the kind of state are
/// authenticated too, so a session cannot be opened as an account, nor a changed byte go unnoticed.
public protocol Picklable: Codable {
    /// Names the kind of state inside the seal; fixed, so renaming a type keeps its pickles readable.
    static var pickleKind: String { get }
}

enum PickleFormat {
    static let version: UInt8 = 1
    static let sealingKey = CodingUserInfoKey(rawValue: "MatrixCrypto.sealingPickle")!
}

extension Encoder {
    /// Secret key material encodes only for a pickle about to be sealed: encoding an account or
    /// session any other way (into a log, say) fails instead of writing its keys in the clear.
    func requireSealedPickle() throws {
        guard userInfo[PickleFormat.sealingKey] as? Bool == true else {
            throw EncodingError.invalidValue(
                "secret key", .init(codingPath: codingPath, debugDescription: "secret keys encode only through pickle(with:)")
            )
        }
    }
}

extension Picklable {
    public func pickle(with key: PickleKey) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.userInfo[PickleFormat.sealingKey] = true
        // Every pickled type encodes only arrays, numbers, strings and booleans: encoding cannot fail.
        let state = try! encoder.encode(self)
        // A random 12-byte nonce and a 32-byte key cannot make sealing fail.
        let sealed = try! ChaChaPoly.seal(state, using: key.key, authenticating: Self.authenticatedData)
        return [PickleFormat.version] + sealed.combined
    }

    /// Opens a pickle; the wrong key, a changed byte, another kind of state or an unknown
    /// version is `badPickle`.
    public init(pickle: [UInt8], key: PickleKey) throws(MatrixCryptoError) {
        guard pickle.first == PickleFormat.version,
              let box = try? ChaChaPoly.SealedBox(combined: pickle.dropFirst()),
              let state = try? ChaChaPoly.open(box, using: key.key, authenticating: Self.authenticatedData),
              let value = try? JSONDecoder().decode(Self.self, from: state)
        else { throw .badPickle }
        self = value
    }

    private static var authenticatedData: [UInt8] { [PickleFormat.version] + Array(pickleKind.utf8) }
}

extension OlmAccount: Picklable {
    public static let pickleKind = "olm.account"
}

extension OlmSession: Picklable {
    public static let pickleKind = "olm.session"
}

extension OutboundGroupSession: Picklable {
    public static let pickleKind = "megolm.outbound"
}

extension InboundGroupSession: Picklable {
    public static let pickleKind = "megolm.inbound"
}

extension CrossSigningKeys: Picklable {
    public static let pickleKind = "cross-signing"
}
