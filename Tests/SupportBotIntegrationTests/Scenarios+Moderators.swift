import Foundation
import MatrixClient
import Testing

/// What moderators learn, and what patients' 👍 and 👎 do: the moderators room's commands
/// and their refusals, on every homeserver.
extension Scenarios {
    /// A reaction to an event, as clients send it.
    @discardableResult
    func react(_ user: TestUser, _ key: String, to eventID: String, in room: String) async throws -> String {
        try await user.client.send(roomID: room, eventType: "m.reaction", transactionID: UUID().uuidString,
                                   content: ["m.relates_to": ["rel_type": "m.annotation", "event_id": .string(eventID), "key": .string(key)]])
    }

    /// A moderators' command and the bot's one notice answering it.
    func ask(_ command: String, as user: TestUser, in setup: Community) async throws -> String {
        let room = try #require(setup.moderators?.room)
        let asked = try await user.say(command, in: room)
        let replies = try await waitForReply(to: asked, in: room, as: user, bot: setup.bot)
        let answer = try #require(replies.to(asked).first)
        #expect(replies.to(asked).count == 1, "one answer to \(command)")
        #expect(answer.messageType == "m.notice" && answer.content["format"]?.string == "org.matrix.custom.html")
        return answer.body ?? ""
    }

    func feedbackCountsOncePerPatientAndIntent() async throws {
        let setup = try await community(patients: 2, settings: "reply: {cooldown_seconds: 0}", moderated: true)
        let (bot, patient, other) = (setup.bot, setup.patients[0], setup.patients[1])
        let moderator = try #require(setup.moderators?.moderator)
        let chat = try await directChat(patient, with: bot)
        let sleep = try await patient.say("i cant sleep, the pain keeps me up all night", in: chat)
        let reply = try #require(try await waitForReply(to: sleep, in: chat, as: patient, bot: bot).to(sleep).first)
        let thanks = { try await patient.history(of: chat).filter { $0.sender == bot.user.userID && $0.body?.hasPrefix("Thank you for letting me know") == true } }
        try await react(patient, "👍\u{FE0F}", to: reply.eventID, in: chat)
        try await eventually("a thanks in the direct chat") { try await thanks().count == 1 }
        try await react(patient, "👍", to: reply.eventID, in: chat) // the same vote again
        try await react(patient, "👎", to: reply.eventID, in: chat) // a changed mind
        try await eventually("a thanks for the changed mind") { try await thanks().count == 2 }

        let said = try await patient.say("i cant sleep more than 2 hours a night because of my back", in: setup.room)
        let answer = try #require(try await waitForReply(to: said, in: setup.room, as: patient, bot: bot).to(said).first)
        let othersReaction = try await react(other, "👍", to: answer.eventID, in: setup.room) // not their reply: ignored
        let communityVote = try await react(patient, "👎", to: answer.eventID, in: setup.room)
        try await react(patient, "🎉", to: answer.eventID, in: setup.room) // not a vote
        let expected = "sleep: 2 replies, 👍 0, 👎 2"
        var stats = ""
        try await eventually("the votes are counted") {
            stats = try await ask("!stats", as: moderator, in: setup)
            return stats.contains(expected)
        }
        #expect(try await thanks().count == 2, "the same vote again is not thanked again")
        #expect(try await patient.history(of: setup.room).allSatisfy { !($0.body ?? "").hasPrefix("Thank you") }, "no thanks in a community room")
        #expect(!bot.logs.contains("keeps me up"), "no patient's words in the logs")

        // Exactly once across a restart: the same reactions are not counted again.
        #expect(bot.stop() == 0)
        try await bot.start()
        #expect(try await ask("!stats 1", as: moderator, in: setup).contains(expected))

        // A vote taken back (the reaction removed) no longer counts; another's removal changes nothing.
        try await other.client.redact(roomID: setup.room, eventID: othersReaction, transactionID: UUID().uuidString)
        try await patient.client.redact(roomID: setup.room, eventID: communityVote, transactionID: UUID().uuidString)
        try await eventually("the withdrawn vote is no longer counted") {
            try await ask("!stats", as: moderator, in: setup).contains("sleep: 2 replies, 👍 0, 👎 1")
        }

        // !forget takes the patient's replies and votes with it.
        let forget = try await patient.say("!forget", in: chat)
        _ = try await waitForReply(to: forget, in: chat, as: patient, bot: bot)
        #expect(try await ask("!stats", as: moderator, in: setup).contains("No replies."))
    }

