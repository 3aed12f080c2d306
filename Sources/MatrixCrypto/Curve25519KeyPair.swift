import Crypto

/// A Curve25519 key pair for Diffie-Hellman. Its secret half never shows in `description` or `dump`.
struct Curve25519KeyPair: Sendable, CustomStringConvertible, CustomReflectable {
    /// swift-crypto leaves its keys non-Sendable on Linux; they are immutable values, safe to share.
    nonisolated(unsafe) let privateKey: Curve25519.KeyAgreement.PrivateKey
    let publicKey: Curve25519PublicKey

    init() {
        self.init(Curve25519.KeyAgreement.PrivateKey())
    }

    init(_ privateKey: Curve25519.KeyAgreement.PrivateKey) {
        self.privateKey = privateKey
        self.publicKey = Curve25519PublicKey(privateKey.publicKey)
    }

    init(secret: some Collection<UInt8>) throws(MatrixCryptoError) {
        guard secret.count == 32, let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: Array(secret)) else {
            throw .invalidKey("Curve25519 secret key")
        }
        self.init(key)
    }

    var secret: [UInt8] { [UInt8](privateKey.rawRepresentation) }

    /// The X25519 shared secret with `other`. An all-zero result (a small-order key, which makes
    /// the secret known to anyone) is refused, as vodozemac refuses non-contributory keys.
    func sharedSecret(with other: Curve25519PublicKey) throws(MatrixCryptoError) -> [UInt8] {
        guard let shared = try? privateKey.sharedSecretFromKeyAgreement(with: other.agreementKey).withUnsafeBytes({ [UInt8]($0) }),
              shared.reduce(0, |) != 0
        else { throw .invalidKey("Curve25519 public key (small order, no shared secret)") }
        return shared
    }

    var description: String { "Curve25519KeyPair(public: \(publicKey.base64))" }
    var customMirror: Mirror { Mirror(self, children: ["publicKey": publicKey.base64]) }
}
