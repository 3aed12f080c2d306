import Crypto
import _CryptoExtras

/// AES-256-CBC with PKCS#7 padding over swift-crypto's single-block AES, one 16-byte array
/// reused for every block. `AES._CBC` does the same through a generic `Data` per block, which
/// cost most of an Olm message's decryption. Tests check it against `AES._CBC` both ways.
enum AESCBC {
    static let blockSize = 16

    static func encrypt(_ plaintext: [UInt8], key: SymmetricKey, iv: [UInt8]) -> [UInt8] {
        let padding = blockSize - plaintext.count % blockSize
        let padded = plaintext + [UInt8](repeating: UInt8(padding), count: padding)
        var ciphertext: [UInt8] = []
        ciphertext.reserveCapacity(padded.count)
        var block = iv
        for start in stride(from: 0, to: padded.count, by: blockSize) {
            for offset in 0 ..< blockSize { block[offset] ^= padded[start + offset] }
            // A 16-byte block and a 32-byte key cannot make the permutation fail.
            try! AES.permute(&block, key: key)
            ciphertext += block
        }
        return ciphertext
    }

    /// Nil when the length is not whole blocks or the padding is wrong. The MAC is checked before
    /// this runs, so a padding failure tells an attacker nothing (no padding oracle).
    static func decrypt(_ ciphertext: [UInt8], key: SymmetricKey, iv: [UInt8]) -> [UInt8]? {
        guard !ciphertext.isEmpty, ciphertext.count % blockSize == 0 else { return nil }
        var plaintext: [UInt8] = []
        plaintext.reserveCapacity(ciphertext.count)
        var block = [UInt8](repeating: 0, count: blockSize)
        for start in stride(from: 0, to: ciphertext.count, by: blockSize) {
            for offset in 0 ..< blockSize { block[offset] = ciphertext[start + offset] }
            try! AES.inversePermute(&block, key: key)
            for offset in 0 ..< blockSize {
                plaintext.append(block[offset] ^ (start == 0 ? iv[offset] : ciphertext[start - blockSize + offset]))
            }
        }
        let padding = Int(plaintext[plaintext.count - 1])
        guard (1 ... blockSize).contains(padding), plaintext.suffix(padding).allSatisfy({ $0 == UInt8(padding) }) else { return nil }
        plaintext.removeLast(padding)
        return plaintext
    }
}
