import Foundation
import Testing

/// matrix-nio, the independent client the encryption scenarios use as the patient, checked on
/// its own first: two nio patients, no bot. A failure here is in the driver or the setup, not
/// in the bot.
@Suite("The matrix-nio patient", .timeLimit(.minutes(5)))
struct NioPatientTests {
    @Test func twoNioPatientsTalkInAnEncryptedDirectChat() async throws {
        let homeserver = try Homeserver.synapse.start()
        let alice = try await NioPatient.start(try await homeserver.register("nio-alice"), homeserver: homeserver)
        let bob = try await NioPatient.start(try await homeserver.register("nio-bob"), homeserver: homeserver)

        let room = try await alice.openDirectChat(with: bob.user.userID)
        try await bob.join(room)
        try await alice.waitJoined(bob.user.userID, in: room)
        let text = "my head hurts since monday (\(UUID().uuidString.prefix(8)))"
        let sent = try await alice.say(text, in: room)

        var seen: NioEvent?
        try await eventually("bob's client decrypts alice's message") {
            seen = try await bob.messages(in: room).first { $0.eventID == sent && $0.decrypted }
            return seen != nil
        }
        #expect(seen?.type == "m.room.message")
        #expect(seen?.body == text)
        #expect(seen?.sender == alice.user.userID)
        #expect(seen?.encryptedOnTheWire == true)

        // What the homeserver holds: ciphertext only, in a room made the way Element X makes one.
        let onServer = try await alice.user.client.messages(roomID: room, from: nil, to: nil, limit: 100).events
        let stored = try #require(onServer.first { $0.eventID == sent })
        #expect(stored.type == "m.room.encrypted")
        #expect(stored.content["algorithm"]?.string == "m.megolm.v1.aes-sha2")
        #expect(stored.content["body"] == nil)
        #expect(onServer.contains { $0.type == "m.room.encryption" && $0.content["algorithm"]?.string == "m.megolm.v1.aes-sha2" })
        let invite = onServer.first { $0.type == "m.room.member" && $0.stateKey == bob.user.userID && $0.content["membership"]?.string == "invite" }
        #expect(invite?.content["is_direct"]?.bool == true)

        await alice.stop()
        await bob.stop()
    }
}
