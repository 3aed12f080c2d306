import Foundation
@testable import MatrixCrypto
import Testing

/// Olm between two Swift accounts: bounds on the ratchet's memory and refusals that leave state as it was.
@Suite struct OlmTests {
    /// Alice's session, already answered by Bob, and Bob's.
    static func pair() throws -> (alice: OlmSession, bob: OlmSession) {
        let alice = OlmAccount()
        var bob = OlmAccount()
        bob.generateOneTimeKeys(count: 1)
        var outbound = try alice.createOutboundSession(identityKey: bob.identityKey, oneTimeKey: bob.unpublishedOneTimeKeys.values.first!)
        var (inbound, _) = try bob.createInboundSession(from: outbound.encrypt([1]), senderIdentityKey: alice.identityKey)
        _ = try outbound.decrypt(inbound.encrypt([2]))
        return (outbound, inbound)
    }

    /// The whole session state, to compare before and after a refusal (keys sorted: Foundation's
    /// encoder does not keep their order from run to run).
    static func state(_ session: OlmSession) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.userInfo[PickleFormat.sealingKey] = true
        return try encoder.encode(session)
    }

    @Test func skippedKeysAndReceivingChainsStayBounded() throws {
        var (alice, bob) = try Self.pair()
        for turn in 0 ..< 8 {
            let messages = try (0 ..< 100).map { try alice.encrypt([UInt8($0)]) }
            #expect(try bob.decrypt(messages[99]) == [99])
            #expect(try bob.decrypt(messages[70]) == [70], "turn \(turn): recent skipped keys are kept")
            #expect(throws: MatrixCryptoError.self) { try bob.decrypt(messages[10]) }
            _ = try alice.decrypt(bob.encrypt([0]))
        }
        #expect(bob.ratchet.skippedMessageKeys.count <= DoubleRatchet.maxSkippedMessageKeys)
        #expect(bob.ratchet.receivingChains.count <= DoubleRatchet.maxReceivingChains)
    }

    @Test func aGapBeyondTheLimitIsRefusedAndChangesNothing() throws {
        var (alice, bob) = try Self.pair()
        var far: OlmMessage?
        for _ in 0 ... DoubleRatchet.maxMessageGap + 1 { far = try alice.encrypt([7]) }
        let before = try Self.state(bob)
        #expect(throws: MatrixCryptoError.messageGapTooLarge(UInt64(DoubleRatchet.maxMessageGap + 1))) { try bob.decrypt(far!) }
        #expect(try Self.state(bob) == before)
    }

    @Test func anUnknownOneTimeKeyIsRefusedAndTheAccountKeepsItsKeys() throws {
        let alice = OlmAccount()
        var bob = OlmAccount()
        bob.generateOneTimeKeys(count: 1)
        var stranger = try alice.createOutboundSession(identityKey: bob.identityKey, oneTimeKey: OlmAccount().identityKey)
        #expect(throws: MatrixCryptoError.unknownOneTimeKey) {
            try bob.createInboundSession(from: stranger.encrypt([1]), senderIdentityKey: alice.identityKey)
        }
        var session = try alice.createOutboundSession(identityKey: bob.identityKey, oneTimeKey: bob.unpublishedOneTimeKeys.values.first!)
        let message = try session.encrypt([1])
        #expect(throws: MatrixCryptoError.self) { try bob.createInboundSession(from: message, senderIdentityKey: bob.identityKey) }
        #expect(bob.oneTimeKeys.count == 1)
        _ = try bob.createInboundSession(from: message, senderIdentityKey: alice.identityKey)
        #expect(bob.oneTimeKeys.isEmpty)
        #expect(throws: MatrixCryptoError.unknownOneTimeKey) { try bob.createInboundSession(from: message, senderIdentityKey: alice.identityKey) }
    }

    @Test func everyCorruptionIsRefusedAndTheNextMessageStillDecrypts() throws {
        var (alice, bob) = try Self.pair()
        let message = try alice.encrypt(Array("the right one".utf8))
        let bytes = try message.bytes
        let before = try Self.state(bob)
        var corruptions: [[UInt8]] = (0 ..< bytes.count).map { Array(bytes[..<$0]) }
        for position in bytes.indices {
            var flipped = bytes
            flipped[position] ^= 0x01
            corruptions.append(flipped)
        }
        for corrupted in corruptions {
            #expect(throws: MatrixCryptoError.self) { try bob.decrypt(OlmMessage(kind: .normal, body: UnpaddedBase64.encode(corrupted))) }
        }
        #expect(throws: MatrixCryptoError.self) { try bob.decrypt(OlmMessage(kind: .normal, body: "not base64!")) }
        #expect(throws: MatrixCryptoError.self) { try bob.decrypt(OlmMessage(kind: .preKey, body: message.body)) }
        #expect(try Self.state(bob) == before)
        #expect(try bob.decrypt(message) == Array("the right one".utf8))
    }

    @Test func oversizedFieldsAreRefused() throws {
        var (_, bob) = try Self.pair()
        let ratchetKey = OlmAccount().identityKey.bytes
        let hugeLength: [UInt8] = [3, 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F] + ratchetKey + Array(repeating: 0, count: 8)
        let hugeIndex: [UInt8] = [3, 0x0A, 32] + ratchetKey + [0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x22, 16]
            + Array(repeating: 0, count: 16 + 8)
        let overlongVarint: [UInt8] = [3, 0x10] + Array(repeating: 0x80, count: 20) + Array(repeating: 0, count: 8)
        for bytes in [hugeLength, hugeIndex, overlongVarint] {
            #expect(throws: MatrixCryptoError.self) { try bob.decrypt(OlmMessage(kind: .normal, body: UnpaddedBase64.encode(bytes))) }
        }
        #expect(throws: MatrixCryptoError.unknownVersion(4)) { try bob.decrypt(OlmMessage(kind: .normal, body: UnpaddedBase64.encode([4, 0, 0]))) }
        #expect(throws: MatrixCryptoError.self) { try OlmMessage(type: 2, body: "") }
    }

    @Test func aMessageForAnotherSessionIsRefused() throws {
        var (alice, _) = try Self.pair()
        var (_, otherBob) = try Self.pair()
        let before = try Self.state(otherBob)
        #expect(throws: MatrixCryptoError.self) { try otherBob.decrypt(alice.encrypt([1])) }
        #expect(try Self.state(otherBob) == before)
        // A fresh pair's Alice has just received, so she has no sending chain to turn a stranger's key with.
        var (justAnswered, _) = try Self.pair()
        var (_, stranger) = try Self.pair()
        let message = try stranger.encrypt([2])
        #expect(throws: MatrixCryptoError.wrongSession("unknown ratchet key")) { try justAnswered.decrypt(message) }
    }

    @Test func matchesTellsWhichSessionAPreKeyMessageStarted() throws {
        let alice = OlmAccount()
        var bob = OlmAccount()
        bob.generateOneTimeKeys(count: 2)
        let keys = Array(bob.unpublishedOneTimeKeys.values)
        var first = try alice.createOutboundSession(identityKey: bob.identityKey, oneTimeKey: keys[0])
        var second = try alice.createOutboundSession(identityKey: bob.identityKey, oneTimeKey: keys[1])
        let (inbound, _) = try bob.createInboundSession(from: first.encrypt([1]), senderIdentityKey: alice.identityKey)
        #expect(try inbound.matches(first.encrypt([2])))
        #expect(try !inbound.matches(second.encrypt([3])))
        #expect(inbound.sessionID == first.sessionID)
    }

    @Test func aSmallOrderRatchetKeyFromAHostilePeerIsRefusedNotATrap() throws {
        var bob = OlmAccount()
        bob.generateOneTimeKeys(count: 1)
        let oneTimeKey = bob.unpublishedOneTimeKeys.values.first!
        let (identity, base) = (Curve25519KeyPair(), Curve25519KeyPair())
        let sharedSecret = try identity.sharedSecret(with: oneTimeKey) + base.sharedSecret(with: bob.identityKey) + base.sharedSecret(with: oneTimeKey)
        var (_, chain) = RootKey.initial(sharedSecret: sharedSecret)
        let zeroKey = try Curve25519PublicKey(bytes: [UInt8](repeating: 0, count: 32))
        let message = RatchetMessage(plaintext: [1], ratchetKey: zeroKey, chainIndex: 0, keys: .olm(messageKey: chain.advance()))
        let keys = OlmSessionKeys(identityKey: identity.publicKey, baseKey: base.publicKey, oneTimeKey: oneTimeKey)
        let preKey = OlmMessage(kind: .preKey, body: UnpaddedBase64.encode(PreKeyMessage(sessionKeys: keys, message: message).bytes))
        var (session, plaintext) = try bob.createInboundSession(from: preKey, senderIdentityKey: identity.publicKey)
        #expect(plaintext == [1])
        #expect(throws: MatrixCryptoError.self) { try session.encrypt([2]) }
        let alice = OlmAccount()
        #expect(throws: MatrixCryptoError.self) { try alice.createOutboundSession(identityKey: bob.identityKey, oneTimeKey: zeroKey) }
    }
}
