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
            let inParts = HMACSHA256(key: key).authenticationCode { hash in
                hash.update(message.prefix(7))
                hash.update(message.dropFirst(7))
            }
            #expect(inParts == Array(expected))
        }
    }

    @Test func oneByteMessagesMatchSwiftCryptosHMAC() {
        let key = (0 ..< 32).map { UInt8($0) }
        for byte: UInt8 in [0x01, 0x02, 0xFF] {
            let expected = HMAC<SHA256>.authenticationCode(for: [byte], using: SymmetricKey(data: key))
            #expect(HMACSHA256(key: key).authenticationCode(for: byte) == Array(expected))
        }
    }
}
