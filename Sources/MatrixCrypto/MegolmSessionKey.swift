/// The two ways a Megolm session's ratchet is handed to someone: the signed session key of an
/// `m.room_key` (format 2) and the unsigned exported key of a key export or forward (format 1).
/// Both are the version byte, the index (4 bytes, big-endian), R0..R3 and the Ed25519 key.
enum MegolmSessionKey {
    static let sessionKeyVersion: UInt8 = 2
    static let exportedKeyVersion: UInt8 = 1
    private static let unsignedLength = 1 + 4 + MegolmRatchet.byteCount + 32

    static func sessionKey(ratchet: MegolmRatchet, signingKey: Ed25519KeyPair) -> String {
        let bytes = unsigned(version: sessionKeyVersion, ratchet: ratchet, publicKey: signingKey.publicKey)
        return UnpaddedBase64.encode(bytes + signingKey.sign(bytes))
    }

    static func exportedKey(ratchet: MegolmRatchet, publicKey: Ed25519PublicKey) -> String {
        UnpaddedBase64.encode(unsigned(version: exportedKeyVersion, ratchet: ratchet, publicKey: publicKey))
    }

    /// Reads either format; a session key's signature must be the key's own.
    static func decode(_ base64: String) throws(MatrixCryptoError) -> (ratchet: MegolmRatchet, publicKey: Ed25519PublicKey, signed: Bool) {
        let bytes = try UnpaddedBase64.decode(base64, what: "Megolm session key")
        guard let version = bytes.first else { throw .malformedMessage("empty session key") }
        let expectedLength = switch version {
        case sessionKeyVersion: unsignedLength + MegolmMessage.signatureLength
        case exportedKeyVersion: unsignedLength
        default: throw MatrixCryptoError.unknownVersion(version)
        }
        guard bytes.count == expectedLength else { throw .malformedMessage("session key is \(bytes.count) bytes, not \(expectedLength)") }
        let index = bytes[1 ..< 5].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let ratchet = try MegolmRatchet(index: index, parts: bytes[5 ..< 5 + MegolmRatchet.byteCount])
        let publicKey = try Ed25519PublicKey(bytes: bytes[(unsignedLength - 32) ..< unsignedLength])
        let signed = version == sessionKeyVersion
        if signed {
            try publicKey.verify(signature: bytes[unsignedLength...], for: bytes[..<unsignedLength])
        }
        return (ratchet, publicKey, signed)
    }

    private static func unsigned(version: UInt8, ratchet: MegolmRatchet, publicKey: Ed25519PublicKey) -> [UInt8] {
        let index = ratchet.index
        return [version, UInt8(index >> 24), UInt8(index >> 16 & 0xFF), UInt8(index >> 8 & 0xFF), UInt8(index & 0xFF)]
            + ratchet.parts + publicKey.bytes
    }
}
