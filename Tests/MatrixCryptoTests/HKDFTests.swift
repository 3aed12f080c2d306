import Crypto
@testable import MatrixCrypto
import Testing

/// Our HKDF against swift-crypto's, which is tested against RFC 5869's vectors.
@Suite struct HKDFTests {
    @Test(arguments: [1, 31, 32, 33, 64, 80, 100])
    func matchesSwiftCryptosHKDF(byteCount: Int) {
        let secret = (0 ..< 96).map { UInt8($0 * 7 & 0xFF) }
        for salt in [nil, [UInt8](repeating: 9, count: 32), [1, 2, 3]] as [[UInt8]?] {
            let expected = if let salt {
                HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: secret), salt: salt, info: Array("OLM_RATCHET".utf8), outputByteCount: byteCount)
            } else {
                HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: secret), info: Array("OLM_RATCHET".utf8), outputByteCount: byteCount)
            }
            let derived = if let salt {
                HKDFSHA256.derive(secret: secret, salt: salt, info: "OLM_RATCHET", byteCount: byteCount)
            } else {
                HKDFSHA256.derive(secret: secret, info: "OLM_RATCHET", byteCount: byteCount)
            }
            #expect(derived == expected.withUnsafeBytes { [UInt8]($0) })
        }
    }
}
