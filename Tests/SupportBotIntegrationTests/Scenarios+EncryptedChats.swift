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
        let (setup, patient, chat) = try await patientInEncryptedChat(settings: "sync: {timeout_seconds: 2}")
        let bot = setup.bot
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
        #expect(!bot.logs.contains("session_key") && !bot.logs.contains("ciphertext"), "no key or encrypted content in the logs either")
        #expect(!bot.logs.contains(patient.user.userID), "nor the patient's user id")
        await patient.stop()
    }

    /// A stream of encrypted messages while the bot is killed twice: each message answered
    /// exactly once, and every reply readable by the patient.
    func answersEveryEncryptedMessageOnceThroughKills() async throws {
        let (setup, patient, chat) = try await patientInEncryptedChat(settings: "reply: {cooldown_seconds: 0}\nsync: {timeout_seconds: 2}")
        let bot = setup.bot
        var sent: [String] = []
        for number in 0..<20 {
            sent.append(try await patient.say("i cant sleep, night \(number) of this pain", in: chat))
            if number == 6 || number == 13 {
                bot.kill()
                try await bot.start(waitUntilReady: false)
            }
        }
        _ = try await waitForEncryptedReplies(to: sent, in: chat, as: patient, bot: bot, timeout: .seconds(120))
        try await Task.sleep(for: .seconds(3)) // a duplicate would arrive now
        let final = try await encryptedReplies(in: chat, as: patient, bot: bot)
        let notOnce = sent.filter { final[$0]?.count != 1 }
        #expect(notOnce.isEmpty, "every message exactly one reply")
        let unread = final.values.joined().filter { !$0.decrypted }
        #expect(unread.isEmpty, "every reply decrypts in the patient's client")
        await patient.stop()
    }

    /// A message whose key never comes: after the wait the patient is told, once, in an encrypted
    /// notice that carries the crisis resources too, since the unread message might have been a crisis.
    func tellsAPatientWhenAMessageStaysUnreadable() async throws {
        let (setup, patient, chat) = try await patientInEncryptedChat(settings: "sync: {timeout_seconds: 2}\nencryption: {key_wait_seconds: 3}")
        let bot = setup.bot
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

    /// A patient signs in on a second device: the bot's next reply is readable there too (the
    /// sync says the patient's devices changed; the room's key goes to the new one).
    func aSecondDeviceOfThePatientReadsTheNextReply() async throws {
        let (setup, phone, chat) = try await patientInEncryptedChat(settings: "sync: {timeout_seconds: 2}")
        let bot = setup.bot
        let first = try await phone.say("my back hurts so much today", in: chat)
        _ = try await waitForEncryptedReplies(to: [first], in: chat, as: phone, bot: bot)

        let laptop = try await NioPatient.start(try await homeserver.logIn(setup.patients[0]), homeserver: homeserver)
        #expect(laptop.deviceID != phone.deviceID)
        let next = try await phone.say("the pain in my leg keeps me up at night", in: chat)
        let replies = try await waitForEncryptedReplies(to: [next], in: chat, as: laptop, bot: bot)
        #expect(replies[next]?.first?.decrypted == true, "the new device reads the bot's next reply")
        await laptop.stop()
        await phone.stop()
    }

    /// A member leaves a shared encrypted room: the bot's next message there goes out under a
    /// new key, which only those still in the room were given.
    func rotatesTheKeyWhenAMemberLeaves() async throws {
        let setup = try await encryptedCommunity(patients: 2)
        let (bot, stays, leaves) = (setup.bot, setup.patients[0], setup.patients[1])
        let before = try await stays.say("hey supportbot what can you do", in: setup.room)
        _ = try await waitForEncryptedReplies(to: [before], in: setup.room, as: stays, bot: bot)
        let seenByLeaver = try await waitForEncryptedReplies(to: [before], in: setup.room, as: leaves, bot: bot)
        #expect(seenByLeaver[before]?.first?.decrypted == true, "while both are in the room, both read the bot")

        try await leaves.leave(setup.room)
        try await eventually("the member has left") { try await !stays.user.client.joinedMembers(roomID: setup.room).keys.contains(leaves.user.userID) }
        let after = try await stays.say("supportbot, how do i ask for a patient ambassador", in: setup.room)
        _ = try await waitForEncryptedReplies(to: [after], in: setup.room, as: stays, bot: bot)
        let keys = try await sessionIDs(of: bot, in: setup.room, as: stays.user)
        #expect(keys.count == 2 && keys[0] != keys[1], "the reply after the leave is under a new key: \(keys)")
        for patient in setup.patients + [setup.staff] { await patient.stop() }
    }

    /// Ambassadors in an encrypted room: the bot's post is readable there, a `!claim` written
    /// encrypted is read, and the private room of the claim is encrypted and readable by both.
    func claimsInAnEncryptedAmbassadorsRoom() async throws {
        let setup = try await encryptedCommunity(patients: 1)
        let (bot, patient, staff) = (setup.bot, setup.patients[0], setup.staff)
        let chat = try await encryptedChat(patient, with: bot)
        let request = try await patient.say("!ambassador please, i need to talk to someone", in: chat)
        _ = try await waitForEncryptedReplies(to: [request], in: chat, as: patient, bot: bot)
        var post: NioEvent?
        try await eventually(timeout: .seconds(60), "the escalation is posted, readable by the ambassador") {
            post = try await staff.messages(in: setup.ambassadors).last { $0.sender == bot.user.userID && $0.body?.contains("To claim") == true }
            return post != nil
        }
        let number = try number(in: post?.body)
        let claim = try await staff.say("!claim \(number)", in: setup.ambassadors)
        let confirmed = try await waitForEncryptedReplies(to: [claim], in: setup.ambassadors, as: staff, bot: bot)
        #expect(confirmed[claim]?.first?.body?.contains("#\(number) is yours") == true, "\(String(describing: confirmed[claim]))")

        var invited: [String] = []
        try await eventually("both are invited to the claim's private room") {
            invited = try await patient.invites()
            let staffInvited = try await staff.invites()
            return !invited.isEmpty && staffInvited == invited
        }
        let privateRoom = try #require(invited.first)
        try await patient.join(privateRoom)
        try await staff.join(privateRoom)
        try await eventually(timeout: .seconds(60), "both read the bot's first post there") {
            let readers = [try await patient.messages(in: privateRoom), try await staff.messages(in: privateRoom)]
            return readers.allSatisfy { $0.contains { $0.sender == bot.user.userID && $0.decrypted && $0.encryptedOnTheWire } }
        }
        for user in [patient, staff] { await user.stop() }
    }

    /// Patients and an ambassador on nio, in an encrypted community room and an encrypted
    /// ambassadors room, both made before the bot starts and joined by it at start.
    struct EncryptedCommunity {
        let bot: BotProcess
        let patients: [NioPatient]
        let staff: NioPatient
        let room: String
        let ambassadors: String
    }

    func encryptedCommunity(patients count: Int) async throws -> EncryptedCommunity {
        let botUser = try await homeserver.register("bot")
        var patients: [NioPatient] = []
        for index in 0..<count { patients.append(try await NioPatient.start(try await homeserver.register("patient\(index)"), homeserver: homeserver)) }
        let staff = try await NioPatient.start(try await homeserver.register("ambassador"), homeserver: homeserver)
        let room = try await patients[0].createRoom(named: "Community", inviting: [botUser.userID] + patients.dropFirst().map(\.user.userID))
        for patient in patients.dropFirst() { try await patient.join(room) }
        let ambassadors = try await staff.createRoom(named: "Ambassadors", inviting: [botUser.userID])
        let bot = try BotProcess(user: botUser, homeserver: homeserver, community: [room], ambassadors: ambassadors, moderators: nil,
                                 settings: "sync: {timeout_seconds: 2}\nreply: {cooldown_seconds: 0}\nescalation: {ambassadors: [\"\(staff.user.userID)\"]}")
        try await bot.start()
        try await patients[0].waitJoined(bot.user.userID, in: room)
        // A member who writes the moment the bot joins must find its device to encrypt for.
        let devices = try await patients[0].user.client.queryKeys([bot.user.userID])["device_keys"]?[bot.user.userID]?.object ?? [:]
        #expect(!devices.isEmpty, "the bot's device is published before it joins the room")
        try await staff.waitJoined(bot.user.userID, in: ambassadors)
        return EncryptedCommunity(bot: bot, patients: patients, staff: staff, room: room, ambassadors: ambassadors)
    }

    /// The Megolm sessions of the bot's messages in a room, in order, as the server holds them.
    private func sessionIDs(of bot: BotProcess, in room: String, as user: TestUser) async throws -> [String] {
        let events = try await user.client.messages(roomID: room, from: nil, to: nil, limit: 200).events.reversed()
        var sessions: [String] = []
        for event in events where event.sender == bot.user.userID && event.type == "m.room.encrypted" {
            if let session = event.content["session_id"]?.string, sessions.last != session { sessions.append(session) }
        }
        return sessions
    }

    /// A community with one patient on nio, who has opened an encrypted direct chat with the bot.
    private func patientInEncryptedChat(settings: String) async throws -> (setup: Community, patient: NioPatient, chat: String) {
        let setup = try await community(patients: 1, settings: settings)
        let patient = try await NioPatient.start(setup.patients[0], homeserver: homeserver)
        return (setup, patient, try await encryptedChat(patient, with: setup.bot))
    }

    /// An encrypted direct chat with the bot, open and joined, as a patient's client makes one.
    private func encryptedChat(_ patient: NioPatient, with bot: BotProcess) async throws -> String {
        try await eventually("the bot's device is published") { bot.logs.contains("the bot's device is published") }
        let chat = try await patient.openDirectChat(with: bot.user.userID)
        try await patient.waitJoined(bot.user.userID, in: chat)
        return chat
    }

    /// The bot's messages in `room` as the patient's client reads them, by the event each answers
    /// (relations travel in the clear, so a reply the client cannot decrypt is there too).
    private func encryptedReplies(in room: String, as patient: NioPatient, bot: BotProcess) async throws -> [String: [NioEvent]] {
        let events = try await patient.messages(in: room).filter { $0.sender == bot.user.userID && $0.inReplyTo != nil }
        return Dictionary(grouping: events) { $0.inReplyTo ?? "" }
    }

    /// Waits until each of `eventIDs` has a reply the patient's client has decrypted.
    private func waitForEncryptedReplies(to eventIDs: [String], in room: String, as patient: NioPatient, bot: BotProcess,
                                         timeout: Duration = .seconds(60)) async throws -> [String: [NioEvent]] {
        var replies: [String: [NioEvent]] = [:]
        do {
            try await eventually(timeout: timeout, every: .milliseconds(500), "replies the patient's client decrypts") {
                replies = try await encryptedReplies(in: room, as: patient, bot: bot)
                return eventIDs.allSatisfy { replies[$0]?.isEmpty == false && replies[$0]?.allSatisfy(\.decrypted) == true }
            }
        } catch {
            let missing = eventIDs.filter { replies[$0] == nil }, unread = eventIDs.filter { replies[$0]?.contains { !$0.decrypted } == true }
            let log = bot.logs.split(separator: "\n").filter { !$0.contains("\"synced\"") }.suffix(40).joined(separator: "\n")
            Issue.record("without a reply: \(missing); with a reply the client cannot decrypt: \(unread); bot log, syncs left out:\n\(log)")
            throw error
        }
        return replies
    }
}
