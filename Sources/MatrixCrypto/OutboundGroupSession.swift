/// The sending side of a Megolm session (`m.megolm.v1.aes-sha2`): one per room and rotation.
/// Its id is its Ed25519 public key; each message advances the ratchet by one.
public struct OutboundGroupSession: Sendable, Codable, CustomStringConvertible, CustomReflectable {
    private(set) var ratchet: MegolmRatchet
    let signingKey: Ed25519KeyPair

    public init() {
        self.init(ratchet: .random(), signingKey: Ed25519KeyPair())
    }

    init(ratchet: MegolmRatchet, signingKey: Ed25519KeyPair) {
        self.ratchet = ratchet
        self.signingKey = signingKey
    }

    public var sessionID: String { signingKey.publicKey.base64 }
    /// The index the next message will have.
    public var messageIndex: UInt32 { ratchet.index }

    /// The signed session key (format 2) to share in an `m.room_key`, from the current index on.
    public var sessionKey: String { MegolmSessionKey.sessionKey(ratchet: ratchet, signingKey: signingKey) }

    /// The base64 ciphertext of an `m.room.encrypted` event's `ciphertext`.
    public mutating func encrypt(_ plaintext: some Collection<UInt8>) -> String {
        let message = MegolmMessage(plaintext: plaintext, ratchet: ratchet, signingKey: signingKey)
        ratchet.advance()
        return UnpaddedBase64.encode(message.bytes)
    }

    public var description: String { "OutboundGroupSession(\(sessionID), index \(messageIndex))" }
    public var customMirror: Mirror { Mirror(self, children: ["sessionID": sessionID, "messageIndex": messageIndex]) }
}
