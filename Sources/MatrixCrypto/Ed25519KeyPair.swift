import Crypto

/// An Ed25519 key pair. Its secret half never shows in `description` or `dump`.
public struct Ed25519KeyPair: Sendable, CustomStringConvertible, CustomReflectable {
    /// swift-crypto leaves its keys non-Sendable on Linux; they are immutable values, safe to share.
    nonisolated(unsafe) let privateKey: Curve25519.Signing.PrivateKey
    public let publicKey: Ed25519PublicKey

    public init() {
        self.init(Curve25519.Signing.PrivateKey())
    }

    init(_ privateKey: Curve25519.Signing.PrivateKey) {
        self.privateKey = privateKey
        self.publicKey = Ed25519PublicKey(privateKey.publicKey)
    }

    /// Restores a key pair from its 32-byte seed.
    init(seed: some Collection<UInt8>) throws(MatrixCryptoError) {
        guard seed.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: Array(seed)) else {
            throw .invalidKey("Ed25519 seed")
        }
        self.init(key)
    }

    var seed: [UInt8] { [UInt8](privateKey.rawRepresentation) }

    /// A 64-byte Ed25519 signature.
    public func sign(_ message: some Collection<UInt8>) -> [UInt8] {
        // Signing fails only on an allocation failure inside BoringSSL.
        [UInt8](try! privateKey.signature(for: Array(message)))
    }

    public var description: String { "Ed25519KeyPair(public: \(publicKey.base64))" }
    public var customMirror: Mirror { Mirror(self, children: ["publicKey": publicKey.base64]) }
}
