import Foundation
import GRDB

/// The bot's own SQLite database: where the sync stands, which events are handled, and the
/// little it keeps about each patient. Every change the bot makes for one event is one
/// transaction, so a crash leaves either all of it or none.
public struct BotDatabase: Sendable {
    let writer: any DatabaseWriter

    /// Opens (creating if needed) the database, and brings its schema up to date.
    public init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    /// A file in WAL mode, so operator commands can read while the bot writes; SQLite's
    /// `:memory:`, a database that lasts as long as the process (the demo's: nothing it keeps
    /// outlives it, so writing it to disk was a tenth of its CPU a message for nothing).
    public static func open(path: String) throws -> BotDatabase {
        path == inMemoryPath ? try inMemory() : try BotDatabase(DatabasePool(path: path, configuration: walConfiguration))
    }

    /// The path SQLite reads as "in memory, never on disk".
    public static let inMemoryPath = ":memory:"

    /// WAL with `synchronous = NORMAL`: a commit survives the process being killed at any
    /// moment (what "nothing lost" is about); only a power cut may lose the last commits, and
    /// then the resent replies are de-duplicated by their transaction ids. Without it every
    /// handled message waits for a disk flush.
    public static var walConfiguration: Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        return configuration
    }

    /// Gone with the process: for the demo and for tests.
    public static func inMemory() throws -> BotDatabase {
        try BotDatabase(DatabaseQueue())
    }

    /// Append-only: a shipped migration is never edited; changes come as new migrations.
    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: sync, handled events, patients, replies") { db in
            try db.create(table: "sync_position") { table in
                table.primaryKey("id", .integer).check { $0 == 1 }
                table.column("next_batch", .text).notNull()
            }
            try db.create(table: "handled_event") { table in
                table.primaryKey("event_id", .text)
                table.column("room_id", .text).notNull()
                table.column("handled_at", .datetime).notNull().indexed()
            }
            try db.create(table: "patient") { table in
                table.primaryKey("user_id", .text)
                table.column("opted_out", .boolean).notNull().defaults(to: false)
                table.column("disclosed", .boolean).notNull().defaults(to: false)
                table.column("last_seen_at", .datetime).notNull().indexed()
            }
            try db.create(table: "reply_log") { table in
                table.column("user_id", .text).notNull()
                table.column("intent_id", .text).notNull()
                table.column("turns", .integer).notNull()
                table.column("last_reply_at", .datetime).notNull().indexed()
                table.primaryKey(["user_id", "intent_id"])
            }
        }
        migrator.registerMigration("v2: when the bot began following each community room") { db in
            try db.create(table: "followed_room") { table in
                table.primaryKey("room_id", .text)
                table.column("since", .datetime).notNull()
            }
        }
        migrator.registerMigration("v3: escalations and their audit trail") { db in
            try db.create(table: "escalation") { table in
                table.autoIncrementedPrimaryKey("number")
                table.column("patient", .text).notNull()
                table.column("room_id", .text).notNull()
                table.column("source_event_id", .text).notNull().unique()
                table.column("reason", .text).notNull()
                table.column("priority", .text).notNull()
                table.column("state", .text).notNull()
                table.column("claimant", .text)
                table.column("requests", .integer).notNull()
                table.column("opened_at", .datetime).notNull()
                table.column("updated_at", .datetime).notNull()
                table.column("notice_event_id", .text).indexed()
                table.column("handoff_room_id", .text).indexed()
                table.column("next_reping_at", .datetime).indexed()
                table.column("page_moderators_at", .datetime).indexed()
            }
            // The database itself refuses a second active escalation for a patient.
            try db.execute(sql: "CREATE UNIQUE INDEX escalation_active_patient ON escalation(patient) WHERE state IN ('open', 'claimed')")
            try db.create(table: "escalation_audit") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("number", .integer).notNull().indexed().references("escalation", onDelete: .cascade)
                table.column("at", .datetime).notNull()
                table.column("actor", .text).notNull()
                table.column("action", .text).notNull()
                table.column("detail", .text)
                table.column("refusal", .text)
                table.column("event_id", .text).indexed()
                // The private room a release ended: the patient's news goes there.
                table.column("room_id", .text)
                table.column("announced", .boolean).notNull()
            }
            // Every private room the bot opened for a claim, kept after its escalation closes:
            // such a room is never mistaken for a direct chat with the bot.
            try db.create(table: "handoff_room") { table in
                table.primaryKey("room_id", .text)
                table.column("patient", .text).indexed()
            }
        }
        migrator.registerMigration("v4: each patient's conversation risk level (a number and a time, never words)") { db in
            try db.alter(table: "patient") { table in
                table.add(column: "risk_level", .double).notNull().defaults(to: 0)
                table.add(column: "risk_at", .datetime)
            }
        }
        migrator.registerMigration("v5: when each patient last told of a harmless plan (a time, never words)") { db in
            try db.alter(table: "patient") { table in
                table.add(column: "plan_at", .datetime)
            }
        }
        migrator.registerMigration("v6: patients' feedback on replies, messages the bot gave up on, the moderators' weekly summary") { db in
            // The bot's replies to patients (ids and the intent, never words), so that a
            // reaction to one counts for its intent.
            try db.create(table: "bot_reply") { table in
                table.primaryKey("event_id", .text)
                table.column("source_event_id", .text).notNull().indexed()
                table.column("room_id", .text).notNull()
                table.column("patient", .text).notNull().indexed()
                table.column("intent_id", .text).notNull()
                table.column("at", .datetime).notNull().indexed()
            }
            // One vote a patient a reply: the latest counts.
            try db.create(table: "feedback") { table in
                table.column("reply_event_id", .text).notNull()
                table.column("user_id", .text).notNull().indexed()
                table.column("intent_id", .text).notNull()
                table.column("vote", .text).notNull()
                table.column("at", .datetime).notNull().indexed()
                table.primaryKey(["reply_event_id", "user_id"])
            }
            try db.create(table: "fallback_message") { table in
                table.primaryKey("event_id", .text)
                table.column("room_id", .text).notNull()
                table.column("community", .boolean).notNull()
                table.column("at", .datetime).notNull().indexed()
            }
            try db.create(table: "moderation_summary") { table in
                table.primaryKey("id", .integer).check { $0 == 1 }
                table.column("next_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("v7: the bot's end-to-end encryption identity (pickles encrypted with the store key)") { db in
            try db.create(table: "encryption_identity") { table in
                table.primaryKey("device_id", .text)
                table.column("account", .blob).notNull()
                table.column("cross_signing", .blob).notNull()
            }
        }
        migrator.registerMigration("v8: the reaction a vote came in, so that removing the reaction withdraws the vote") { db in
            try db.alter(table: "feedback") { table in
                table.add(column: "reaction_event_id", .text)
            }
            try db.create(index: "feedback_reaction", on: "feedback", columns: ["reaction_event_id"])
        }
        migrator.registerMigration("v9: end-to-end encryption sessions and room keys (pickles encrypted with the store key)") { db in
            try db.create(table: "olm_session") { table in
                table.column("identity_key", .text).notNull()
                table.column("session_id", .text).notNull()
                table.column("pickle", .blob).notNull()
                table.column("used_at", .datetime).notNull().indexed()
                table.primaryKey(["identity_key", "session_id"])
            }
            // By sender too: a member who forwards another's key cannot stand in for its owner.
            try db.create(table: "room_key") { table in
                table.column("room_id", .text).notNull()
                table.column("session_id", .text).notNull()
                table.column("sender", .text).notNull()
                table.column("sender_key", .text).notNull()
                table.column("pickle", .blob).notNull()
                table.column("received_at", .datetime).notNull().indexed()
                table.primaryKey(["room_id", "session_id", "sender"])
            }
            try db.create(table: "megolm_index") { table in
                table.column("session_id", .text).notNull()
                table.column("message_index", .integer).notNull()
                table.column("event_id", .text).notNull()
                table.column("at", .datetime).notNull().indexed()
                table.primaryKey(["session_id", "message_index"])
            }
            try db.create(table: "outbound_room_key") { table in
                table.primaryKey("room_id", .text)
                table.column("pickle", .blob).notNull()
                table.column("created_at", .datetime).notNull()
                table.column("shared_with", .text).notNull()
            }
            try db.create(table: "undecrypted_event") { table in
                table.primaryKey("event_id", .text)
                table.column("room_id", .text).notNull()
                table.column("event", .blob).notNull()
                table.column("arrived_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("v10: the devices of the users the bot encrypts for (public keys), kept across restarts") { db in
            try db.create(table: "device_list") { table in
                table.primaryKey("user_id", .text)
                table.column("devices", .blob).notNull()
                table.column("updated_at", .datetime).notNull().indexed()
            }
        }
        migrator.registerMigration("v11: when the bot last asked each patient directly about ending their life (a time, never words)") { db in
            try db.alter(table: "patient") { table in
                table.add(column: "asked_at", .datetime)
            }
        }
        return migrator
    }
}

// MARK: - Reads

extension BotDatabase {
    /// The `next_batch` saved after the last fully handled sync; `nil` before the first start.
    public func syncPosition() throws -> String? {
        try writer.read { db in try String.fetchOne(db, sql: "SELECT next_batch FROM sync_position WHERE id = 1") }
    }

    /// What handling a sync's batch needs to know, in one read: which of its `events` were
    /// handled already, which of its direct `rooms` the bot opened for a claim, and what is
    /// kept about its `patients`. A read each cost the bot more than its classification.
    public func recall(events: [String], rooms: [String], patients: [String]) throws -> BatchMemory {
        try writer.read { db in
            var handoffRooms: [String: HandoffRoom] = [:]
            for roomID in rooms {
                handoffRooms[roomID] = try Self.handoffRoom(roomID, db)
            }
            var memories: [String: PatientMemory] = [:]
            for userID in patients {
                let logs = try ReplyLog.fetchAll(db.cachedStatement(sql: "SELECT * FROM reply_log WHERE user_id = ?"), arguments: [userID])
                memories[userID] = PatientMemory(patient: try Self.patient(userID, db), replyLogs: Dictionary(logs.map { ($0.intentID, $0) }) { first, _ in first })
            }
            return BatchMemory(handled: try Self.handled(events, db), handoffRooms: handoffRooms, patients: memories)
        }
    }

    /// Since when the bot follows a room: what was said there before is not answered. The
    /// first call for a room records `now`.
    public func followingSince(_ roomID: String, now: Date) throws -> Date {
        try writer.write { db in
            try db.execute(sql: "INSERT INTO followed_room (room_id, since) VALUES (?, ?) ON CONFLICT(room_id) DO NOTHING", arguments: [roomID, now])
            return try Date.fetchOne(db, sql: "SELECT since FROM followed_room WHERE room_id = ?", arguments: [roomID]) ?? now
        }
    }

    public func patient(_ userID: String) throws -> Patient? {
        try writer.read { db in try Self.patient(userID, db) }
    }

    public func replyLog(userID: String, intentID: String) throws -> ReplyLog? {
        try writer.read { db in try Self.replyLog(userID, intentID, db) }
    }

    /// What the reply policy needs about a patient and an intent, in one read: it is asked for
    /// every message.
    public func patientAndReplyLog(_ userID: String, intentID: String) throws -> (Patient?, ReplyLog?) {
        try writer.read { db in (try Self.patient(userID, db), try Self.replyLog(userID, intentID, db)) }
    }

    /// The intents a patient has been answered about since a date, the most recent first: the
    /// topics ambassadors see, never the patient's words.
    public func recentIntents(of userID: String, since: Date) throws -> [String] {
        try writer.read { db in
            try String.fetchAll(db, sql: "SELECT intent_id FROM reply_log WHERE user_id = ? AND last_reply_at >= ? ORDER BY last_reply_at DESC",
                                arguments: [userID, since])
        }
    }

    // Cached statements: these run for every message.
    private static func handled(_ eventIDs: [String], _ db: Database) throws -> Set<String> {
        // One statement asked once an event: a query built for the list was compiled anew each time.
        let statement = try db.cachedStatement(sql: "SELECT 1 FROM handled_event WHERE event_id = ?")
        return try Set(eventIDs.filter { try Bool.fetchOne(statement, arguments: [$0]) ?? false })
    }

    private static func patient(_ userID: String, _ db: Database) throws -> Patient? {
        try Patient.fetchOne(db.cachedStatement(sql: "SELECT * FROM patient WHERE user_id = ?"), arguments: [userID])
    }

    private static func replyLog(_ userID: String, _ intentID: String, _ db: Database) throws -> ReplyLog? {
        try ReplyLog.fetchOne(db.cachedStatement(sql: "SELECT * FROM reply_log WHERE user_id = ? AND intent_id = ?"), arguments: [userID, intentID])
    }
}

// MARK: - Writes

extension BotDatabase {
    public func saveSyncPosition(_ nextBatch: String) throws {
        try writer.write { db in
            try db.cachedStatement(sql: """
                INSERT INTO sync_position (id, next_batch) VALUES (1, ?)
                ON CONFLICT(id) DO UPDATE SET next_batch = excluded.next_batch
                """).execute(arguments: [nextBatch])
        }
    }

    /// Records that an event is handled, with what handling it changed, in one transaction.
    /// Runs for every message, so its statements are cached SQL upserts: no reads, no records.
    public func commit(_ handling: Handling) throws {
        // A date becomes text once, not once a column.
        let at = handling.at.storedText
        try writer.write { db in
            try db.cachedStatement(sql: "INSERT INTO handled_event (event_id, room_id, handled_at) VALUES (?, ?, ?) ON CONFLICT(event_id) DO NOTHING")
                .execute(arguments: [handling.eventID, handling.roomID, at])
            // Handled before: its changes were made then.
            guard db.changesCount > 0 else { return }
            try Self.recordModeration(handling, at: at, db)
            guard let userID = handling.patient else { return }
            if handling.forget {
                try Self.forgetModeration(userID, db)
                if !handling.community { try Self.forgetRoomKeys(handling.roomID, db) }
                try Patient.deleteOne(db, key: userID)
                try ReplyLog.filter(Column("user_id") == userID).deleteAll(db)
                // Closed escalations go with their audit trails; an active one stays until it is resolved.
                try db.execute(sql: "DELETE FROM escalation WHERE patient = ? AND state NOT IN ('open', 'claimed')", arguments: [userID])
                try db.execute(sql: "UPDATE handoff_room SET patient = NULL WHERE patient = ?", arguments: [userID])
                return
            }
            // A risk is kept only if it is newer than the one stored: a batch's messages may be
            // handled out of order (a crisis first), and the newest message knows the most.
            // An answer closes the question asked before it (a patient's messages are handled in order).
            try db.cachedStatement(sql: """
                INSERT INTO patient (user_id, opted_out, disclosed, last_seen_at, risk_level, risk_at, plan_at, asked_at)
                VALUES (:user, COALESCE(:optedOut, 0), :disclosed, :at, COALESCE(:riskLevel, 0), :riskAt, :planAt, :askedAt)
                ON CONFLICT(user_id) DO UPDATE SET
                    opted_out = COALESCE(:optedOut, opted_out), disclosed = disclosed OR :disclosed, last_seen_at = :at,
                    risk_level = CASE WHEN :riskAt IS NOT NULL AND (risk_at IS NULL OR risk_at <= :riskAt) THEN :riskLevel ELSE risk_level END,
                    risk_at = CASE WHEN :riskAt IS NOT NULL AND (risk_at IS NULL OR risk_at <= :riskAt) THEN :riskAt ELSE risk_at END,
                    plan_at = CASE WHEN :planAt IS NOT NULL AND (plan_at IS NULL OR plan_at <= :planAt) THEN :planAt ELSE plan_at END,
                    asked_at = CASE WHEN :askedAt IS NOT NULL AND (asked_at IS NULL OR asked_at <= :askedAt) THEN :askedAt
                                    WHEN :answeredAt IS NOT NULL AND asked_at <= :answeredAt THEN NULL ELSE asked_at END
                """).execute(arguments: [
                    "user": userID, "optedOut": handling.optedOut, "disclosed": handling.disclosed, "at": at,
                    "riskLevel": handling.risk?.level, "riskAt": handling.risk?.at.storedText, "planAt": handling.planToldAt?.storedText,
                    "askedAt": handling.askedAt?.storedText, "answeredAt": handling.answeredAt?.storedText,
                ])
            if let intentID = handling.repliedIntent {
                try db.cachedStatement(sql: """
                    INSERT INTO reply_log (user_id, intent_id, turns, last_reply_at) VALUES (?, ?, 1, ?)
                    ON CONFLICT(user_id, intent_id) DO UPDATE SET turns = turns + 1, last_reply_at = excluded.last_reply_at
                    """).execute(arguments: [userID, intentID, at])
            }
        }
    }

    /// Deletes what is older than `date`: handled events, reply logs, closed escalations, risk
    /// levels, plan and question times, replies, feedback and messages the bot gave up on, and patients not seen since, except a `!stop`, which lasts until `!start` or `!forget`.
    public func purge(before date: Date) throws {
        try writer.write { db in
            try HandledEvent.filter(Column("handled_at") < date).deleteAll(db)
            try ReplyLog.filter(Column("last_reply_at") < date).deleteAll(db)
            try Patient.filter(Column("last_seen_at") < date && Column("opted_out") == false).deleteAll(db)
            try db.execute(sql: "UPDATE patient SET risk_level = 0, risk_at = NULL WHERE risk_at < ?", arguments: [date])
            try db.execute(sql: "UPDATE patient SET plan_at = NULL WHERE plan_at < ?", arguments: [date])
            try db.execute(sql: "UPDATE patient SET asked_at = NULL WHERE asked_at < ?", arguments: [date])
            try db.execute(sql: "DELETE FROM escalation WHERE updated_at < ? AND state NOT IN ('open', 'claimed')", arguments: [date])
            try Self.purgeEncryption(before: date, db)
            try Self.purgeModeration(before: date, db)
        }
    }
}
