import Crypto

/// The three public keys a session starts from: the initiator's identity key and base key and
/// the receiver's one-time key. They name the session and tell which session a pre-key message is for.
struct OlmSessionKeys: Sendable, Hashable, Codable {
    let identityKey: Curve25519PublicKey
    let baseKey: Curve25519PublicKey
    let oneTimeKey: Curve25519PublicKey

    /// Base64 of SHA-256(identity key ‖ base key ‖ one-time key), as libolm and vodozemac name it.
    var sessionID: String {
        UnpaddedBase64.encode(SHA256.hash(data: identityKey.bytes + baseKey.bytes + oneTimeKey.bytes))
    }
}
