import Crypto

/// The caller's 32-byte key that pickles are sealed with (from the bot's key store, never logged).
public struct PickleKey: Sendable, CustomStringConvertible, CustomReflectable {
    /// swift-crypto leaves SymmetricKey non-Sendable on Linux; it is an immutable value, safe to share.
    nonisolated(unsafe) let key: SymmetricKey

    public init(bytes: some Collection<UInt8>) throws(MatrixCryptoError) {
        guard bytes.count == 32 else { throw .invalidKey("pickle key (must be 32 bytes)") }
        key = SymmetricKey(data: Array(bytes))
    }

    /// A new random key.
    public init() {
        key = SymmetricKey(size: .bits256)
    }

    /// The raw bytes, for the caller to store in its own secret store.
    public var bytes: [UInt8] { key.withUnsafeBytes { [UInt8]($0) } }

    public var description: String { "PickleKey(redacted)" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
