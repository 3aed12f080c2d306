import Crypto
import _CryptoExtras
@testable import MatrixCrypto
import Testing

/// Our CBC on BoringSSL against swift-crypto's `AES._CBC`, both directions.
@Suite struct AESCBCTests {
    @Test func matchesSwiftCryptosCBC() throws {
        let keyBytes = (0 ..< 32).map { _ in UInt8.random(in: 0 ... 255) }
        let key = SymmetricKey(data: keyBytes)
        let iv = (0 ..< 16).map { UInt8($0 * 11) }
        for length in 0 ... 70 {
            let plaintext = (0 ..< length).map { UInt8($0 * 13 & 0xFF) }
            let ours = AESCBC.encrypt(plaintext, key: keyBytes[...], iv: iv[...])
            let theirs = try AES._CBC.encrypt(plaintext, using: key, iv: AES._CBC.IV(ivBytes: iv))
            #expect(ours == [UInt8](theirs))
            #expect(AESCBC.decrypt(ours[...], key: keyBytes[...], iv: iv[...]) == plaintext)
        }
    }

    @Test func refusesBadLengthsAndPadding() {
        // A fixed key, so the corrupted block's padding byte is the same wrong value every run.
        let key = [UInt8](repeating: 7, count: 32)
        let iv = [UInt8](repeating: 0, count: 16)
        #expect(AESCBC.decrypt(ArraySlice(), key: key[...], iv: iv[...]) == nil)
        #expect(AESCBC.decrypt([UInt8](repeating: 1, count: 15)[...], key: key[...], iv: iv[...]) == nil)
        var sealed = AESCBC.encrypt([1, 2, 3], key: key[...], iv: iv[...])
        sealed[15] ^= 1
        #expect(AESCBC.decrypt(sealed[...], key: key[...], iv: iv[...]) == nil)
    }
}
