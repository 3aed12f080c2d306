/// The receiving side of a Megolm session: decrypts any message at or after its first known index.
public struct InboundGroupSession: Sendable, Codable, CustomStringConvertible, CustomReflectable {
    /// The ratchet at the first known index; kept so earlier messages stay readable.
    private(set) var initialRatchet: MegolmRatchet
    /// The ratchet at the latest index decrypted, so reading forward does not rehash from the start.
    private(set) var latestRatchet: MegolmRatchet
    public let signingKey: Ed25519PublicKey
    /// Whether the key came signed by its owner (an `m.room_key`) rather than from an export.
    public let isSignedByOwner: Bool
    /// The signing key's table for verifying every message, shared by every copy of the session.
    private let verification: SharedVerifier

    /// From the signed session key of an `m.room_key` (format 2).
    public init(sessionKey: String) throws(MatrixCryptoError) {
        let decoded = try MegolmSessionKey.decode(sessionKey)
        guard decoded.signed else { throw .unknownVersion(MegolmSessionKey.exportedKeyVersion) }
        self.init(ratchet: decoded.ratchet, signingKey: decoded.publicKey, isSignedByOwner: true)
    }

    /// From an exported key (format 1), as in key exports and forwarded room keys.
    public init(exportedKey: String) throws(MatrixCryptoError) {
        let decoded = try MegolmSessionKey.decode(exportedKey)
        guard !decoded.signed else { throw .unknownVersion(MegolmSessionKey.sessionKeyVersion) }
        self.init(ratchet: decoded.ratchet, signingKey: decoded.publicKey, isSignedByOwner: false)
    }

    init(ratchet: MegolmRatchet, signingKey: Ed25519PublicKey, isSignedByOwner: Bool) {
        self.initialRatchet = ratchet
        self.latestRatchet = ratchet
        self.signingKey = signingKey
        self.isSignedByOwner = isSignedByOwner
        verification = SharedVerifier(publicKey: signingKey.bytes)
    }

    private enum CodingKeys: String, CodingKey {
        case initialRatchet, latestRatchet, signingKey, isSignedByOwner
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(ratchet: try container.decode(MegolmRatchet.self, forKey: .initialRatchet),
                  signingKey: try container.decode(Ed25519PublicKey.self, forKey: .signingKey),
                  isSignedByOwner: try container.decode(Bool.self, forKey: .isSignedByOwner))
        latestRatchet = try container.decode(MegolmRatchet.self, forKey: .latestRatchet)
    }

    public var sessionID: String { signingKey.base64 }
    public var firstKnownIndex: UInt32 { initialRatchet.index }

    /// Decrypts a base64 Megolm message. The index is returned so the caller can refuse a replay
    /// (the same index with a different event id). On failure the session is unchanged.
    public mutating func decrypt(_ base64: String) throws(MatrixCryptoError) -> (plaintext: [UInt8], messageIndex: UInt32) {
        let message = try MegolmMessage(decoding: UnpaddedBase64.decode(base64, what: "Megolm message"))
        guard let verifier = verification.verifier, message.isSigned(by: verifier) else { throw .badSignature }
        guard let ratchet = ratchet(at: message.messageIndex) else { throw .unknownMessageIndex(message.messageIndex) }
        let plaintext = try message.decrypt(with: ratchet.keys)
        if ratchet.index > latestRatchet.index { latestRatchet = ratchet }
        return (plaintext, message.messageIndex)
    }

    /// The exported key (format 1) from `index` on, or nil when `index` is before the first known.
    public func export(at index: UInt32) -> String? {
        guard let ratchet = ratchet(at: index) else { return nil }
        return MegolmSessionKey.exportedKey(ratchet: ratchet, publicKey: signingKey)
    }

    private func ratchet(at index: UInt32) -> MegolmRatchet? {
        guard index >= initialRatchet.index else { return nil }
        var ratchet = index >= latestRatchet.index ? latestRatchet : initialRatchet
        ratchet.advance(to: index)
        return ratchet
    }

    public var description: String { "InboundGroupSession(\(sessionID), first known index \(firstKnownIndex))" }
    public var customMirror: Mirror { Mirror(self, children: ["sessionID": sessionID, "firstKnownIndex": firstKnownIndex]) }
}
