import Crypto
@testable import MatrixCrypto
import Testing

/// Our table-based Ed25519 verification against swift-crypto's (BoringSSL's `ED25519_verify`):
/// the same answer for valid signatures, altered ones, random ones and the edge cases where
/// implementations are known to differ.
@Suite struct Ed25519VerifierTests {
    @Test func acceptsWhatBoringSSLAcceptsAndRefusesWhatItRefuses() throws {
        var generator = SystemRandomNumberGenerator()
        for round in 0 ..< 20 {
            let signer = Curve25519.Signing.PrivateKey()
            let publicKey = [UInt8](signer.publicKey.rawRepresentation)
            let verifier = try #require(Ed25519Verifier(publicKey: publicKey))
            for _ in 0 ..< 10 {
                let message = (0 ..< Int.random(in: 0 ... 300, using: &generator)).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
                let signature = try [UInt8](signer.signature(for: message))
                #expect(verifier.isValidSignature(signature[...], for: message[...]), "round \(round)")

                var altered = signature
                altered[Int.random(in: 0 ..< 64, using: &generator)] ^= 1 << UInt8.random(in: 0 ..< 8, using: &generator)
                Self.expectSameAnswer(verifier, signer.publicKey, altered, message)
                var alteredMessage = message + [0]
                alteredMessage[Int.random(in: 0 ..< alteredMessage.count, using: &generator)] ^= 0x40
                Self.expectSameAnswer(verifier, signer.publicKey, signature, alteredMessage)
                let random = (0 ..< 64).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
                Self.expectSameAnswer(verifier, signer.publicKey, random, message)
            }
        }
    }

    @Test func refusesAnSThatIsNotBelowTheGroupOrder() throws {
        let signer = Curve25519.Signing.PrivateKey()
        let message: [UInt8] = Array("hello".utf8)
        let signature = try [UInt8](signer.signature(for: message))
        // s + L names the same scalar; RFC 8032 and BoringSSL refuse it.
        let order: [UInt8] = [
            0xED, 0xD3, 0xF5, 0x5C, 0x1A, 0x63, 0x12, 0x58, 0xD6, 0x9C, 0xF7, 0xA2, 0xDE, 0xF9, 0xDE, 0x14,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ]
        var carry = 0
        var widened = signature
        for index in 0 ..< 32 {
            let sum = Int(signature[32 + index]) + Int(order[index]) + carry
            widened[32 + index] = UInt8(sum & 0xFF)
            carry = sum >> 8
        }
        let verifier = try #require(Ed25519Verifier(publicKey: [UInt8](signer.publicKey.rawRepresentation)))
        #expect(verifier.isValidSignature(signature[...], for: message[...]))
        Self.expectSameAnswer(verifier, signer.publicKey, widened, message)
        #expect(!verifier.isValidSignature(widened[...], for: message[...]))
    }

    @Test func agreesOnSmallOrderAndNonCanonicalKeys() throws {
        let identity = [1] + [UInt8](repeating: 0, count: 31)
        let keys: [[UInt8]] = [
            identity,
            // (0, -1), a point of order 2.
            [0xEC] + [UInt8](repeating: 0xFF, count: 30) + [0x7F],
            // y = p + 1, a non-canonical encoding of y = 1 that BoringSSL reduces.
            [0xEE] + [UInt8](repeating: 0xFF, count: 30) + [0x7F],
            // The identity with the sign bit set (x = 0 is "negative").
            [1] + [UInt8](repeating: 0, count: 30) + [0x80],
        ]
        let signatures: [[UInt8]] = [identity + [UInt8](repeating: 0, count: 32), [UInt8](repeating: 0, count: 64)]
        for key in keys {
            let verifier = try #require(Ed25519Verifier(publicKey: key))
            let theirs = try Curve25519.Signing.PublicKey(rawRepresentation: key)
            for signature in signatures {
                Self.expectSameAnswer(verifier, theirs, signature, Array("any message".utf8))
            }
        }
    }

    @Test func bytesThatNameNoPointMakeNoVerifier() {
        // y = 2 has no x on the curve.
        #expect(Ed25519Verifier(publicKey: [2] + [UInt8](repeating: 0, count: 31)) == nil)
        #expect(Ed25519Verifier(publicKey: [1, 2, 3]) == nil)
    }

    @Test func reducesTheLargestDigestModuloTheGroupOrder() {
        // (2^512 - 1) mod L, computed independently.
        let expected: [UInt8] = [
            0x00, 0x0F, 0x9C, 0x44, 0xE3, 0x11, 0x06, 0xA4, 0x47, 0x93, 0x85, 0x68, 0xA7, 0x1B, 0x0E, 0xD0,
            0x65, 0xBE, 0xF5, 0x17, 0xD2, 0x73, 0xEC, 0xCE, 0x3D, 0x9A, 0x30, 0x7C, 0x1B, 0x41, 0x99, 0x03,
        ]
        #expect(GroupOrder.reduce([UInt8](repeating: 0xFF, count: 64)) == expected)
    }

    private static func expectSameAnswer(
        _ verifier: Ed25519Verifier, _ theirs: Curve25519.Signing.PublicKey, _ signature: [UInt8], _ message: [UInt8],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            verifier.isValidSignature(signature[...], for: message[...]) == theirs.isValidSignature(signature, for: message),
            sourceLocation: sourceLocation
        )
    }
}
