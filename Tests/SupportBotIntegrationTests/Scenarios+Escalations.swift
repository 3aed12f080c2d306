import Foundation
import MatrixClient
import Testing

/// Escalations as ambassadors and patients see them: the post, the claim, the private room,
/// the resolution, and the re-ping of what waits.
extension Scenarios {
    /// The bot's messages in the ambassadors room, as a member reads them.
    func botPosts(_ setup: Community, as reader: TestUser) async throws -> [ClientEvent] {
        try await reader.history(of: setup.ambassadors).filter { $0.sender == setup.bot.user.userID }
    }

    func waitForPost(_ setup: Community, as reader: TestUser, _ what: String, timeout: Duration = .seconds(30),
                     _ matches: @escaping (ClientEvent) -> Bool) async throws -> ClientEvent {
        var found: ClientEvent?
        do {
            try await eventually(timeout: timeout, what) {
                found = try await botPosts(setup, as: reader).last(where: matches)
                return found != nil
            }
        } catch {
            Issue.record("bot log:\n\(setup.bot.logs.suffix(3000))")
            throw error
        }
        return found!
    }

    /// The escalation number a post or reply names (`#12`).
    func number(in text: String?) throws -> Int {
        let match = try #require(text?.firstMatch(of: /#(\d+)/))
        return try #require(Int(match.1))
    }

    func react(_ user: TestUser, to eventID: String, in room: String, key: String = "👍") async throws {
        _ = try await user.client.send(roomID: room, eventType: "m.reaction", transactionID: UUID().uuidString, content: [
            "m.relates_to": ["rel_type": "m.annotation", "event_id": .string(eventID), "key": .string(key)],
        ])
    }

