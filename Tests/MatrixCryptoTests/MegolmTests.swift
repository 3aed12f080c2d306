@testable import MatrixCrypto
import Testing

@Suite struct MegolmTests {
    @Test func advancingToAnIndexMatchesAdvancingOneByOne() throws {
        var stepped = MegolmRatchet.random()
        var jumped = stepped
        var checkpoints: [UInt32] = [1, 2, 255, 256, 257, 0xFFFF, 0x10000, 0x10101]
        while let target = checkpoints.first {
            checkpoints.removeFirst()
            while stepped.index < target { stepped.advance() }
            jumped.advance(to: target)
            #expect(jumped == stepped)
        }
    }

    @Test func advancingFarIsCheap() {
        var ratchet = MegolmRatchet.random()
        ratchet.advance(to: 0x0102_0304)
        var other = ratchet
        other.advance(to: 0xFFFF_FFFF)
        #expect(other.index == 0xFFFF_FFFF)
    }

    @Test func roundTripAtEveryIndexAndFromALaterSessionKey() throws {
        var outbound = OutboundGroupSession()
        var inbound = try InboundGroupSession(sessionKey: outbound.sessionKey)
        #expect(inbound.sessionID == outbound.sessionID)
        let first = outbound.encrypt(Array("zero".utf8))
        _ = outbound.encrypt(Array("one".utf8))
        let late = try InboundGroupSession(sessionKey: outbound.sessionKey)
        let second = outbound.encrypt(Array("two".utf8))
        #expect(try inbound.decrypt(second) == (Array("two".utf8), 2))
        #expect(try inbound.decrypt(first) == (Array("zero".utf8), 0))
        var lateCopy = late
        #expect(late.firstKnownIndex == 2)
        #expect(throws: MatrixCryptoError.unknownMessageIndex(0)) { try lateCopy.decrypt(first) }
        #expect(try lateCopy.decrypt(second).messageIndex == 2)
    }

    @Test func exportAtAnIndexImportsUnsigned() throws {
        var outbound = OutboundGroupSession()
        let inbound = try InboundGroupSession(sessionKey: outbound.sessionKey)
        let messages = (0 ..< 5).map { outbound.encrypt(Array("m\($0)".utf8)) }
        var imported = try InboundGroupSession(exportedKey: #require(inbound.export(at: 3)))
        #expect(!imported.isSignedByOwner && imported.firstKnownIndex == 3)
        #expect(try imported.decrypt(messages[4]).plaintext == Array("m4".utf8))
        #expect(throws: MatrixCryptoError.self) { try imported.decrypt(messages[2]) }
        #expect(imported.export(at: 2) == nil)
        #expect(throws: MatrixCryptoError.self) { try InboundGroupSession(sessionKey: inbound.export(at: 0)!) }
        #expect(throws: MatrixCryptoError.self) { try InboundGroupSession(exportedKey: outbound.sessionKey) }
    }
}
