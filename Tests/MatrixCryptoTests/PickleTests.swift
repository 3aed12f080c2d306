import Foundation
@testable import MatrixCrypto
import Testing

@Suite struct PickleTests {
    let key = PickleKey()

    @Test func anAccountAndItsSessionsRoundTrip() throws {
        var alice = OlmAccount()
        alice.generateOneTimeKeys(count: 3)
        alice.generateFallbackKey()
        var bob = OlmAccount()
        bob.generateOneTimeKeys(count: 1)
        var outbound = try alice.createOutboundSession(identityKey: bob.identityKey, oneTimeKey: bob.unpublishedOneTimeKeys.values.first!)

        let restoredAlice = try OlmAccount(pickle: alice.pickle(with: key), key: key)
        #expect(restoredAlice.identityKey == alice.identityKey && restoredAlice.signingKey == alice.signingKey)
        #expect(restoredAlice.unpublishedOneTimeKeys == alice.unpublishedOneTimeKeys)
        #expect(restoredAlice.unpublishedFallbackKey == alice.unpublishedFallbackKey)
        #expect(restoredAlice.sign([1, 2]) == alice.sign([1, 2]))

        var restoredBob = try OlmAccount(pickle: bob.pickle(with: key), key: key)
        let (inbound, _) = try restoredBob.createInboundSession(from: outbound.encrypt([1]), senderIdentityKey: alice.identityKey)
        var restoredInbound = try OlmSession(pickle: inbound.pickle(with: key), key: key)
        var restoredOutbound = try OlmSession(pickle: outbound.pickle(with: key), key: key)
        #expect(try restoredOutbound.decrypt(restoredInbound.encrypt([2])) == [2])
        #expect(try restoredInbound.decrypt(restoredOutbound.encrypt([3])) == [3])
    }

    @Test func groupSessionsAndCrossSigningKeysRoundTrip() throws {
        var outbound = OutboundGroupSession()
        _ = outbound.encrypt([0])
        var inbound = try InboundGroupSession(sessionKey: outbound.sessionKey)
        var restoredOutbound = try OutboundGroupSession(pickle: outbound.pickle(with: key), key: key)
        #expect(restoredOutbound.messageIndex == 1 && restoredOutbound.sessionID == outbound.sessionID)
        var restoredInbound = try InboundGroupSession(pickle: inbound.pickle(with: key), key: key)
        let message = restoredOutbound.encrypt([5])
        #expect(try restoredInbound.decrypt(message) == ([5], 1))
        #expect(try inbound.decrypt(message) == ([5], 1))

        let crossSigning = CrossSigningKeys()
        let restored = try CrossSigningKeys(pickle: crossSigning.pickle(with: key), key: key)
        #expect(restored.keyJSON(.selfSigning, userID: "@a:b") == crossSigning.keyJSON(.selfSigning, userID: "@a:b"))
    }

    @Test func aChangedByteTheWrongKeyOrAnotherKindIsRefused() throws {
        var account = OlmAccount()
        account.generateOneTimeKeys(count: 1)
        let pickle = account.pickle(with: key)
        for position in pickle.indices {
            var changed = pickle
            changed[position] ^= 0x04
            #expect(throws: MatrixCryptoError.badPickle) { try OlmAccount(pickle: changed, key: key) }
        }
        #expect(throws: MatrixCryptoError.badPickle) { try OlmAccount(pickle: pickle, key: PickleKey()) }
        #expect(throws: MatrixCryptoError.badPickle) { try OlmSession(pickle: pickle, key: key) }
        #expect(throws: MatrixCryptoError.badPickle) { try OlmAccount(pickle: Array(pickle.prefix(20)), key: key) }
        #expect(throws: MatrixCryptoError.badPickle) { try OlmAccount(pickle: [], key: key) }
        #expect(throws: MatrixCryptoError.self) { try PickleKey(bytes: [1, 2, 3]) }
    }

    @Test func secretsNeverShowInDescriptionsDumpsOrPlainEncoding() throws {
        var account = OlmAccount()
        account.generateOneTimeKeys(count: 2)
        account.generateFallbackKey()
        var bob = OlmAccount()
        bob.generateOneTimeKeys(count: 1)
        let session = try account.createOutboundSession(identityKey: bob.identityKey, oneTimeKey: bob.unpublishedOneTimeKeys.values.first!)
        var outbound = OutboundGroupSession()
        _ = outbound.encrypt([1])
        let inbound = try InboundGroupSession(sessionKey: outbound.sessionKey)
        let crossSigning = CrossSigningKeys()

        let secrets: [[UInt8]] = [account.identityKeyPair.secret, account.signingKeyPair.seed]
            + account.oneTimeKeys.map(\.keyPair.secret) + [account.fallbackKey!.keyPair.secret]
            + [session.ratchet.rootKey.key, session.ratchet.sendingChain!.ratchetKey.secret, session.ratchet.sendingChain!.chainKey.key]
            + [outbound.ratchet.parts, outbound.signingKey.seed, inbound.initialRatchet.parts]
            + [crossSigning.master.seed, crossSigning.selfSigning.seed, crossSigning.userSigning.seed, key.bytes]
        let values: [Any] = [account, session, outbound, inbound, crossSigning, key, account.signingKeyPair, account.identityKeyPair]
        for value in values {
            var dumped = ""
            dump(value, to: &dumped)
            let texts = [String(describing: value), String(reflecting: value), "\(value)", dumped]
            for text in texts {
                for secret in secrets {
                    #expect(!text.contains(UnpaddedBase64.encode(secret)))
                    #expect(!text.contains(secret.map(String.init).joined(separator: ", ")))
                }
                #expect(!text.contains("privateKey") && !text.contains("rawRepresentation"))
            }
        }
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(account) }
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(session) }
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(outbound) }
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(inbound) }
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(crossSigning) }
    }
}
