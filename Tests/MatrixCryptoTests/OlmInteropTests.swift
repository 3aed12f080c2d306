@testable import MatrixCrypto
import Testing

/// Olm against vodozemac: sessions started by either side, long exchanges, reordering and loss.
@Suite struct OlmInteropTests {
    @Test func swiftStartsThenBothSidesTalkAtLength() throws {
        var talk = try OlmConversation.startedBySwift(peer: VodozemacPeer(), account: OlmAccount())
        let second = try talk.swiftEncrypts("still pre-key")
        #expect(second.kind == .preKey)
        try talk.peerReads(second, expecting: "still pre-key")
        try talk.peerSends("reply")
        #expect(try talk.swiftEncrypts("now normal").kind == .normal)
        for round in 0 ..< 60 {
            try talk.swiftSends("swift \(round)")
            try talk.peerSends("peer \(round)")
        }
        for run in 0 ..< 4 {
            for number in 0 ..< 15 { try talk.swiftSends("run \(run) swift \(number)") }
            for number in 0 ..< 15 { try talk.peerSends("run \(run) peer \(number)") }
        }
    }

    @Test func peerStartsThenBothSidesTalkAtLength() throws {
        var account = OlmAccount()
        account.generateOneTimeKeys(count: 2)
        let key = account.unpublishedOneTimeKeys.values.first!
        account.markKeysAsPublished()
        var talk = try OlmConversation.startedByPeer(peer: VodozemacPeer(), account: &account, key: key)
        #expect(account.oneTimeKeys.count == 1, "the used one-time key is removed")
        try talk.swiftSends("reply")
        for round in 0 ..< 60 {
            try talk.peerSends("peer \(round)")
            try talk.swiftSends("swift \(round)")
        }
        for number in 0 ..< 50 { try talk.peerSends("run peer \(number)") }
        for number in 0 ..< 50 { try talk.swiftSends("run swift \(number)") }
    }

    @Test func severalPreKeyMessagesBeforeTheFirstReplyGoToOneSession() throws {
        var account = OlmAccount()
        account.generateOneTimeKeys(count: 1)
        let key = account.unpublishedOneTimeKeys.values.first!
        var talk = try OlmConversation.startedByPeer(peer: VodozemacPeer(), account: &account, key: key)
        let again = try (0 ..< 3).map { try talk.peerEncrypts("again \($0)") }
        for (number, message) in again.enumerated().reversed() {
            #expect(message.kind == .preKey)
            #expect(talk.swift.matches(message))
            try talk.swiftReads(message, expecting: "again \(number)")
        }
        #expect(throws: MatrixCryptoError.unknownOneTimeKey) {
            try account.createInboundSession(from: again[0], senderIdentityKey: talk.swift.sessionKeys.identityKey)
        }
        try talk.swiftSends("reply")
        #expect(try talk.peerEncrypts("normal now").kind == .normal)
    }

    @Test func messagesOutOfOrderAndSomeNeverDelivered() throws {
        var talk = try OlmConversation.startedBySwift(peer: VodozemacPeer(), account: OlmAccount())
        try talk.peerSends("reply")
        // Swift to vodozemac: a chain sent in full, delivered backwards with gaps.
        let fromSwift = try (0 ..< 12).map { try talk.swiftEncrypts("s\($0)") }
        for number in [11, 3, 7, 0, 5] { try talk.peerReads(fromSwift[number], expecting: "s\(number)") }
        // vodozemac to Swift, across two of its ratchet turns.
        let firstChain = try (0 ..< 6).map { try talk.peerEncrypts("a\($0)") }
        try talk.swiftSends("turn")
        let secondChain = try (0 ..< 6).map { try talk.peerEncrypts("b\($0)") }
        for number in [5, 1] { try talk.swiftReads(secondChain[number], expecting: "b\(number)") }
        for number in [4, 0, 2] { try talk.swiftReads(firstChain[number], expecting: "a\(number)") }
        try talk.swiftReads(secondChain[3], expecting: "b3")
        #expect(throws: MatrixCryptoError.self) { try talk.swift.decrypt(secondChain[3]) }
        try talk.swiftSends("still fine")
        try talk.peerSends("still fine")
    }

    @Test func aSwiftFallbackKeyOpensTwoSessions() throws {
        let peer = try VodozemacPeer()
        var account = OlmAccount()
        account.generateFallbackKey()
        let fallback = account.unpublishedFallbackKey.values.first!
        account.markKeysAsPublished()
        var first = try OlmConversation.startedByPeer(peer: peer, account: &account, key: fallback, peerAccount: "a1", name: "one")
        var second = try OlmConversation.startedByPeer(peer: peer, account: &account, key: fallback, peerAccount: "a2", name: "two")
        #expect(first.swift.sessionID != second.swift.sessionID)
        try first.swiftSends("to one")
        try second.swiftSends("to two")
    }

    @Test func aVodozemacFallbackKeyOpensTwoSwiftSessions() throws {
        let peer = try VodozemacPeer()
        let peerKeys = try peer.call("account_new", ["account": "bob"])
        let fallback = try Curve25519PublicKey(base64: (peer.call("account_fallback_key", ["account": "bob"])["keys"] as! [String: String]).values.first!)
        let identity = try Curve25519PublicKey(base64: peerKeys["curve25519"] as! String)
        for name in ["one", "two"] {
            let account = OlmAccount()
            var session = try account.createOutboundSession(identityKey: identity, oneTimeKey: fallback)
            let message = try session.encrypt(Array(name.utf8))
            let answer = try peer.call("olm_inbound", [
                "account": "bob", "session": name, "sender_key": account.identityKey.base64, "type": message.type, "body": message.body,
            ])
            #expect(answer["plaintext"] as? String == name)
        }
    }
}