    /// The private room stays plaintext here (`encrypt_private_rooms: false`), for clients that
    /// cannot decrypt; the encrypted one is in `claimsInAnEncryptedAmbassadorsRoom`.
    func escalationFromRequestToPrivateRoomToResolved() async throws {
        let helper = try await homeserver.register("helper")
        let outsider = try await homeserver.register("outsider")
        let port = Int.random(in: 20_000...40_000)
        let setup = try await community(patients: 1, settings: """
            escalation: {ambassadors: ["\(helper.userID)"], excerpt_characters: 20, encrypt_private_rooms: false}
            http: {listen: "127.0.0.1:\(port)"}
            """)
        let (bot, patient, staff) = (setup.bot, setup.patients[0], setup.staff)
        try await helper.client.join(setup.ambassadors)
        try await outsider.client.join(setup.ambassadors)
        let dm = try await directChat(patient, with: bot)

        let topic = try await patient.say("i cant sleep, the pain wakes me every night", in: dm)
        _ = try await waitForReply(to: topic, in: dm, as: patient, bot: bot)
        // The request: one reply carries the answer and the place in line.
        let request = try await patient.say("!ambassador please, i really need to talk to someone today", in: dm)
        let replies = try await waitForReply(to: request, in: dm, as: patient, bot: bot)
        let answer = try #require(replies.to(request).first?.body)
        #expect(answer.contains("Patient Ambassador") && answer.contains("number 1 in line"), "\(answer)")
        #expect(replies.to(request).count == 1)
        let notice = try await waitForPost(setup, as: staff, "the escalation is posted") { $0.body?.contains("To claim") == true }
        let number = try number(in: notice.body)
        #expect(notice.body?.contains(patient.userID) == true)
        #expect(notice.body?.contains("“!ambassador please,…”") == true, "a short excerpt, as configured: \(notice.body ?? "")")
        #expect(notice.body?.contains("talk to someone today") == false)
        let sleepTitle = "Trouble sleeping, exhaustion"
        #expect(notice.body?.contains("Lately they talked about: \(sleepTitle)") == true, "the topics, not the words: \(notice.body ?? "")")
        let waiting = try await scrapeMetrics(port)
        #expect(waiting.contains(#"supportbot_escalations_waiting{priority="normal"} 1.0"#), "operators see one request waiting")
        #expect(!waiting.contains(#"supportbot_escalation_oldest_wait_seconds{priority="normal"} 0.0"#), "and for how long")

        // Bad input and outsiders: a short answer, no change.
        let outsiderClaim = try await outsider.say("!claim \(number)", in: setup.ambassadors)
        let badNumber = try await staff.say("!claim abc", in: setup.ambassadors)
        let unknown = try await staff.say("!claim 9999", in: setup.ambassadors)
        try await react(staff, to: try await staff.say("good morning all", in: setup.ambassadors), in: setup.ambassadors)
        let staffReplies = try await waitForStaffReply(setup, to: unknown, as: staff)
        #expect(staffReplies.to(outsiderClaim).first?.body?.contains("Only Patient Ambassadors") == true)
        #expect(staffReplies.to(badNumber).first?.body?.contains("not an escalation number") == true)
        #expect(staffReplies.to(unknown).first?.body?.contains("no escalation #9999") == true)

        // Two ambassadors at once, one by command and one by 👍: exactly one wins.
        async let byCommand: String = staff.say("!claim \(number)", in: setup.ambassadors)
        // The thumbs-up as Element sends it, with a variation selector.
        async let byReaction: Void = react(helper, to: notice.eventID, in: setup.ambassadors, key: "👍\u{FE0F}")
        _ = try await (byCommand, byReaction)
        let won = try await waitForPost(setup, as: staff, "a claim is confirmed") { $0.body?.contains("#\(number) is yours") == true }
        let lost = try await waitForPost(setup, as: staff, "the other is told who has it") { $0.body?.contains("#\(number) is already claimed by") == true }
        let winner = won.content["m.mentions"]?["user_ids"]?.array?.first?.string
        #expect([staff.userID, helper.userID].contains(winner ?? ""))
        #expect(lost.body?.contains(winner ?? "-") == true)
        #expect(try await botPosts(setup, as: staff).filter { $0.body?.contains("is yours") == true }.count == 1)
        try await eventually("the wait until the claim is measured once, and nothing waits any more") {
            let claimed = try await scrapeMetrics(port)
            return claimed.contains(#"supportbot_escalation_wait_seconds_count{priority="normal"} 1"#)
                && claimed.contains(#"supportbot_escalations_waiting{priority="normal"} 0.0"#)
                && claimed.contains(#"supportbot_escalation_oldest_wait_seconds{priority="normal"} 0.0"#)
        }

        // The handoff: a private room with both, and news for the patient.
        let ambassador = winner == staff.userID ? staff : helper
        var invited: [String] = []
        try await eventually("the patient is invited to a private room") {
            invited = try await patient.client.sync(since: nil, filter: nil, timeout: .zero, userID: patient.userID).invitedRooms.map(\.roomID)
            return !invited.isEmpty
        }
        let privateRoom = try #require(invited.first)
        #expect(won.body?.contains("private room") == true && won.body?.contains("matrix.to") == false, "no raw address: the invitation is the way in")
        try await patient.client.join(privateRoom)
        try await ambassador.client.join(privateRoom)
        let welcome = try #require(try await patient.history(of: privateRoom).first { $0.sender == bot.user.userID }?.body)
        #expect(welcome.contains("Patient Ambassador") && welcome.contains("leave"), "what the room is, for the patient: \(welcome)")
        for staffNote in ["#\(number)", "URGENT", "matrix.to", "asked 20", "For "] {
            #expect(!welcome.contains(staffNote), "the patient reads no staff notes: \(welcome)")
        }
        let claimedPost = try await waitForPost(setup, as: staff, "the post says who claimed it") {
            $0.relationType == "m.replace" && $0.content["m.new_content"]?["body"]?.string?.hasPrefix("Claimed by") == true
        }
        #expect(claimedPost.content["m.relates_to"]?["event_id"]?.string == notice.eventID)
        #expect(claimedPost.content["m.new_content"]?["body"]?.string?.contains("To claim") == false, "a claimed post offers no claim")
        try await eventually("the patient hears who is coming") {
            try await patient.history(of: dm).contains { $0.sender == bot.user.userID && $0.body?.contains("is coming to talk with you") == true }
        }

        // The private room is theirs: the bot does not answer in it.
        let between = try await patient.say("i cant sleep, thank you for coming", in: privateRoom)
        _ = try await ambassador.say("hi, i'm here. how are you sleeping?", in: privateRoom)
        let sentinel = try await patient.say("i cant sleep at all lately", in: dm)
        _ = try await waitForReply(to: sentinel, in: dm, as: patient, bot: bot)
        try await Task.sleep(for: .seconds(1)) // a reply in the private room would be here by now
        let answered = Replies(history: try await patient.history(of: privateRoom), bot: bot.user.userID)
        #expect(answered.to(between).isEmpty && answered.byEvent.isEmpty, "the bot leaves the private room's conversation alone")
        let crisis = try await patient.say("honestly i want to end my life", in: privateRoom)
        let resources = try await waitForReply(to: crisis, in: privateRoom, as: patient, bot: bot)
        #expect(resources.to(crisis).first?.body?.contains("988") == true, "but a crisis is met at once, wherever it is said")

        // Resolve, and a second resolve.
        let resolve = try await ambassador.say("!resolve \(number) talked it through", in: setup.ambassadors)
        _ = try await waitForPost(setup, as: staff, "resolved") { $0.body?.contains("#\(number) resolved by") == true }
        let edit = try await waitForPost(setup, as: staff, "the post is marked resolved") {
            $0.relationType == "m.replace" && $0.content["m.new_content"]?["body"]?.string?.hasPrefix("✅ Resolved") == true
        }
        #expect(edit.content["m.relates_to"]?["event_id"]?.string == notice.eventID)
        try await eventually("both are thanked") {
            try await patient.history(of: privateRoom).contains { $0.body?.contains("Thank you both") == true }
        }
        let again = try await ambassador.say("!resolve \(number)", in: setup.ambassadors)
        let final = try await waitForStaffReply(setup, to: again, as: staff)
        #expect(final.to(again).first?.body?.contains("resolved already") == true)
        #expect(final.to(resolve).count == 1, "the first resolve is confirmed once, the second is not taken for it")

        // The operator sees the whole story.
        let shown = try bot.queue(["show", "\(number)"])
        #expect(shown.status == 0 && shown.output.contains("resolved"))
        #expect(shown.output.contains("REFUSED") && shown.output.contains(outsider.userID), "the outsider's attempt is audited:\n\(shown.output)")
        #expect(!bot.logs.contains("talk to someone today"), "patients' words stay out of the logs")
    }

    /// Waits for the bot's answer to a message in the ambassadors room (a reply or a thread reply).
    func waitForStaffReply(_ setup: Community, to eventID: String, as reader: TestUser) async throws -> Replies {
        var replies = Replies(history: [], bot: setup.bot.user.userID)
        try await eventually("an answer to \(eventID) in the ambassadors room") {
            replies = Replies(history: try await reader.history(of: setup.ambassadors), bot: setup.bot.user.userID)
            return !replies.to(eventID).isEmpty
        }
        return replies
    }

    func crisisIsUrgentAndWaitsThroughARestart() async throws {
        let setup = try await community(patients: 1, settings: "escalation: {reping_after: {urgent: 4s}, encrypt_private_rooms: false}")
        let (bot, patient, staff) = (setup.bot, setup.patients[0], setup.staff)
        let crisis = try await patient.say("i dont want to be here anymore", in: setup.room)
        let replies = try await waitForReply(to: crisis, in: setup.room, as: patient, bot: bot)
        let answer = try #require(replies.to(crisis).first?.body)
        #expect(answer.hasPrefix("• ") && answer.contains("988"), "crisis resources first, at once: \(answer)")
        #expect(!answer.contains("in line") && !answer.contains("!ambassador") && !answer.contains("> "),
                "no place in line, no command to type, no quote: \(answer)")
        #expect(replies.to(crisis).first?.content["org.supportbot.resources"]?.bool == true, "marked for clients that set it apart")
        #expect(replies.to(crisis).first?.content["formatted_body"]?.string?.contains(#"<a href="tel:988">"#) == true, "a link to call")
        #expect(answer.contains("written to you privately") && !answer.contains("private room to talk"), "in public, only the resources and a pointer: \(answer)")
        // The rest, privately: a direct chat opened for it.
        var invited: [String] = []
        do {
            try await eventually("the patient is invited to a direct chat") {
                invited = try await patient.client.sync(since: nil, filter: nil, timeout: .zero, userID: patient.userID).invitedRooms.map(\.roomID)
                return !invited.isEmpty
            }
        } catch {
            Issue.record("the bot's log: \(bot.logs.suffix(6000))")
            throw error
        }
        let direct = try #require(invited.first)
        try await patient.client.join(direct)
        let written = try #require(try await patient.history(of: direct).first { $0.sender == bot.user.userID }?.body)
        #expect(written.hasPrefix("• ") && written.contains("988") && written.contains("Patient Ambassador has been asked"), "the whole reply, privately: \(written)")
        let notice = try await waitForPost(setup, as: staff, "an urgent post") { $0.body?.contains("URGENT") == true }
        let number = try number(in: notice.body)
        #expect(notice.content["m.mentions"]?["user_ids"]?.array?.contains(.string(staff.userID)) == true, "the ambassadors on duty are mentioned")
        #expect(notice.body?.contains("“i dont want to be here anymore”") == true, "a short message is quoted whole")

        let withdraw = try await patient.say("!cancel", in: setup.room)
        let withdrawn = try await waitForReply(to: withdraw, in: setup.room, as: patient, bot: bot)
        #expect(withdrawn.to(withdraw).first?.body?.contains("will still check in") == true, "a crisis request is not withdrawn by a command")

        // Stopped before the re-ping is due, started after: the timer is in the database.
        #expect(bot.stop() == 0)
        try await Task.sleep(for: .seconds(5))
        try await bot.start()
        let reping = try await waitForPost(setup, as: staff, "posted again after the restart") { $0.body?.contains("Still waiting: #\(number)") == true }
        #expect(reping.content["m.mentions"]?["user_ids"]?.array?.contains(.string(staff.userID)) == true)
        let listed = try bot.queue(["list"])
        #expect(listed.status == 0 && listed.output.contains("#\(number)\topen\turgent"), "\(listed.output)")

        // An operator claims it for an ambassador; the running bot announces it.
        let claimed = try bot.queue(["claim", "\(number)", "--as", staff.userID])
        #expect(claimed.status == 0, "\(claimed.output)")
        _ = try await waitForPost(setup, as: staff, "the operator's claim is announced") { $0.body?.contains("#\(number) is yours") == true }
        let trail = try bot.queue(["show", "\(number)"]).output
        #expect(trail.contains("\(staff.userID)  claim (by operator:"), "the operator who claimed for an ambassador is in the audit trail:\n\(trail)")
        let twice = try bot.queue(["claim", "\(number)", "--as", patient.userID])
        #expect(twice.status != 0 && twice.output.contains("already claimed by \(staff.userID)"))
        try await eventually("the patient is invited to a private room") {
            try await !patient.client.sync(since: nil, filter: nil, timeout: .zero, userID: patient.userID).invitedRooms.isEmpty
        }
        let community = try await patient.history(of: setup.room).filter { $0.sender == bot.user.userID }
        #expect(community.count == 2, "news of the claim never goes to the community room")
    }
}
