import Foundation
import MatrixClient
import Testing

/// The bot in end-to-end encrypted rooms, with matrix-nio (vodozemac inside) as the patient's
/// client: an implementation the bot's code shares nothing with decides whether it can read
/// the bot, and whether the bot read it.
extension Scenarios {
    /// A direct chat opened as Element X opens one: every message answered once, encrypted, and
    /// readable by the patient's client; a crisis gets the resources; the same after a restart;
    /// nothing the bot wrote there is plaintext on the server, and nothing the patient wrote is in its logs.
    func answersAnEncryptedDirectChat() async throws {
        let setup = try await community(patients: 1, settings: "sync: {timeout_seconds: 2}")
        let bot = setup.bot
        let patient = try await NioPatient.start(setup.patients[0], homeserver: homeserver)
        let chat = try await encryptedChat(patient, with: bot)
        let crisisText = "i want to die tonight"
        let crisis = try await patient.say(crisisText, in: chat)
        let sleep = try await patient.say("the pain in my leg keeps me up at night", in: chat)
        var replies = try await waitForEncryptedReplies(to: [crisis, sleep], in: chat, as: patient, bot: bot)
        #expect(replies[crisis]?.count == 1 && replies[sleep]?.count == 1)
        #expect(replies[crisis]?.first?.body?.contains("988") == true, "a crisis gets the crisis line")

        #expect(bot.stop() == 0)
        try await bot.start()
        let after = try await patient.say("my back is stiff again this morning", in: chat)
        replies = try await waitForEncryptedReplies(to: [after], in: chat, as: patient, bot: bot)
        #expect(replies[after]?.count == 1, "after a restart the bot reads the chat and the patient reads the bot")

        let onServer = try await setup.patients[0].client.messages(roomID: chat, from: nil, to: nil, limit: 200).events
        let botMessages = onServer.filter { $0.sender == bot.user.userID && $0.type != "m.room.member" }
        #expect(botMessages.count == 3 && botMessages.allSatisfy { $0.type == "m.room.encrypted" && $0.content["body"] == nil },
                "the server holds only ciphertext from the bot")
        #expect(!bot.logs.contains(crisisText), "the patient's words stay out of the logs, trace level included")
        await patient.stop()
    }

    /// A stream of encrypted messages while the bot is killed twice: each message answered
    /// exactly once, and every reply readable by the patient.
    func answersEveryEncryptedMessageOnceThroughKills() async throws {
        let setup = try await community(patients: 1, settings: "reply: {cooldown_seconds: 0}\nsync: {timeout_seconds: 2}")
        let bot = setup.bot
        let patient = try await NioPatient.start(setup.patients[0], homeserver: homeserver)
        let chat = try await encryptedChat(patient, with: bot)
        var sent: [String] = []
        for number in 0..<20 {
            sent.append(try await patient.say("i cant sleep, night \(number) of this pain", in: chat))
            if number == 6 || number == 13 {
                bot.kill()
                try await bot.start(waitUntilReady: false)
            }
        }
        let replies = try await waitForEncryptedReplies(to: sent, in: chat, as: patient, bot: bot, timeout: .seconds(120))
        try await Task.sleep(for: .seconds(3)) // a duplicate would arrive now
        let final = try await encryptedReplies(in: chat, as: patient, bot: bot)
        let notOnce = sent.filter { final[$0]?.count != 1 }
        #expect(notOnce.isEmpty, "every message exactly one reply")
        let unread = replies.values.joined().filter { !$0.decrypted }
        #expect(unread.isEmpty, "every reply decrypts in the patient's client")
        await patient.stop()
    }

    /// A message whose key never comes: after the wait the patient is told, once, in an encrypted
    /// notice that carries the crisis resources too, since the unread message might have been a crisis.
    func tellsAPatientWhenAMessageStaysUnreadable() async throws {
        let setup = try await community(patients: 1, settings: "sync: {timeout_seconds: 2}\nencryption: {key_wait_seconds: 3}")
        let bot = setup.bot
        let patient = try await NioPatient.start(setup.patients[0], homeserver: homeserver)
        let chat = try await encryptedChat(patient, with: bot)
        // What a client sends when its room key was lost on the way: Megolm for a session the bot never got.
        let lost = try await patient.user.client.send(roomID: chat, eventType: "m.room.encrypted", transactionID: UUID().uuidString, content: [
            "algorithm": "m.megolm.v1.aes-sha2", "session_id": "a-session-whose-key-never-comes", "device_id": .string(patient.deviceID),
            "sender_key": "a-curve25519-key", "ciphertext": "AwgAEhAxMjM0NTY3ODkwYWJjZGVm",
        ])
        let replies = try await waitForEncryptedReplies(to: [lost], in: chat, as: patient, bot: bot)
        let notice = try #require(replies[lost]?.first)
        #expect(notice.body?.contains("couldn't read your last message") == true)
        #expect(notice.body?.contains("988") == true, "the crisis line, in case the unread message was a crisis")
        try await Task.sleep(for: .seconds(5))
        #expect(try await encryptedReplies(in: chat, as: patient, bot: bot)[lost]?.count == 1, "told once")
        await patient.stop()
    }

    /// An encrypted direct chat with the bot, open and joined, as a patient's client makes one.
    private func encryptedChat(_ patient: NioPatient, with bot: BotProcess) async throws -> String {
        try await eventually("the bot's device is published") { bot.logs.contains("the bot's device is published") }
        let chat = try await patient.openDirectChat(with: bot.user.userID)
        try await patient.waitJoined(bot.user.userID, in: chat)
        return chat
    }

    /// The bot's messages in `room` as the patient's client reads them, by the event each answers;
    /// one it could not decrypt is under `undecryptable`.
    private func encryptedReplies(in room: String, as patient: NioPatient, bot: BotProcess) async throws -> [String: [NioEvent]] {
        let events = try await patient.messages(in: room).filter { $0.sender == bot.user.userID && $0.type != "m.room.member" }
        return Dictionary(grouping: events) { $0.type == "undecryptable" ? "undecryptable" : $0.inReplyTo ?? "" }
    }

    private func waitForEncryptedReplies(to eventIDs: [String], in room: String, as patient: NioPatient, bot: BotProcess,
                                         timeout: Duration = .seconds(60)) async throws -> [String: [NioEvent]] {
        var replies: [String: [NioEvent]] = [:]
        do {
            try await eventually(timeout: timeout, every: .milliseconds(500), "encrypted replies the patient can read") {
                replies = try await encryptedReplies(in: room, as: patient, bot: bot)
                return eventIDs.allSatisfy { replies[$0] != nil } || replies["undecryptable"] != nil
            }
        } catch {
            Issue.record("bot log:\n\(bot.logs.suffix(4000))")
            throw error
        }
        #expect(replies["undecryptable"] == nil, "every reply of the bot's decrypts in the patient's client")
        return replies
    }
}
