import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MatrixClient
import Testing

/// The bot's behaviour as patients see it, written once and run against every homeserver
/// the bot supports.
struct Scenarios {
    let homeserver: any TestHomeserver

    /// A community room with `patients` in it, an ambassadors room run by `staff`, and a bot
    /// configured to follow both.
    struct Community {
        let bot: BotProcess
        let patients: [TestUser]
        let room: String
        let staff: TestUser
        let ambassadors: String
        /// With `moderated`: the moderators room, and a moderator (its creator, power level 100).
        var moderators: (room: String, moderator: TestUser)?
    }

    /// - Parameters:
    ///   - moderated: with a moderators room.
    ///   - beforeStart: what happens to the bot's account before the bot first starts.
    func community(patients count: Int, settings: String = "", moderated: Bool = false, intents: URL = Synapse.root.appendingPathComponent("Intents"),
                   beforeStart: (TestUser) async throws -> Void = { _ in }) async throws -> Community {
        let botUser = try await homeserver.register("bot")
        try await beforeStart(botUser)
        var patients: [TestUser] = []
        for index in 0..<count { patients.append(try await homeserver.register("patient\(index)")) }
        let staff = try await homeserver.register("ambassador")
        let room = try await patients[0].client.createRoom(["preset": "public_chat", "name": "Community"])
        for patient in patients.dropFirst() { try await patient.client.join(room) }
        let ambassadors = try await staff.client.createRoom(["preset": "public_chat", "name": "Ambassadors"])
        var moderators: (room: String, moderator: TestUser)?
        if moderated {
            let moderator = try await homeserver.register("moderator")
            moderators = (try await moderator.client.createRoom(["preset": "public_chat", "name": "Moderators"]), moderator)
        }
        let bot = try BotProcess(user: botUser, homeserver: homeserver, community: [room], ambassadors: ambassadors, moderators: moderators?.room,
                                 settings: settings, intents: intents)
        try await bot.start()
        return Community(bot: bot, patients: patients, room: room, staff: staff, ambassadors: ambassadors, moderators: moderators)
    }

    /// A direct chat a patient opens with the bot, once the bot has joined it.
    func directChat(_ patient: TestUser, with bot: BotProcess) async throws -> String {
        let room = try await patient.client.createRoom([
            "preset": "trusted_private_chat", "is_direct": true, "invite": [.string(bot.user.userID)],
        ])
        try await eventually("the bot joins the direct chat") {
            try await patient.client.joinedMembers(roomID: room).keys.contains(bot.user.userID)
        }
        return room
    }

    /// Waits until the bot has answered `eventID`, and returns the room's replies.
    func waitForReply(to eventID: String, in room: String, as patient: TestUser, bot: BotProcess, timeout: Duration = .seconds(30)) async throws -> Replies {
        var replies = Replies(history: [], bot: bot.user.userID)
        do {
            try await eventually(timeout: timeout, "a reply to \(eventID)") {
                replies = Replies(history: try await patient.history(of: room), bot: bot.user.userID)
                return !replies.to(eventID).isEmpty
            }
        } catch {
            Issue.record("bot log:\n\(bot.logs.suffix(3000))")
            throw error
        }
        return replies
    }

    // MARK: - Scenarios

    func answersEveryMessageInADirectChat() async throws {
        let setup = try await community(patients: 1)
        let (bot, patients) = (setup.bot, setup.patients)
        let patient = patients[0]
        let room = try await directChat(patient, with: bot)
        let hello = try await patient.say("hello??", in: room)
        let sleep = try await patient.say("i cant sleep, the pain keeps me up all night", in: room)
        let replies = try await waitForReply(to: sleep, in: room, as: patient, bot: bot)
        let first = try #require(replies.to(hello).first)
        #expect(replies.to(hello).count == 1)
        #expect(first.body?.contains("bot") == true, "the first reply says it is a bot")
        #expect(first.messageType == "m.notice")
        let answer = try #require(replies.to(sleep).first)
        #expect(answer.content["formatted_body"]?.string?.contains("<blockquote>") == true)
        #expect(answer.content["format"]?.string == "org.matrix.custom.html")
        #expect(answer.body?.contains("Stress and sleep disorders") == true)
        #expect(replies.to(sleep).count == 1)
        #expect(bot.stop() == 0, "SIGTERM stops the bot cleanly")
    }

