internal import CCryptoBoringSSL

/// AES-256-CBC with PKCS#7 padding on BoringSSL's `AES_cbc_encrypt`, the key expanded once per
/// message. swift-crypto offers only `AES._CBC` and a single-block permutation, both of which
/// expand the key again for every 16-byte block. Tests check it against `AES._CBC` both ways.
enum AESCBC {
    static let blockSize = 16
    static let keyByteCount = 32

    static func encrypt(_ plaintext: [UInt8], key: ArraySlice<UInt8>, iv: ArraySlice<UInt8>) -> [UInt8] {
        let padding = blockSize - plaintext.count % blockSize
        let padded = plaintext + repeatElement(UInt8(padding), count: padding)
        return cbc(padded[...], key: key, iv: iv, encrypting: true)
    }

    /// Nil when the length is not whole blocks or the padding is wrong. The MAC is checked before
    /// this runs, so a padding failure tells an attacker nothing (no padding oracle).
    static func decrypt(_ ciphertext: ArraySlice<UInt8>, key: ArraySlice<UInt8>, iv: ArraySlice<UInt8>) -> [UInt8]? {
        guard !ciphertext.isEmpty, ciphertext.count % blockSize == 0 else { return nil }
        var plaintext = cbc(ciphertext, key: key, iv: iv, encrypting: false)
        let padding = Int(plaintext[plaintext.count - 1])
        guard (1 ... blockSize).contains(padding), plaintext.suffix(padding).allSatisfy({ $0 == UInt8(padding) }) else { return nil }
        plaintext.removeLast(padding)
        return plaintext
    }

    /// `input` is whole blocks, `key` 32 bytes and `iv` 16, as every caller derives them.
    private static func cbc(_ input: ArraySlice<UInt8>, key: ArraySlice<UInt8>, iv: ArraySlice<UInt8>, encrypting: Bool) -> [UInt8] {
        precondition(key.count == keyByteCount && iv.count == blockSize && input.count % blockSize == 0)
        var schedule = AES_KEY()
        key.withUnsafeBufferPointer { key in
            _ = encrypting
                ? CCryptoBoringSSL_AES_set_encrypt_key(key.baseAddress, UInt32(keyByteCount * 8), &schedule)
                : CCryptoBoringSSL_AES_set_decrypt_key(key.baseAddress, UInt32(keyByteCount * 8), &schedule)
        }
        return [UInt8](count: input.count) { output in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: blockSize) { chain in
                _ = chain.initialize(from: iv)
                input.withUnsafeBufferPointer { input in
                    CCryptoBoringSSL_AES_cbc_encrypt(input.baseAddress, output.baseAddress, input.count, &schedule, chain.baseAddress, encrypting ? AES_ENCRYPT : AES_DECRYPT)
                }
            }
        }
    }
}
