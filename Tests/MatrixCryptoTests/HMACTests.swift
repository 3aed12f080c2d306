import Crypto
@testable import MatrixCrypto
import Testing

/// Our HMAC-SHA-256 against swift-crypto's, which is tested against RFC 4231's vectors.
@Suite struct HMACTests {
    @Test(arguments: [0, 1, 32, 63, 64, 65, 131])
    func matchesSwiftCryptosHMAC(keyLength: Int) {
        let key = (0 ..< keyLength).map { UInt8($0 * 5 & 0xFF) }
        for message in [[], [0x01], (0 ..< 200).map { UInt8($0 & 0xFF) }] as [[UInt8]] {
            let expected = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
            #expect(HMACSHA256(key: key).authenticationCode(for: message) == Array(expected))
            #expect(HMACSHA256(key: key).authenticationCode(for: Array(message.prefix(7)), Array(message.dropFirst(7))) == Array(expected))
        }
    }
}
