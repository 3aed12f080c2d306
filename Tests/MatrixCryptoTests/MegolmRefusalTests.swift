@testable import MatrixCrypto
import Testing

/// Bad Megolm input is a typed error and leaves the inbound session able to read the next message.
@Suite struct MegolmRefusalTests {
    @Test func everyCorruptionIsRefusedAndTheNextMessageStillDecrypts() throws {
        var outbound = OutboundGroupSession()
        var inbound = try InboundGroupSession(sessionKey: outbound.sessionKey)
        let message = outbound.encrypt(Array("right".utf8))
        let bytes = try UnpaddedBase64.decode(message)
        var corruptions: [[UInt8]] = (0 ..< bytes.count).map { Array(bytes[..<$0]) }
        for position in bytes.indices {
            var flipped = bytes
            flipped[position] ^= 0x80
            corruptions.append(flipped)
        }
        for corrupted in corruptions {
            #expect(throws: MatrixCryptoError.self) { try inbound.decrypt(UnpaddedBase64.encode(corrupted)) }
        }
        #expect(try inbound.decrypt(message).plaintext == Array("right".utf8))
    }

    @Test func aWrongMACUnderAValidSignatureIsRefused() throws {
        var outbound = OutboundGroupSession()
        var inbound = try InboundGroupSession(sessionKey: outbound.sessionKey)
        var bytes = try UnpaddedBase64.decode(outbound.encrypt([1, 2, 3]))
        let signedPart = bytes.count - MegolmMessage.signatureLength
        bytes[signedPart - 1] ^= 1
        bytes.replaceSubrange(signedPart..., with: outbound.signingKey.sign(bytes[..<signedPart]))
        #expect(throws: MatrixCryptoError.badMAC) { try inbound.decrypt(UnpaddedBase64.encode(bytes)) }
        #expect(try inbound.decrypt(outbound.encrypt([4])).plaintext == [4])
    }

    @Test func anotherSessionsMessageOrAnEarlierIndexIsRefused() throws {
        var outbound = OutboundGroupSession()
        var other = OutboundGroupSession()
        let early = outbound.encrypt([0])
        var inbound = try InboundGroupSession(sessionKey: outbound.sessionKey)
        #expect(throws: MatrixCryptoError.badSignature) { try inbound.decrypt(other.encrypt([1])) }
        #expect(throws: MatrixCryptoError.unknownMessageIndex(0)) { try inbound.decrypt(early) }
        #expect(try inbound.decrypt(outbound.encrypt([2])) == ([2], 1))
    }

    @Test func aReplayedIndexIsReportedForTheCallerToRefuse() throws {
        var outbound = OutboundGroupSession()
        var inbound = try InboundGroupSession(sessionKey: outbound.sessionKey)
        let message = outbound.encrypt([9])
        #expect(try inbound.decrypt(message).messageIndex == 0)
        #expect(try inbound.decrypt(message).messageIndex == 0)
    }

    @Test func oversizedFieldsAndUnknownVersionsAreRefused() throws {
        var inbound = try InboundGroupSession(sessionKey: OutboundGroupSession().sessionKey)
        let tail = [UInt8](repeating: 0, count: MessageKeys.macLength + MegolmMessage.signatureLength)
        for body: [UInt8] in [
            [3, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x12, 0],
            [3, 0x08, 0, 0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F],
            [2, 0x08, 0, 0x12, 0],
        ] {
            #expect(throws: MatrixCryptoError.self) { try inbound.decrypt(UnpaddedBase64.encode(body + tail)) }
        }
        #expect(throws: MatrixCryptoError.self) { try InboundGroupSession(sessionKey: "AgAA") }
        var sessionKey = try UnpaddedBase64.decode(OutboundGroupSession().sessionKey)
        sessionKey[10] ^= 1
        #expect(throws: MatrixCryptoError.badSignature) { try InboundGroupSession(sessionKey: UnpaddedBase64.encode(sessionKey)) }
        sessionKey[0] = 9
        #expect(throws: MatrixCryptoError.unknownVersion(9)) { try InboundGroupSession(sessionKey: UnpaddedBase64.encode(sessionKey)) }
    }
}
