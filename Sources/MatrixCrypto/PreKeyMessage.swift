/// An Olm pre-key message (version 3): what the receiver needs to start the session — the
/// one-time key it used, the sender's base key and identity key — around a normal message.
struct PreKeyMessage {
    static let version: UInt8 = 3

    let sessionKeys: OlmSessionKeys
    let message: RatchetMessage

    init(sessionKeys: OlmSessionKeys, message: RatchetMessage) {
        self.sessionKeys = sessionKeys
        self.message = message
    }

    init(decoding bytes: [UInt8]) throws(MatrixCryptoError) {
        guard let version = bytes.first else { throw .malformedMessage("empty") }
        guard version == Self.version else { throw .unknownVersion(version) }
        let fields = try MessageFields.parse(bytes[1...])
        sessionKeys = try OlmSessionKeys(
            identityKey: fields.key(3, "identity key"),
            baseKey: fields.key(2, "base key"),
            oneTimeKey: fields.key(1, "one-time key")
        )
        message = try RatchetMessage(decoding: Array(fields.bytes(4, "message")))
    }

    var bytes: [UInt8] {
        var fields = MessageFields(version: Self.version)
        fields.append(tag: 1, bytes: sessionKeys.oneTimeKey.bytes)
        fields.append(tag: 2, bytes: sessionKeys.baseKey.bytes)
        fields.append(tag: 3, bytes: sessionKeys.identityKey.bytes)
        fields.append(tag: 4, bytes: message.bytes)
        return fields.bytes
    }
}