    func answersOnlyRelevantMessagesInTheCommunity() async throws {
        let setup = try await community(patients: 2)
        let (bot, patients, room) = (setup.bot, setup.patients, setup.room)
        let chat = try await patients[0].say("anyone watching the game tonight", in: room)
        let thanks = try await patients[1].say("thanks everyone you guys are great", in: room)
        let sleep = try await patients[1].say("i cant sleep more than 2 hours a night because of my back", in: room)
        let mention = try await patients[0].say("hey supportbot what can you do", in: room)
        let replies = try await waitForReply(to: mention, in: room, as: patients[0], bot: bot)
        _ = try await waitForReply(to: sleep, in: room, as: patients[0], bot: bot)
        let final = Replies(history: try await patients[0].history(of: room), bot: bot.user.userID)
        #expect(final.to(chat).isEmpty, "chit-chat between patients is left alone")
        #expect(final.to(thanks).isEmpty)
        #expect(final.to(sleep).count == 1)
        #expect(replies.to(mention).count == 1, "a message that mentions the bot is answered")
        #expect(final.unattached.isEmpty)
    }

    func meetsACrisisAtOncePastTheCooldown() async throws {
        let setup = try await community(patients: 1, settings: "reply: {cooldown_seconds: 600}\nescalation: {excerpt_characters: 0}")
        let (bot, patients, room) = (setup.bot, setup.patients, setup.room)
        let patient = patients[0]
        let sleep = try await patient.say("i cant sleep at all", in: room)
        _ = try await waitForReply(to: sleep, in: room, as: patient, bot: bot)
        let again = try await patient.say("still cant sleep", in: room)
        let crisis = try await patient.say("honestly i just want to end my life", in: room)
        let replies = try await waitForReply(to: crisis, in: room, as: patient, bot: bot)
        let answer = try #require(replies.to(crisis).first?.body)
        #expect(answer.contains("988"))
        #expect(answer.lowercased().contains("ambassador"))
        #expect(replies.to(again).isEmpty, "the same patient and intent within the cooldown is not answered again")
        try await eventually("the ambassadors are asked to reach out") {
            try await setup.staff.history(of: setup.ambassadors).contains { $0.sender == bot.user.userID && $0.body?.contains("URGENT") == true }
        }
        let alert = try #require(try await setup.staff.history(of: setup.ambassadors).last { $0.sender == bot.user.userID }?.body)
        #expect(alert.contains(patient.userID) && alert.contains(room))
        #expect(!alert.contains("end my life"), "with excerpt_characters: 0, the patient's words stay with the patient")
    }