    func moderatorsExplainClassifyRulesAndStatsAndRefuseTheRest() async throws {
        let setup = try await community(patients: 1, moderated: true)
        let (bot, patient) = (setup.bot, setup.patients[0])
        let (moderators, moderator) = try #require(setup.moderators)
        let sleep = try await patient.say("i cant sleep more than 2 hours a night because of my back", in: setup.room)
        _ = try await waitForReply(to: sleep, in: setup.room, as: patient, bot: bot)
        let chatter = try await patient.say("anyone watching the game tonight", in: setup.room)

        let explained = try await ask("!explain https://matrix.to/#/\(setup.room)/\(sleep)?via=\(homeserver.serverName)", as: moderator, in: setup)
        #expect(explained.contains("read with the rules running now") && explained.contains("The bot answered it then with 'sleep'"), "\(explained)")
        var unanswered = ""
        try await eventually("the unanswered message is handled") {
            unanswered = try await ask("!explain \(chatter)", as: moderator, in: setup)
            return unanswered.contains("keeps no reply to it")
        }
        #expect(unanswered.hasPrefix("A message in \(setup.room)"), "\(unanswered)")
        #expect(try await ask("!classify i cant sleep at all", as: moderator, in: setup).contains("sleep"))
        let rules = try await ask("!rules", as: moderator, in: setup)
        #expect(rules.contains("Rules running since") && rules.contains("crisis.yaml") && rules.contains("No change has been refused since."))
        let stats = try await ask("!stats 7", as: moderator, in: setup)
        #expect(stats.contains("sleep: 1 replies") && stats.contains("Gave up (fallback): 1 messages") && stats.contains("Escalations: 0"), "\(stats)")

        // Refusals: a clear answer, nothing else.
        #expect(try await ask("!explain https://matrix.to/#/\(setup.room)/$unknown", as: moderator, in: setup).contains("I can't find that message"))
        let chat = try await directChat(patient, with: bot)
        let secret = try await patient.say("hello there", in: chat)
        _ = try await waitForReply(to: secret, in: chat, as: patient, bot: bot)
        let refusal = try await ask("!explain https://matrix.to/#/\(chat)/\(secret)", as: moderator, in: setup)
        #expect(refusal.contains("direct chat or a private room") && !refusal.contains("hello"))
        let elsewhere = try await patient.client.createRoom(["preset": "public_chat", "name": "Elsewhere"])
        let outside = try await patient.say("i cant sleep", in: elsewhere)
        #expect(try await ask("!explain https://matrix.to/#/\(elsewhere)/\(outside)", as: moderator, in: setup).contains("I'm not in that room"))
        #expect(try await ask("!explain https://matrix.to/#/\(setup.ambassadors)/\(outside)", as: moderator, in: setup).contains("staff room"))
        #expect(try await ask("!explain https://matrix.to/#/%23nowhere:\(homeserver.serverName)/$x", as: moderator, in: setup)
            .contains("I can't find a room with that alias"))
        #expect(try await ask("!stats 0", as: moderator, in: setup).contains("'0' is not a number of days"))
        #expect(try await ask("!frobnicate", as: moderator, in: setup).contains("I don't know !frobnicate"))
        #expect(try await ask("!explain", as: moderator, in: setup).contains("!explain needs a link"))
        let member = try await homeserver.register("member")
        try await member.client.join(moderators)
        #expect(try await ask("!stats", as: member, in: setup).contains("Only moderators can use these commands"))
        #expect(try await ask("!classify i cant sleep", as: member, in: setup).contains("Only moderators"))
        #expect(try await ask("!rules", as: moderator, in: setup).contains("Rules running since"), "the bot keeps running")
        #expect(!bot.logs.contains("watching the game"), "no patient's words in the logs")
    }
}
