@testable import MatrixCrypto
import Testing

/// One Olm session between a Swift account and a vodozemac account, with helpers that send a
/// line each way and check it arrives; or that only encrypt, so tests can reorder and drop.
struct OlmConversation {
    let peer: VodozemacPeer
    var swift: OlmSession
    let peerSession: String

    /// Swift starts the session with a one-time key the peer published.
    static func startedBySwift(peer: VodozemacPeer, account: OlmAccount, peerAccount: String = "bob", name: String = "s") throws -> OlmConversation {
        let peerKeys = try peer.call("account_new", ["account": peerAccount])
        let oneTimeKeys = try peer.call("account_one_time_keys", ["account": peerAccount, "count": 1])["keys"] as! [String: String]
        var session = try account.createOutboundSession(
            identityKey: Curve25519PublicKey(base64: peerKeys["curve25519"] as! String),
            oneTimeKey: Curve25519PublicKey(base64: oneTimeKeys.values.first!)
        )
        let first = try session.encrypt(Array("hello vodozemac".utf8))
        #expect(first.kind == .preKey)
        let answer = try peer.call("olm_inbound", [
            "account": peerAccount, "session": name, "sender_key": account.identityKey.base64, "type": first.type, "body": first.body,
        ])
        #expect(answer["plaintext"] as? String == "hello vodozemac")
        #expect(answer["session_id"] as? String == session.sessionID)
        return OlmConversation(peer: peer, swift: session, peerSession: name)
    }

    /// The peer starts the session with a key of the Swift account (one-time or fallback).
    static func startedByPeer(
        peer: VodozemacPeer, account: inout OlmAccount, key: Curve25519PublicKey, peerAccount: String = "alice", name: String = "p"
    ) throws -> OlmConversation {
        let peerKeys = try peer.call("account_new", ["account": peerAccount])
        try peer.call("olm_outbound", [
            "account": peerAccount, "session": name, "identity_key": account.identityKey.base64, "one_time_key": key.base64,
        ])
        let first = try peerMessage(peer, session: name, "hello swift")
        #expect(first.kind == .preKey)
        let (session, plaintext) = try account.createInboundSession(
            from: first, senderIdentityKey: Curve25519PublicKey(base64: peerKeys["curve25519"] as! String)
        )
        #expect(plaintext == Array("hello swift".utf8))
        #expect(session.matches(first))
        #expect(try peer.call("olm_matches", ["session": name, "type": first.type, "body": first.body])["matches"] as? Bool == true)
        return OlmConversation(peer: peer, swift: session, peerSession: name)
    }

    private static func peerMessage(_ peer: VodozemacPeer, session: String, _ text: String) throws -> OlmMessage {
        let answer = try peer.call("olm_encrypt", ["session": session, "plaintext": text])
        return try OlmMessage(type: answer["type"] as! Int, body: answer["body"] as! String)
    }

    // MARK: Sending

    mutating func swiftEncrypts(_ text: String) throws -> OlmMessage { try swift.encrypt(Array(text.utf8)) }

    func peerEncrypts(_ text: String) throws -> OlmMessage { try Self.peerMessage(peer, session: peerSession, text) }

    func peerReads(_ message: OlmMessage, expecting text: String) throws {
        let answer = try peer.call("olm_decrypt", ["session": peerSession, "type": message.type, "body": message.body])
        #expect(answer["plaintext"] as? String == text)
    }

    mutating func swiftReads(_ message: OlmMessage, expecting text: String) throws {
        #expect(try swift.decrypt(message) == Array(text.utf8))
    }

    mutating func swiftSends(_ text: String) throws {
        try peerReads(swiftEncrypts(text), expecting: text)
    }

    mutating func peerSends(_ text: String) throws {
        try swiftReads(peerEncrypts(text), expecting: text)
    }
}
