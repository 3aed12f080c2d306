/// Starting sessions: the initiator's 3-DH with a claimed one-time key, and the receiver's
/// mirror of it from a pre-key message.
extension OlmAccount {
    /// A session with the device whose identity key and (claimed, signature-checked) one-time or
    /// fallback key are given. Its messages are pre-key messages until the other side answers.
    public func createOutboundSession(identityKey theirIdentityKey: Curve25519PublicKey, oneTimeKey: Curve25519PublicKey) throws(MatrixCryptoError) -> OlmSession {
        let baseKey = Curve25519KeyPair()
        let sharedSecret = try identityKeyPair.sharedSecret(with: oneTimeKey)
            + baseKey.sharedSecret(with: theirIdentityKey)
            + baseKey.sharedSecret(with: oneTimeKey)
        let sessionKeys = OlmSessionKeys(identityKey: identityKey, baseKey: baseKey.publicKey, oneTimeKey: oneTimeKey)
        return OlmSession(sessionKeys: sessionKeys, ratchet: .initiator(sharedSecret: sharedSecret), hasReceivedMessage: false)
    }

    /// The session a pre-key message starts, and its plaintext. The one-time key it used is
    /// removed (a fallback key is kept); nothing changes unless the message decrypts.
    /// `senderIdentityKey` is the event's `sender_key`, which must be the key the message names.
    public mutating func createInboundSession(
        from message: OlmMessage, senderIdentityKey: Curve25519PublicKey
    ) throws(MatrixCryptoError) -> (session: OlmSession, plaintext: [UInt8]) {
        guard message.kind == .preKey else { throw .malformedMessage("a session can only start from a pre-key message") }
        let preKey = try PreKeyMessage(decoding: message.bytes)
        let keys = preKey.sessionKeys
        guard keys.identityKey == senderIdentityKey else { throw .wrongSession("the message names another sender identity key") }
        guard let (oneTimeKey, isFallback) = oneTimeKeyPair(for: keys.oneTimeKey) else { throw .unknownOneTimeKey }
        let sharedSecret = try oneTimeKey.sharedSecret(with: keys.identityKey)
            + identityKeyPair.sharedSecret(with: keys.baseKey)
            + oneTimeKey.sharedSecret(with: keys.baseKey)
        var session = OlmSession(
            sessionKeys: keys,
            ratchet: .receiver(sharedSecret: sharedSecret, theirRatchetKey: preKey.message.ratchetKey),
            hasReceivedMessage: true
        )
        let plaintext = try session.decrypt(message)
        if !isFallback { removeOneTimeKey(keys.oneTimeKey) }
        return (session, plaintext)
    }
}
