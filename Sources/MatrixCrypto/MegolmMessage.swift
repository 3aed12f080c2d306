/// A Megolm message (version 3): the index and AES-CBC ciphertext as fields, then an 8-byte
/// HMAC of everything before it, then the sender's Ed25519 signature of everything before that.
struct MegolmMessage {
    static let version: UInt8 = 3
    static let signatureLength = 64

    let messageIndex: UInt32
    let ciphertext: ArraySlice<UInt8>
    /// The whole message as sent.
    let bytes: [UInt8]

    private var macEnd: Int { bytes.count - Self.signatureLength }
    private var fieldsEnd: Int { macEnd - MessageKeys.macLength }

    /// Encrypts `plaintext` at the ratchet's index and signs the result.
    init(plaintext: some Collection<UInt8>, ratchet: MegolmRatchet, signingKey: Ed25519KeyPair) {
        let keys = ratchet.keys
        var fields = MessageFields(version: Self.version)
        fields.append(tag: 1, integer: UInt64(ratchet.index))
        let ciphertext = keys.encrypt(Array(plaintext))
        fields.append(tag: 2, bytes: ciphertext)
        var bytes = fields.bytes
        bytes += keys.mac(bytes[...])
        bytes += signingKey.sign(bytes)
        self.messageIndex = ratchet.index
        self.ciphertext = ciphertext[...]
        self.bytes = bytes
    }

    /// Reads a message's structure; checking its signature and MAC is a separate step.
    init(decoding bytes: [UInt8]) throws(MatrixCryptoError) {
        guard let version = bytes.first else { throw .malformedMessage("empty") }
        guard version == Self.version else { throw .unknownVersion(version) }
        guard bytes.count >= 1 + MessageKeys.macLength + Self.signatureLength else { throw .malformedMessage("too short") }
        self.bytes = bytes
        let fields = try MessageFields.parse(bytes[1 ..< bytes.count - Self.signatureLength - MessageKeys.macLength])
        messageIndex = try fields.index(1)
        ciphertext = try fields.bytes(2, "ciphertext")
    }

    func isSigned(by verifier: Ed25519Verifier) -> Bool {
        verifier.isValidSignature(bytes[macEnd...], for: bytes[..<macEnd])
    }

    func decrypt(with keys: MessageKeys) throws(MatrixCryptoError) -> [UInt8] {
        try keys.verifyMAC(bytes[fieldsEnd ..< macEnd], for: bytes[..<fieldsEnd])
        return try keys.decrypt(ciphertext)
    }
}
