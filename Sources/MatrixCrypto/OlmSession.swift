/// An Olm session (`m.olm.v1.curve25519-aes-sha2`) with one other device. Until it has received
/// a message, the side that started it sends pre-key messages, so the other side can start its half.
public struct OlmSession: Sendable, Codable, CustomStringConvertible, CustomReflectable {
    let sessionKeys: OlmSessionKeys
    private(set) var ratchet: DoubleRatchet
    /// Whether the other side has shown it holds the session, by a message we could decrypt.
    private(set) var hasReceivedMessage: Bool

    init(sessionKeys: OlmSessionKeys, ratchet: DoubleRatchet, hasReceivedMessage: Bool) {
        self.sessionKeys = sessionKeys
        self.ratchet = ratchet
        self.hasReceivedMessage = hasReceivedMessage
    }

    public var sessionID: String { sessionKeys.sessionID }

    /// Whether a pre-key message was made for this session (same identity, base and one-time keys),
    /// so a retried first message goes to the session it already started.
    public func matches(_ message: OlmMessage) -> Bool {
        guard message.kind == .preKey, let bytes = try? message.bytes, let preKey = try? PreKeyMessage(decoding: bytes) else { return false }
        return preKey.sessionKeys == sessionKeys
    }

    /// Throws only when the other side sent a ratchet key that makes no shared secret (a small-order
    /// point, which only a broken or hostile peer sends); the session is then unchanged.
    public mutating func encrypt(_ plaintext: some Collection<UInt8>) throws(MatrixCryptoError) -> OlmMessage {
        let message = try ratchet.encrypt(plaintext)
        if hasReceivedMessage {
            return OlmMessage(kind: .normal, body: UnpaddedBase64.encode(message.bytes))
        }
        let preKey = PreKeyMessage(sessionKeys: sessionKeys, message: message)
        return OlmMessage(kind: .preKey, body: UnpaddedBase64.encode(preKey.bytes))
    }

    /// Decrypts a message of this session; on any failure the session is unchanged.
    public mutating func decrypt(_ message: OlmMessage) throws(MatrixCryptoError) -> [UInt8] {
        let ratchetMessage: RatchetMessage
        switch message.kind {
        case .normal:
            ratchetMessage = try RatchetMessage(decoding: message.bytes)
        case .preKey:
            let preKey = try PreKeyMessage(decoding: message.bytes)
            guard preKey.sessionKeys == sessionKeys else { throw .wrongSession("pre-key message for session \(preKey.sessionKeys.sessionID)") }
            ratchetMessage = preKey.message
        }
        let plaintext = try ratchet.decrypt(ratchetMessage)
        hasReceivedMessage = true
        return plaintext
    }

    public var description: String { "OlmSession(\(sessionID))" }
    public var customMirror: Mirror { Mirror(self, children: ["sessionID": sessionID]) }
}
