import Crypto

/// An Ed25519 public key: device signing keys, cross-signing keys, Megolm session ids.
public struct Ed25519PublicKey: Sendable, Hashable, CustomStringConvertible {
    /// swift-crypto leaves its keys non-Sendable on Linux; they are immutable values, safe to share.
    nonisolated(unsafe) let key: Curve25519.Signing.PublicKey
    public let bytes: [UInt8]

    init(_ key: Curve25519.Signing.PublicKey) {
        self.key = key
        self.bytes = [UInt8](key.rawRepresentation)
    }

    public init(bytes: some Collection<UInt8>) throws(MatrixCryptoError) {
        guard bytes.count == 32, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: Array(bytes)) else {
            throw .invalidKey("Ed25519 public key")
        }
        self.init(key)
    }

    public init(base64: String) throws(MatrixCryptoError) {
        try self.init(bytes: UnpaddedBase64.decode(base64, what: "Ed25519 public key"))
    }

    public var base64: String { UnpaddedBase64.encode(bytes) }
    public var description: String { base64 }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.bytes == rhs.bytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }

    /// Throws `badSignature` unless `signature` is this key's signature of `message`.
    public func verify(signature: some Collection<UInt8>, for message: some Collection<UInt8>) throws(MatrixCryptoError) {
        guard signature.count == 64, key.isValidSignature(Array(signature), for: Array(message)) else { throw .badSignature }
    }

    /// Verifies a base64 signature, as found in signed JSON.
    public func verify(signatureBase64: String, for message: some Collection<UInt8>) throws(MatrixCryptoError) {
        guard let signature = try? UnpaddedBase64.decode(signatureBase64) else { throw .badSignature }
        try verify(signature: signature, for: message)
    }
}
