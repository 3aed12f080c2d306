import Escalations
import Foundation
import Storage
import Testing

@Suite("What moderators learn from: replies, feedback, fallback, the weekly summary")
struct ModerationStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let patient = "@p:localhost"

    /// The bot answers `$m<n>` with `intent`, in reply `$reply<n>`.
    /// A crisis said in a community room is answered twice: in public, and in a private chat.
    func reply(_ database: BotDatabase, _ number: Int, intent: String, patient: String? = nil, at: Date? = nil) throws {
        var handling = Handling(eventID: "$m\(number)", roomID: "!dm", at: at ?? now, patient: patient ?? self.patient)
        handling.repliedIntent = intent
        handling.replies = [RoomEvent(eventID: "$reply\(number)", roomID: "!dm")]
        if intent == "crisis" { handling.replies.append(RoomEvent(eventID: "$private\(number)", roomID: "!chat")) }
        handling.fellBack = intent == "fallback"
        try database.commit(handling)
    }

    func vote(_ database: BotDatabase, _ reaction: String, on number: Int, _ vote: Feedback.Vote, by user: String? = nil, at: Date? = nil) throws {
        let reply = try #require(try database.botReply(eventID: "$reply\(number)"))
        var handling = Handling(eventID: reaction, roomID: "!dm", at: at ?? now)
        handling.feedback = Feedback(reply: reply, user: user ?? patient, vote: vote)
        try database.commit(handling)
    }

    @Test func aReplyIsKeptWithItsIntentAndNoWords() throws {
        let database = try BotDatabase.inMemory()
        try reply(database, 1, intent: "sleep")
        let kept = try #require(try database.botReply(eventID: "$reply1"))
        #expect(kept == BotReply(eventID: "$reply1", sourceEventID: "$m1", roomID: "!dm", patient: patient, intentID: "sleep", at: now))
        #expect(try database.repliedIntent(toEvent: "$m1") == "sleep")
        #expect(try database.repliedIntent(toEvent: "$m2") == nil)
    }

    @Test func aPatientsRepeatedVoteCountsOnceAndAChangedMindReplacesIt() throws {
        let database = try BotDatabase.inMemory()
        try reply(database, 1, intent: "sleep")
        try reply(database, 2, intent: "sleep")
        try vote(database, "$r1", on: 1, .up)
        try vote(database, "$r2", on: 1, .up)
        try vote(database, "$r1", on: 1, .down) // the same reaction again (a re-read batch): nothing
        #expect(try database.moderationStats(since: now.addingTimeInterval(-60)).intents
            == [.init(intentID: "sleep", replies: 2, up: 1, down: 0)])
        try vote(database, "$r3", on: 1, .down)
        try vote(database, "$r4", on: 2, .down)
        #expect(try database.vote(on: "$reply1", by: patient) == .down)
        #expect(try database.moderationStats(since: now.addingTimeInterval(-60)).intents
            == [.init(intentID: "sleep", replies: 2, up: 0, down: 2)])
    }

    @Test func forgetAndTheRetentionPurgeTakeRepliesAndFeedback() throws {
        let database = try BotDatabase.inMemory()
        try reply(database, 1, intent: "sleep")
        try reply(database, 2, intent: "goals", patient: "@other:localhost", at: now.addingTimeInterval(-100 * 86_400))
        try reply(database, 3, intent: "fallback", patient: "@other:localhost", at: now.addingTimeInterval(-100 * 86_400))
        try vote(database, "$r1", on: 1, .up)
        var forget = Handling(eventID: "$forget", roomID: "!dm", at: now, patient: patient)
        forget.forget = true
        try database.commit(forget)
        #expect(try database.botReply(eventID: "$reply1") == nil)
        #expect(try database.vote(on: "$reply1", by: patient) == nil)
        try database.purge(before: now.addingTimeInterval(-30 * 86_400))
        #expect(try database.botReply(eventID: "$reply2") == nil)
        let stats = try database.moderationStats(since: .distantPast)
        #expect(stats.intents.isEmpty && stats.fallbacks == 0)
    }

    @Test func statsCountFallbackEscalationsAndTheMedianWaitUntilClaimed() throws {
        let database = try BotDatabase.inMemory()
        for (number, intent) in ["crisis", "sleep", "sleep", "fallback"].enumerated() { try reply(database, number, intent: intent) }
        var community = Handling(eventID: "$chat", roomID: "!community", at: now)
        community.fellBack = true
        community.community = true
        try database.commit(community)
        for (index, wait) in [60.0, 600, 180].enumerated() {
            let opened = try database.requestEscalation(patient: "@p\(index):localhost", roomID: "!dm", eventID: "$e\(index)", reason: "asked",
                                                        priority: .normal, at: now, timers: EscalationTimers())
            _ = try database.changeEscalation(opened.escalation.number, .claim, by: EscalationActor("@amb:localhost"), at: now.addingTimeInterval(wait),
                                              eventID: "$c\(index)", allowed: true, timers: EscalationTimers())
        }
        let stats = try database.moderationStats(since: now.addingTimeInterval(-60), links: 5)
        #expect(stats.replies("sleep") == 2 && stats.replies("crisis") == 1, "a crisis answered in public and privately is one reply")
        #expect(stats.fallbacks == 2, "a fallback reply in a direct chat and an unanswered community message")
        #expect(stats.fallbackLinks == [RoomEvent(eventID: "$chat", roomID: "!community")], "links only to community messages")
        #expect(stats.escalations == 3)
        #expect(stats.medianWaitUntilClaimed == 180)
        #expect(try database.moderationStats(since: now.addingTimeInterval(60)).intents.isEmpty, "nothing before the period")
    }

    @Test func theWeeklySummaryIsDueOnceAndMovesOnOnlyFromTheDueTime() throws {
        let database = try BotDatabase.inMemory()
        let week = 7 * 86_400.0
        let due = try database.nextSummary(first: now.addingTimeInterval(week))
        #expect(due == now.addingTimeInterval(week))
        #expect(try database.nextSummary(first: now.addingTimeInterval(2 * week)) == due, "the first due time stays")
        try database.summaryPosted(due: due, next: due.addingTimeInterval(week))
        try database.summaryPosted(due: due, next: due.addingTimeInterval(3 * week))
        #expect(try database.nextSummary(first: now) == due.addingTimeInterval(week), "a second caller with the old due time changes nothing")
    }
}
