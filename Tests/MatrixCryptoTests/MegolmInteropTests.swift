import MatrixCrypto
import Testing

/// Megolm against vodozemac, both directions.
@Suite struct MegolmInteropTests {
    @Test func swiftToVodozemacIncludingALateImportAndAnExport() throws {
        let peer = try VodozemacPeer()
        var outbound = OutboundGroupSession()
        try peer.call("megolm_inbound", ["session": "in", "session_key": outbound.sessionKey])
        var sent: [String] = []
        for number in 0 ..< 300 {
            sent.append(outbound.encrypt(Array("message \(number) ✓".utf8)))
        }
        for number in [0, 299, 5, 256, 257] {
            let answer = try peer.call("megolm_decrypt", ["session": "in", "ciphertext": sent[number]])
            #expect(answer["plaintext"] as? String == "message \(number) ✓")
            #expect(answer["index"] as? Int == number)
        }
        try peer.call("megolm_inbound", ["session": "late", "session_key": outbound.sessionKey])
        let late = outbound.encrypt(Array("late".utf8))
        #expect(try peer.string("megolm_decrypt", ["session": "late", "ciphertext": late], "plaintext") == "late")
        #expect(throws: VodozemacPeer.Failure.self) { try peer.call("megolm_decrypt", ["session": "late", "ciphertext": sent[0]]) }

        let inbound = try InboundGroupSession(sessionKey: outbound.sessionKey)
        try peer.call("megolm_inbound", ["session": "exported", "exported_key": #require(inbound.export(at: 302))])
        _ = outbound.encrypt(Array("skipped".utf8))
        let exportedOn = outbound.encrypt(Array("after export".utf8))
        #expect(try peer.string("megolm_decrypt", ["session": "exported", "ciphertext": exportedOn], "plaintext") == "after export")
    }

    @Test func vodozemacToSwiftIncludingALateImportAndAnExport() throws {
        let peer = try VodozemacPeer()
        var inbound = try InboundGroupSession(sessionKey: peer.string("megolm_new", ["session": "out"], "session_key"))
        var sent: [String] = []
        for number in 0 ..< 260 {
            sent.append(try peer.string("megolm_encrypt", ["session": "out", "plaintext": "vodozemac \(number)"], "ciphertext"))
        }
        for number in [259, 0, 255, 256, 1] {
            let (plaintext, index) = try inbound.decrypt(sent[number])
            #expect(String(decoding: plaintext, as: UTF8.self) == "vodozemac \(number)")
            #expect(index == UInt32(number))
        }
        var late = try InboundGroupSession(sessionKey: peer.string("megolm_session_key", ["session": "out"], "session_key"))
        #expect(late.firstKnownIndex == 260)
        try peer.call("megolm_inbound", ["session": "in", "session_key": peer.string("megolm_session_key", ["session": "out"], "session_key")])
        let next = try peer.string("megolm_encrypt", ["session": "out", "plaintext": "next"], "ciphertext")
        #expect(try late.decrypt(next).plaintext == Array("next".utf8))
        try peer.call("megolm_decrypt", ["session": "in", "ciphertext": next])
        let exported = try peer.string("megolm_export", ["session": "in", "index": 261], "exported_key")
        var imported = try InboundGroupSession(exportedKey: exported)
        #expect(imported.firstKnownIndex == 261)
        let after = try peer.string("megolm_encrypt", ["session": "out", "plaintext": "after"], "ciphertext")
        #expect(try imported.decrypt(after).plaintext == Array("after".utf8))
        // And vodozemac reads our export of its session.
        try peer.call("megolm_inbound", ["session": "ours", "exported_key": #require(inbound.export(at: 100))])
        #expect(try peer.string("megolm_decrypt", ["session": "ours", "ciphertext": sent[200]], "plaintext") == "vodozemac 200")
    }
}