    func servesHealthAndMetricsWithoutPatientData() async throws {
        let port = Int.random(in: 20_000...40_000)
        let setup = try await community(patients: 1, settings: "http: {listen: \"127.0.0.1:\(port)\"}")
        let patient = setup.patients[0]
        let sleep = try await patient.say("i cant sleep at all", in: setup.room)
        _ = try await waitForReply(to: sleep, in: setup.room, as: patient, bot: setup.bot)
        let (health, healthResponse) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/healthz")!)
        #expect((healthResponse as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: health, as: UTF8.self) == "ok\n")
        let text = try await scrapeMetrics(port)
        #expect(text.contains(#"supportbot_messages_total{outcome="replied"} 1"#))
        #expect(text.contains(#"supportbot_replies_total{intent="sleep"} 1"#))
        // Requests to the homeserver by endpoint: one reply cost one send.
        #expect(text.contains(#"supportbot_homeserver_requests_total{endpoint="send"} 1"#))
        #expect(text.contains(#"supportbot_homeserver_requests_total{endpoint="sync"}"#))
        #expect(text.contains("supportbot_ready 1.0"), "ready, as /healthz says")
        #expect(text.contains(#"supportbot_messages_total{outcome="failed"} 0"#) && text.contains("supportbot_sync_failures_total 0"),
                "what alerts watch is there from the start, so its first increase shows")
        #expect(text.contains(#"supportbot_escalations_waiting{priority="urgent"} 0.0"#))
        #expect(!text.contains(patient.userID) && !text.contains("@"), "no user ids in metrics")
        // --log-format json: one object a line, with its time, level and message, for log shippers.
        let lines = setup.bot.logs.split(separator: "\n")
        #expect(lines.count > 3)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["time"] is String && object?["level"] is String && object?["message"] is String, "\(line)")
        }
        #expect(lines.contains { $0.contains(#""message":"following rooms""#) && $0.contains(#""bot.rooms":"#) }, "metadata under its own keys")
    }

    /// The bot's `/metrics` text, as Prometheus scrapes it.
    func scrapeMetrics(_ port: Int) async throws -> String {
        let (metrics, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        return String(decoding: metrics, as: UTF8.self)
    }

    /// A patient sees that the bot read their newest message; a run of messages costs a
    /// receipt or two, not one each (issue 15). Synapse only: the relay keeps receipts but
    /// does not send them back in a sync.
    func marksTheNewestMessageReadWithFewReceipts() async throws {
        let port = Int.random(in: 20_000...40_000)
        let setup = try await community(patients: 1, settings: "http: {listen: \"127.0.0.1:\(port)\"}\nreply: {cooldown_seconds: 0}")
        let patient = setup.patients[0]
        var sent: [String] = []
        for index in 1...8 { sent.append(try await patient.say("i cant sleep, night \(index)", in: setup.room)) }
        let newest = try #require(sent.last)
        _ = try await waitForReply(to: newest, in: setup.room, as: patient, bot: setup.bot)
        try await eventually(timeout: .seconds(10), "the bot's read receipt on the newest message") {
            try await readReceipt(of: setup.bot.user.userID, in: setup.room, as: patient) == newest
        }
        let receipts = try await scrapeMetrics(port).split(separator: "\n")
            .first { $0.hasPrefix(#"supportbot_homeserver_requests_total{endpoint="receipt"}"#) }
            .flatMap { $0.split(separator: " ").last.flatMap { Int($0) } }
        #expect((1...6).contains(receipts ?? 0), "receipts sent for 8 messages: \(receipts ?? 0)")
    }

    /// The event a user's public read receipt in a room points to, as another member's
    /// client learns it from `/sync`.
    private func readReceipt(of userID: String, in room: String, as member: TestUser) async throws -> String? {
        let filter = #"{"room":{"rooms":["\#(room)"],"timeline":{"limit":1},"state":{"types":[]}}}"#
        var address = URLComponents(url: homeserver.url.appendingPathComponent("_matrix/client/v3/sync"), resolvingAgainstBaseURL: false)!
        address.queryItems = [URLQueryItem(name: "timeout", value: "0"), URLQueryItem(name: "filter", value: filter)]
        var request = URLRequest(url: address.url!)
        request.setValue("Bearer \(member.accessToken)", forHTTPHeaderField: "Authorization")
        let (data, _) = try await URLSession.shared.data(for: request)
        let ephemeral = try JSONValue(parsing: data)["rooms"]?["join"]?[room]?["ephemeral"]?["events"]?.array ?? []
        for event in ephemeral where event["type"]?.string == "m.receipt" {
            for (eventID, receipts) in event["content"]?.object ?? [:] where receipts["m.read"]?[userID] != nil {
                return eventID
            }
        }
        return nil
    }

    func respectsStopStartAndForgetAcrossRestarts() async throws {
        let setup = try await community(patients: 1)
        let (bot, patients) = (setup.bot, setup.patients)
        let patient = patients[0]
        let room = try await directChat(patient, with: bot)
        let stop = try await patient.say("!stop", in: room)
        var replies = try await waitForReply(to: stop, in: room, as: patient, bot: bot)
        #expect(replies.to(stop).first?.body?.contains("!start") == true)
        #expect(bot.stop() == 0)
        try await bot.start()
        let quiet = try await patient.say("i cant sleep", in: room)
        let crisis = try await patient.say("i want to kill myself", in: room)
        replies = try await waitForReply(to: crisis, in: room, as: patient, bot: bot)
        #expect(replies.to(crisis).first?.body?.contains("988") == true, "crisis is answered even after !stop")
        let start = try await patient.say("!start", in: room)
        let sleep = try await patient.say("i cant sleep", in: room)
        replies = try await waitForReply(to: sleep, in: room, as: patient, bot: bot)
        #expect(replies.to(quiet).isEmpty, "!stop is remembered across a restart")
        #expect(replies.to(start).count == 1)
        let forget = try await patient.say("!forget", in: room)
        replies = try await waitForReply(to: forget, in: room, as: patient, bot: bot)
        #expect(replies.to(forget).first?.body?.contains("erased") == true)
        let unknown = try await patient.say("!dance", in: room)
        replies = try await waitForReply(to: unknown, in: room, as: patient, bot: bot)
        #expect(replies.to(unknown).first?.body?.contains("!help") == true)
    }

    /// A line that is harmless alone is a crisis from a patient whose earlier messages raised
    /// their risk, a "yeah" is the answer to the question the bot asked, and a farewell that is
    /// a possible crisis alone is the trip a patient told of before: all are kept in the
    /// database (a number and times, never words), so a restart between changes nothing, and
    /// `!forget` erases them.
    func remembersAConversationsRiskAcrossARestart() async throws {
        let setup = try await community(patients: 2)
        let (bot, patient, other) = (setup.bot, setup.patients[0], setup.patients[1])
        let room = try await directChat(patient, with: bot)
        let signs = try await patient.say("havent slept in days and i feel like such a burden on my family", in: room)
        var replies = try await waitForReply(to: signs, in: room, as: patient, bot: bot)
        #expect(replies.to(signs).first?.body?.contains("988") == false, "warning signs alone are not a crisis")
        let otherRoom = try await directChat(other, with: bot)
        let trip = try await other.say("flying out to spain tomorrow, first trip since the op", in: otherRoom)
        _ = try await waitForReply(to: trip, in: otherRoom, as: other, bot: bot)
        #expect(bot.stop() == 0)
        try await bot.start()
        let ready = try await patient.say("anyway ive got everything ready", in: room)
        replies = try await waitForReply(to: ready, in: room, as: patient, bot: bot)
        let answer = try #require(replies.to(ready).first?.body)
        #expect(answer.contains("988"), "the resources, at once")
        #expect(answer.lowercased().contains("are you thinking about ending your life?"), "a possible risk is asked about directly")
        try await eventually("the ambassadors are asked to check in") {
            try await setup.staff.history(of: setup.ambassadors).contains { $0.sender == bot.user.userID && $0.body?.contains("ask them directly") == true }
        }
        #expect(bot.stop() == 0)
        try await bot.start()
        let yes = try await patient.say("yeah", in: room)
        replies = try await waitForReply(to: yes, in: room, as: patient, bot: bot)
        let answered = try #require(replies.to(yes).first?.body)
        #expect(answered.contains("988") && answered.contains("Thank you for telling me"), "a yes to the question is a crisis: the resources, at once")
        #expect(!answered.lowercased().contains("are you thinking about ending your life?"), "and the question is not asked again")
        try await eventually("the ambassadors are told the patient answered") {
            try await setup.staff.history(of: setup.ambassadors).contains { $0.sender == bot.user.userID && $0.body?.contains("the patient answered yes or was unsure") == true }
        }

        let same = try await other.say("anyway ive got everything ready", in: otherRoom)
        replies = try await waitForReply(to: same, in: otherRoom, as: other, bot: bot)
        #expect(replies.to(same).first?.body?.contains("988") == false, "the same words from a patient with nothing worrying before are harmless")
        let away = try await other.say("you wont hear from me after today", in: otherRoom)
        replies = try await waitForReply(to: away, in: otherRoom, as: other, bot: bot)
        #expect(replies.to(away).first?.body?.contains("988") == false, "the trip told of before the restart explains the farewell")
        let otherYes = try await other.say("yeah", in: otherRoom)
        replies = try await waitForReply(to: otherYes, in: otherRoom, as: other, bot: bot)
        #expect(replies.to(otherYes).first?.body?.contains("988") == false, "from a patient the bot did not ask, a yes is nothing")

        let forget = try await patient.say("!forget", in: room)
        _ = try await waitForReply(to: forget, in: room, as: patient, bot: bot)
        let again = try await patient.say("ok ive got everything ready", in: room)
        replies = try await waitForReply(to: again, in: room, as: patient, bot: bot)
        #expect(replies.to(again).first?.body?.contains("988") == false, "!forget erases the risk level too")
        let farewell = try await patient.say("you wont hear from me after today", in: room)
        replies = try await waitForReply(to: farewell, in: room, as: patient, bot: bot)
        #expect(replies.to(farewell).first?.body?.contains("988") == true, "with no plan told of, a farewell is asked about")
    }

    /// A patient who writes while the bot is away gets the direct question when it is back,
    /// and their answer to it counts for the window after that reply (the homeserver's time of
    /// it), not after the message it answered (here a window of two minutes, and the bot away
    /// for longer).
    func countsAnAnswerFromWhenTheQuestionWasAskedAfterAnOutage() async throws {
        let intents = FileManager.default.temporaryDirectory.appendingPathComponent("supportbot-intents-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Synapse.root.appendingPathComponent("Intents"), to: intents)
        let common = intents.appendingPathComponent("common.yaml")
        let settings = try String(contentsOf: common, encoding: .utf8)
        try #require(settings.contains("answer_minutes: 60"))
        try settings.replacingOccurrences(of: "answer_minutes: 60", with: "answer_minutes: 2").write(to: common, atomically: true, encoding: .utf8)
        let setup = try await community(patients: 1, intents: intents)
        let (bot, patient) = (setup.bot, setup.patients[0])
        let room = try await directChat(patient, with: bot)
        #expect(bot.stop() == 0)
        let farewell = try await patient.say("you wont hear from me after today", in: room)
        try await Task.sleep(for: .seconds(130))
        try await bot.start()
        var replies = try await waitForReply(to: farewell, in: room, as: patient, bot: bot)
        let question = try #require(replies.to(farewell).first?.body)
        #expect(question.lowercased().contains("are you thinking about ending your life?"))
        let yes = try await patient.say("yeah", in: room)
        replies = try await waitForReply(to: yes, in: room, as: patient, bot: bot)
        let answered = try #require(replies.to(yes).first?.body)
        #expect(answered.contains("988") && answered.contains("Thank you for telling me"), "the yes answers the question the patient has just seen")
        #expect(bot.stop() == 0)
        try FileManager.default.removeItem(at: intents)
    }

    func leavesTheHistoryOfANewlyAddedRoomAlone() async throws {
        let setup = try await community(patients: 1)
        let patient = setup.patients[0]
        let added = try await patient.client.createRoom(["preset": "public_chat", "name": "Added later"])
        let old = try await patient.say("i cant sleep, said before the bot followed this room", in: added)
        #expect(setup.bot.stop() == 0)
        try setup.bot.configure(community: [setup.room, added])
        try await setup.bot.start()
        let new = try await patient.say("i cant sleep again tonight", in: added)
        let replies = try await waitForReply(to: new, in: added, as: patient, bot: setup.bot)
        #expect(replies.to(old).isEmpty, "history from before the bot followed the room is not answered")
    }

    /// A message followed, while the bot was away, by more events of another type than a
    /// homeserver looks through for a filtered sync (Synapse reads the newest ten times the
    /// timeline limit, and leaves the room out when none of them passes the filter): here a
    /// live-location share, one event every few seconds. The message is still answered: a sync
    /// filtered by type would lose it. (A small timeline limit, so that a hundred and fifty
    /// events are more than Synapse looks through.)
    func answersAMessageBuriedUnderOtherEvents() async throws {
        let setup = try await community(patients: 2, settings: "sync: {timeline_limit: 10}")
        let (bot, room, patient) = (setup.bot, setup.room, setup.patients[0])
        #expect(bot.stop() == 0)
        let message = try await patient.say("i cant sleep, the pain keeps waking me", in: room)
        for index in 0..<150 {
            try await setup.patients[1].client.send(roomID: room, eventType: "org.matrix.msc3672.beacon", transactionID: UUID().uuidString, content: [
                "org.matrix.msc3488.location": ["uri": .string("geo:51.5008,0.12\(index)")], "org.matrix.msc3488.ts": .number(Double(index)),
            ])
        }
        try await bot.start()
        _ = try await waitForReply(to: message, in: room, as: patient, bot: bot)
    }

    /// While the bot answers a backlog, its replies fill the room's newest events, more of them
    /// than a homeserver looks through for a filtered sync; a message written meanwhile is still
    /// answered.
    func answersAMessageWrittenWhileItAnswersABacklog() async throws {
        let setup = try await community(patients: 2, settings: "reply: {cooldown_seconds: 0}\nsync: {timeline_limit: 10}")
        let (bot, room) = (setup.bot, setup.room)
        #expect(bot.stop() == 0)
        for night in 0..<200 {
            try await setup.patients[0].say("i cant sleep, night \(night) of this pain", in: room)
        }
        try await bot.start()
        try await eventually("the bot answers the backlog") { bot.logs.contains("\"replied\"") }
        let meanwhile = try await setup.patients[1].say("i cant sleep either, the pain keeps waking me", in: room)
        _ = try await waitForReply(to: meanwhile, in: room, as: setup.patients[1], bot: bot, timeout: .seconds(120))
        let history = try await setup.patients[1].history(of: room)
        let after = history.drop { $0.eventID != meanwhile }.filter { $0.sender == bot.user.userID }.count
        #expect(after > 120, "more of the bot's replies followed the message than Synapse looks through (\(after)): what the scenario is about")
    }

    func survivesBadInput() async throws {
        let setup = try await community(patients: 1, settings: "reply: {cooldown_seconds: 0}")
        let (bot, patients, room) = (setup.bot, setup.patients, setup.room)
        let patient = patients[0]
        let original = try await patient.say("i cant sleep", in: room)
        _ = try await waitForReply(to: original, in: room, as: patient, bot: bot)
        let odd: [JSONValue] = [
            ["msgtype": "m.text", "body": .string(String(repeating: "so tired of all this pain ", count: 2_000))],
            ["msgtype": "m.text", "body": "* i cant sleep", "m.new_content": ["msgtype": "m.text", "body": "i cant sleep"],
             "m.relates_to": ["rel_type": "m.replace", "event_id": .string(original)]],
            ["msgtype": "m.text", "body": "<b>i cant sleep</b>", "format": "org.matrix.custom.html", "formatted_body": "<script>alert(1)</script>"],
            ["msgtype": "m.image", "body": "photo.jpg", "url": "mxc://localhost/abc"],
            ["msgtype": "m.notice", "body": "i cant sleep (a notice from another bot)"],
        ]
        var sent: [String] = []
        for content in odd {
            sent.append(try await patient.client.send(roomID: room, transactionID: UUID().uuidString, content: content))
        }
        _ = try await patient.client.send(roomID: room, eventType: "com.example.unknown", transactionID: UUID().uuidString, content: ["x": 1])
        let sentinel = try await patient.say("i cant sleep again tonight", in: room)
        let replies = try await waitForReply(to: sentinel, in: room, as: patient, bot: bot)
        #expect(replies.to(sent[1]).isEmpty, "an edit is not answered again")
        #expect(replies.to(sent[3]).isEmpty && replies.to(sent[4]).isEmpty, "an image, and another bot's notice, are not answered")
        #expect(replies.to(sent[2]).count == 1, "an HTML message is read by its plain body")
        #expect(!bot.logs.contains("so tired of all this pain"), "patients' words stay out of the logs")
        #expect(!bot.logs.contains(bot.user.accessToken), "the access token stays out of the logs, trace level included")
    }

    /// Several patients write at once, `count` messages in all, while `disrupt` runs beside
    /// them; every message must end up with exactly one reply.
    func everyMessageAnsweredExactlyOnce(count: Int, patients patientCount: Int, settings: String, timeout: Duration,
                                         disrupt: (@Sendable (BotProcess) async throws -> Void)? = nil) async throws {
        let setup = try await community(patients: patientCount, settings: settings)
        let (bot, patients, room) = (setup.bot, setup.patients, setup.room)
        let sent = try await withThrowingTaskGroup(of: [String].self) { group in
            for (index, patient) in patients.enumerated() {
                group.addTask {
                    var ids: [String] = []
                    for number in stride(from: index, to: count, by: patientCount) {
                        ids.append(try await patient.say("i cant sleep, night \(number) of this pain", in: room))
                    }
                    return ids
                }
            }
            if let disrupt { group.addTask { try await disrupt(bot); return [] } }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(sent.count == count)
        try await bot.start(waitUntilReady: false) // a no-op unless the disruption left it stopped
        var replies = Replies(history: [], bot: bot.user.userID)
        do {
            // Reading the whole room is work for the homeserver: not so often that it slows the bot's replies.
            try await eventually(timeout: timeout, every: .seconds(1), "every message has a reply") {
                replies = Replies(history: try await patients[0].history(of: room), bot: bot.user.userID)
                return sent.allSatisfy { !replies.to($0).isEmpty }
            }
        } catch {
            // Where the unanswered messages are (each patient's in the order sent) tells a gap
            // skipped over from a tail not reached yet.
            let unanswered = sent.indices.filter { replies.to(sent[$0]).isEmpty }
            Issue.record("""
                \(unanswered.count) of \(count) messages without a reply, at \(unanswered.map(String.init).joined(separator: " ")) \
                (of the messages sent, each patient's together in the order written); the bot \(bot.status); its log:\n\(bot.logs.suffix(6000))
                """)
            throw error
        }
        try await Task.sleep(for: .seconds(2)) // a duplicate would arrive now
        replies = Replies(history: try await patients[0].history(of: room), bot: bot.user.userID)
        let counts = sent.map { replies.to($0).count }
        #expect(counts.filter { $0 == 0 }.count == 0, "messages without a reply")
        #expect(counts.filter { $0 > 1 }.count == 0, "messages with more than one reply")
        #expect(replies.unattached.isEmpty)
    }
}
