/// A normal Olm message (version 3): the sender's current ratchet key, the chain index and the
/// AES-CBC ciphertext as fields, then the first 8 bytes of the HMAC of all of that.
struct RatchetMessage {
    static let version: UInt8 = 3

    let ratchetKey: Curve25519PublicKey
    let chainIndex: UInt32
    let ciphertext: ArraySlice<UInt8>
    /// The whole message as sent.
    let bytes: [UInt8]

    init(plaintext: some Collection<UInt8>, ratchetKey: Curve25519PublicKey, chainIndex: UInt32, keys: MessageKeys) {
        let ciphertext = keys.encrypt(Array(plaintext))
        var fields = MessageFields(version: Self.version)
        fields.append(tag: 1, bytes: ratchetKey.bytes)
        fields.append(tag: 2, integer: UInt64(chainIndex))
        fields.append(tag: 4, bytes: ciphertext)
        self.ratchetKey = ratchetKey
        self.chainIndex = chainIndex
        self.ciphertext = ciphertext[...]
        self.bytes = fields.bytes + keys.mac(fields.bytes[...])
    }

    /// Reads the structure; the MAC is checked by `decrypt`, once the keys are known.
    init(decoding bytes: [UInt8]) throws(MatrixCryptoError) {
        guard let version = bytes.first else { throw .malformedMessage("empty") }
        guard version == Self.version else { throw .unknownVersion(version) }
        guard bytes.count > 1 + MessageKeys.macLength else { throw .malformedMessage("too short") }
        let fields = try MessageFields.parse(bytes[1 ..< bytes.count - MessageKeys.macLength])
        ratchetKey = try fields.key(1, "ratchet key")
        chainIndex = try fields.index(2)
        ciphertext = try fields.bytes(4, "ciphertext")
        self.bytes = bytes
    }

    func decrypt(with keys: MessageKeys) throws(MatrixCryptoError) -> [UInt8] {
        let macStart = bytes.count - MessageKeys.macLength
        try keys.verifyMAC(bytes[macStart...], for: bytes[..<macStart])
        return try keys.decrypt(ciphertext)
    }
}
