import MatrixCrypto

/// Every decoder and decryptor of MatrixCrypto, fed the same bytes: the fuzz target's body, and
/// what the tests replay the committed corpus through. Each call may only return or throw a
/// `MatrixCryptoError`; a trap is a finding.
public struct DecoderExercise: Sendable {
    private let olmSession: OlmSession
    private let account: OlmAccount
    private let senderIdentityKey: Curve25519PublicKey
    private let groupSession: InboundGroupSession

    /// Sessions set up once per process, so each input meets the same state.
    public init() throws {
        let alice = OlmAccount()
        var bob = OlmAccount()
        bob.generateOneTimeKeys(count: 1)
        var outbound = try alice.createOutboundSession(identityKey: bob.identityKey, oneTimeKey: bob.unpublishedOneTimeKeys.values.first!)
        var inbound = try bob.createInboundSession(from: outbound.encrypt([1]), senderIdentityKey: alice.identityKey).session
        _ = try outbound.decrypt(inbound.encrypt([2]))
        var receiver = OlmAccount()
        receiver.generateOneTimeKeys(count: 1)
        receiver.generateFallbackKey()
        olmSession = inbound
        account = receiver
        senderIdentityKey = alice.identityKey
        groupSession = try InboundGroupSession(sessionKey: OutboundGroupSession().sessionKey)
    }

    public func run(_ bytes: [UInt8]) {
        let body = UnpaddedBase64.encode(bytes)
        var session = olmSession
        var account = account
        var groupSession = groupSession
        for kind in [OlmMessage.Kind.normal, .preKey] {
            _ = try? session.decrypt(OlmMessage(kind: kind, body: body))
            _ = session.matches(OlmMessage(kind: kind, body: body))
        }
        _ = try? account.createInboundSession(from: OlmMessage(kind: .preKey, body: body), senderIdentityKey: senderIdentityKey)
        _ = try? groupSession.decrypt(body)
        _ = try? InboundGroupSession(sessionKey: body)
        _ = try? InboundGroupSession(exportedKey: body)
        _ = try? OlmAccount(pickle: bytes, key: PickleKey())
        _ = try? CanonicalJSON(parsing: String(decoding: bytes, as: UTF8.self))
    }
}
