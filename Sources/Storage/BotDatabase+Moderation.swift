import Foundation
import GRDB

/// What moderators learn from: the bot's replies by intent, patients' 👍 and 👎 on them, the
/// messages it gave up on, and when the weekly summary is due. Ids, intents and times only;
/// user ids go with the retention period and `!forget`.
extension BotDatabase {
    /// A reply the bot sent, if it is still kept.
    public func botReply(eventID: String) throws -> BotReply? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM bot_reply WHERE event_id = ?", arguments: [eventID]).map(Self.botReply)
        }
    }

    /// The intent the bot answered a message with, if it answered and still keeps it.
    public func repliedIntent(toEvent eventID: String) throws -> String? {
        try writer.read { db in
            try String.fetchOne(db, sql: "SELECT intent_id FROM bot_reply WHERE source_event_id = ? ORDER BY at LIMIT 1", arguments: [eventID])
        }
    }

    /// A patient's standing vote on a reply, if any.
    public func vote(on replyEventID: String, by userID: String) throws -> Feedback.Vote? {
        try writer.read { db in
            try String.fetchOne(db, sql: "SELECT vote FROM feedback WHERE reply_event_id = ? AND user_id = ?", arguments: [replyEventID, userID])
                .flatMap(Feedback.Vote.init(rawValue:))
        }
    }

    /// Whether a reaction of `userID`'s is a standing vote.
    public func isVote(reaction eventID: String, by userID: String) throws -> Bool {
        try writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM feedback WHERE reaction_event_id = ? AND user_id = ?", arguments: [eventID, userID]) ?? false
        }
    }

    /// The figures of the period since `date`.
    public func moderationStats(since date: Date, links: Int = 0) throws -> ModerationStats {
        try writer.read { db in
            var figures: [String: ModerationStats.IntentFigures] = [:]
            // A message answered twice (a crisis in a community room: in public and privately) is one reply.
            let replies = "SELECT intent_id, COUNT(DISTINCT source_event_id) AS n FROM bot_reply WHERE at >= ? GROUP BY intent_id"
            for row in try Row.fetchAll(db, sql: replies, arguments: [date]) {
                let intent: String = row["intent_id"]
                figures[intent, default: .init(intentID: intent)].replies = row["n"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT intent_id, vote, COUNT(*) AS n FROM feedback WHERE at >= ? GROUP BY intent_id, vote", arguments: [date]) {
                let intent: String = row["intent_id"]
                let count: Int = row["n"]
                if row["vote"] == Feedback.Vote.up.rawValue {
                    figures[intent, default: .init(intentID: intent)].up = count
                } else {
                    figures[intent, default: .init(intentID: intent)].down = count
                }
            }
            var stats = ModerationStats()
            stats.intents = figures.values.sorted { ($0.replies, $1.intentID) > ($1.replies, $0.intentID) }
            stats.fallbacks = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM fallback_message WHERE at >= ?", arguments: [date]) ?? 0
            stats.escalations = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM escalation WHERE opened_at >= ?", arguments: [date]) ?? 0
            // From the audit trail: the first claim that was not refused, after each opening.
            let waits = try Row.fetchAll(db, sql: """
                SELECT e.opened_at AS opened, MIN(a.at) AS claimed FROM escalation e
                JOIN escalation_audit a ON a.number = e.number AND a.action = 'claim' AND a.refusal IS NULL
                WHERE e.opened_at >= ? GROUP BY e.number
                """, arguments: [date]).compactMap { row -> TimeInterval? in
                guard let opened: Date = row["opened"], let claimed: Date = row["claimed"] else { return nil }
                return claimed.timeIntervalSince(opened)
            }
            stats.medianWaitUntilClaimed = Self.median(waits)
            if links > 0 {
                stats.fallbackLinks = try Row.fetchAll(db, sql: """
                    SELECT event_id, room_id FROM fallback_message WHERE at >= ? AND community ORDER BY at DESC LIMIT ?
                    """, arguments: [date, links]).map { RoomEvent(eventID: $0["event_id"], roomID: $0["room_id"]) }
            }
            return stats
        }
    }

    /// When the next weekly summary is due; the first call makes it `first`.
    public func nextSummary(first: Date) throws -> Date {
        try writer.write { db in
            try db.execute(sql: "INSERT INTO moderation_summary (id, next_at) VALUES (1, ?) ON CONFLICT(id) DO NOTHING", arguments: [first])
            return try Date.fetchOne(db, sql: "SELECT next_at FROM moderation_summary WHERE id = 1") ?? first
        }
    }

    /// The summary due at `due` was posted; the next is due at `next`. Only the one due
    /// moves on, so two callers cannot skip a week.
    public func summaryPosted(due: Date, next: Date) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE moderation_summary SET next_at = ? WHERE id = 1 AND next_at = ?", arguments: [next, due])
        }
    }

    // MARK: - Inside the handling transaction

    static func recordModeration(_ handling: Handling, at: DatabaseValue, _ db: Database) throws {
        if let intentID = handling.repliedIntent, let patient = handling.patient {
            for reply in handling.replies {
                try db.cachedStatement(sql: """
                    INSERT INTO bot_reply (event_id, source_event_id, room_id, patient, intent_id, at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(event_id) DO NOTHING
                    """).execute(arguments: [reply.eventID, handling.eventID, reply.roomID, patient, intentID, at])
            }
        }
        if handling.fellBack {
            try db.cachedStatement(sql: "INSERT INTO fallback_message (event_id, room_id, community, at) VALUES (?, ?, ?, ?) ON CONFLICT(event_id) DO NOTHING")
                .execute(arguments: [handling.eventID, handling.roomID, handling.community, at])
        }
        if let feedback = handling.feedback {
            // A changed mind replaces the vote; the same one again changes nothing but its time.
            try db.execute(sql: """
                INSERT INTO feedback (reply_event_id, user_id, intent_id, vote, at, reaction_event_id) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(reply_event_id, user_id) DO UPDATE SET vote = excluded.vote, at = excluded.at, reaction_event_id = excluded.reaction_event_id
                """, arguments: [feedback.reply.eventID, feedback.user, feedback.reply.intentID, feedback.vote.rawValue, at, feedback.reactionEventID])
        }
        if let withdrawn = handling.withdrawnReaction {
            try db.execute(sql: "DELETE FROM feedback WHERE reaction_event_id = ? AND user_id = ?", arguments: [withdrawn.eventID, withdrawn.user])
        }
    }

    static func forgetModeration(_ userID: String, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM bot_reply WHERE patient = ?", arguments: [userID])
        try db.execute(sql: "DELETE FROM feedback WHERE user_id = ?", arguments: [userID])
    }

    static func purgeModeration(before date: Date, _ db: Database) throws {
        for table in ["bot_reply", "feedback", "fallback_message"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE at < ?", arguments: [date])
        }
    }

    private static func botReply(_ row: Row) -> BotReply {
        BotReply(eventID: row["event_id"], sourceEventID: row["source_event_id"], roomID: row["room_id"], patient: row["patient"],
                 intentID: row["intent_id"], at: row["at"])
    }

    private static func median(_ values: [TimeInterval]) -> TimeInterval? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted(), middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
