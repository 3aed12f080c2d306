/// The AES-256 key, HMAC-SHA-256 key and AES IV that one Olm or Megolm message is sealed with,
/// expanded by HKDF-SHA-256 from a message secret ("OLM_KEYS" or "MEGOLM_KEYS").
struct MessageKeys {
    /// Olm and Megolm (version 3 messages) keep the first 8 bytes of the HMAC.
    static let macLength = 8

    private let aesKey: ArraySlice<UInt8>
    private let macKey: HMACSHA256
    private let iv: ArraySlice<UInt8>

    init(secret: [UInt8], info: StaticString) {
        let expanded = HKDFSHA256.derive(secret: secret, info: info, byteCount: 80)
        aesKey = expanded[0 ..< 32]
        macKey = HMACSHA256(key: expanded[32 ..< 64])
        iv = expanded[64 ..< 80]
    }

    /// The keys of one Olm message, from its message key.
    static func olm(messageKey: [UInt8]) -> MessageKeys {
        MessageKeys(secret: messageKey, info: "OLM_KEYS")
    }

    func encrypt(_ plaintext: [UInt8]) -> [UInt8] {
        AESCBC.encrypt(plaintext, key: aesKey, iv: iv)
    }

    func decrypt(_ ciphertext: ArraySlice<UInt8>) throws(MatrixCryptoError) -> [UInt8] {
        guard let plaintext = AESCBC.decrypt(ciphertext, key: aesKey, iv: iv) else {
            throw .malformedMessage("ciphertext does not decrypt (bad length or padding)")
        }
        return plaintext
    }

    func mac(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        macKey.authenticationCode { $0.update(bytes) }.prefix(Self.macLength)
    }

    /// Compares in constant time, so the check does not tell how many bytes matched.
    func verifyMAC(_ mac: some Collection<UInt8>, for bytes: ArraySlice<UInt8>) throws(MatrixCryptoError) {
        let expected = self.mac(bytes)
        guard mac.count == expected.count else { throw .badMAC }
        guard zip(mac, expected).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else { throw .badMAC }
    }
}
