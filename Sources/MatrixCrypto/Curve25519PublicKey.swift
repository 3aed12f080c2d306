import Crypto

/// A Curve25519 (X25519) public key: identity keys, one-time keys, ratchet keys.
public struct Curve25519PublicKey: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: some Collection<UInt8>) throws(MatrixCryptoError) {
        guard bytes.count == 32 else { throw .invalidKey("Curve25519 public key") }
        self.bytes = Array(bytes)
    }

    init(_ key: Curve25519.KeyAgreement.PublicKey) {
        self.bytes = [UInt8](key.rawRepresentation)
    }

    public init(base64: String) throws(MatrixCryptoError) {
        try self.init(bytes: UnpaddedBase64.decode(base64, what: "Curve25519 public key"))
    }

    public var base64: String { UnpaddedBase64.encode(bytes) }
    public var description: String { base64 }

    var agreementKey: Curve25519.KeyAgreement.PublicKey {
        // 32 bytes always make an X25519 public key.
        try! Curve25519.KeyAgreement.PublicKey(rawRepresentation: bytes)
    }
}
