import Crypto

/// The double ratchet's root key. Each new ratchet key pair turns it, with one Diffie-Hellman,
/// into the next root key and a fresh chain key (HKDF-SHA-256, "OLM_RATCHET").
struct RootKey: Sendable, Codable {
    let key: [UInt8]

    init(key: some Collection<UInt8>) {
        self.key = Array(key)
    }

    func encode(to encoder: any Encoder) throws {
        try encoder.requireSealedPickle()
        var container = encoder.singleValueContainer()
        try container.encode(key)
    }

    init(from decoder: any Decoder) throws {
        let key = try decoder.singleValueContainer().decode([UInt8].self)
        guard key.count == 32 else { throw MatrixCryptoError.badPickle }
        self.init(key: key)
    }

    /// The root key and first chain key of a new session from the 3-DH shared secret ("OLM_ROOT").
    static func initial(sharedSecret: [UInt8]) -> (RootKey, ChainKey) {
        split(HKDFSHA256.derive(secret: sharedSecret, info: "OLM_ROOT", byteCount: 64))
    }

    func advanced(ours: Curve25519KeyPair, theirs: Curve25519PublicKey) throws(MatrixCryptoError) -> (RootKey, ChainKey) {
        let secret = try ours.sharedSecret(with: theirs)
        return Self.split(HKDFSHA256.derive(secret: secret, salt: key, info: "OLM_RATCHET", byteCount: 64))
    }

    private static func split(_ bytes: [UInt8]) -> (RootKey, ChainKey) {
        (RootKey(key: bytes[0 ..< 32]), ChainKey(key: bytes[32 ..< 64]))
    }
}
