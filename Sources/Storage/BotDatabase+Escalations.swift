import Escalations
import Foundation
import GRDB

// MARK: - Changes

extension BotDatabase {
    /// A patient needs a person: opens an escalation, or adds to their active one (a patient
    /// never has two). Applying the same event again changes nothing and returns what it did.
    public func requestEscalation(
        patient: String, roomID: String, eventID: String, reason: String, priority: Escalation.Priority,
        at date: Date, timers: EscalationTimers
    ) throws -> EscalationChange {
        try writer.write { db in
            if let replay = try Self.replay(eventID, db) { return replay }
            if let active = try Self.activeEscalation(patient: patient, db) {
                let next = try active.applying(.request(priority), by: EscalationActor(patient), at: date, timers: timers)
                try Self.update(next, db)
                let audit = try Self.audit(next.number, actor: patient, action: "request", detail: "\(priority.rawValue) \(reason)", eventID: eventID, at: date, db)
                return EscalationChange(escalation: next, audit: audit, replayed: false)
            }
            let draft = Escalation.opened(number: 0, patient: patient, roomID: roomID, sourceEventID: eventID, reason: reason,
                                          priority: priority, at: date, timers: timers)
            try db.execute(sql: "INSERT INTO escalation (\(Escalation.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", arguments: draft.arguments)
            let number = Int(db.lastInsertedRowID)
            let audit = try Self.audit(number, actor: patient, action: "open", detail: "\(priority.rawValue) \(reason)", eventID: eventID, at: date, db)
            let opened = try Self.escalation(number, db)!
            return EscalationChange(escalation: opened, audit: audit, replayed: false)
        }
    }

    /// Does `action` to escalation `number` in one transaction: two ambassadors claiming at
    /// once are serialized by SQLite's single writer, so exactly one wins. A refusal is audited
    /// and thrown as `EscalationRefusal`; an unknown number throws `NoSuchEscalation`.
    /// - Parameters:
    ///   - allowed: `false` when the actor may not do this at all (not an ambassador): refused and audited.
    ///   - announced: `false` for changes made outside the bot (the command line): the bot announces them.
    @discardableResult
    public func changeEscalation(
        _ number: Int, _ action: EscalationAction, by actor: EscalationActor, at date: Date, eventID: String? = nil,
        allowed: Bool = true, announced: Bool = true, timers: EscalationTimers
    ) throws -> EscalationChange {
        let result: Result<EscalationChange, EscalationRefusal> = try writer.write { db in
            if let eventID, let replay = try Self.replay(eventID, db) {
                if let refusal = replay.audit.refusal { return .failure(.recorded(number, refusal)) }
                return .success(replay)
            }
            guard let current = try Self.escalation(number, db) else { throw NoSuchEscalation(number: number) }
            let outcome = Result { () throws(EscalationRefusal) -> Escalation in
                guard allowed else { throw .notAllowed(number) }
                return try current.applying(action, by: actor, at: date, timers: timers)
            }
            switch outcome {
            case let .success(next):
                try Self.update(next, db)
                // A release keeps the room it ends in the audit line: the patient's news goes there.
                let audit = try Self.audit(number, actor: actor.id, action: action.name, detail: Self.detail(action.detail, via: actor.via),
                                           eventID: eventID, roomID: action == .release ? current.handoffRoomID : nil, at: date, announced: announced, db)
                return .success(EscalationChange(escalation: next, audit: audit, replayed: false))
            case let .failure(refusal):
                _ = try Self.audit(number, actor: actor.id, action: action.name, detail: Self.detail(action.detail, via: actor.via), refusal: refusal.description,
                                   eventID: eventID, at: date, db)
                return .failure(refusal)
            }
        }
        return try result.get()
    }

    /// Where the post heading an escalation's thread is.
    public func recordNotice(_ number: Int, eventID: String) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE escalation SET notice_event_id = ? WHERE number = ?", arguments: [eventID, number])
        }
    }

    /// The private room opened for the patient and the ambassador who claimed it; `false` when
    /// the claim changed meanwhile (released, or claimed by someone else), and the room is not its.
    public func recordHandoff(_ escalation: Escalation, roomID: String) throws -> Bool {
        try writer.write { db in
            try db.execute(sql: "INSERT INTO handoff_room (room_id, patient) VALUES (?, ?) ON CONFLICT(room_id) DO NOTHING",
                           arguments: [roomID, escalation.patient])
            try db.execute(sql: """
                UPDATE escalation SET handoff_room_id = ?
                WHERE number = ? AND state = 'claimed' AND claimant = ? AND handoff_room_id IS NULL
                """, arguments: [roomID, escalation.number, escalation.claimant])
            return db.changesCount > 0
        }
    }

    /// The rooms have heard of a change made at the command line.
    public func markAnnounced(_ auditID: Int64) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE escalation_audit SET announced = 1 WHERE id = ?", arguments: [auditID])
        }
    }
}

// MARK: - Reads

extension BotDatabase {
    public func escalation(_ number: Int) throws -> Escalation? {
        try writer.read { db in try Self.escalation(number, db) }
    }

    /// The escalation whose thread a post heads.
    public func escalation(noticeEventID: String) throws -> Escalation? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM escalation WHERE notice_event_id = ?", arguments: [noticeEventID]).map(Escalation.init(row:))
        }
    }

    /// Whether the bot opened a room for a patient and an ambassador, and for which patient
    /// (`nil` once they said `!forget`): their conversation, not the bot's to answer.
    static func handoffRoom(_ roomID: String, _ db: Database) throws -> HandoffRoom? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT patient FROM handoff_room WHERE room_id = ?"), arguments: [roomID]).map { HandoffRoom(patient: $0["patient"]) }
    }

    /// What an event already did to the queue, when it was applied before.
    public func escalationChange(forEvent eventID: String) throws -> EscalationChange? {
        try writer.read { db in try Self.replay(eventID, db) }
    }

    public func activeEscalation(patient: String) throws -> Escalation? {
        try writer.read { db in try Self.activeEscalation(patient: patient, db) }
    }

    /// Open escalations as ambassadors take them: urgent first, then the longest waiting.
    public func escalationQueue() throws -> [Escalation] {
        try escalations(where: "state = 'open'")
    }

    /// What an ambassador has claimed and not yet resolved.
    public func escalations(claimedBy claimant: String) throws -> [Escalation] {
        try escalations(where: "state = 'claimed' AND claimant = ?", [claimant])
    }

    /// Escalations in these states, urgent first, then oldest.
    public func escalations(in states: [Escalation.State]) throws -> [Escalation] {
        try escalations(where: "state IN (\(databaseQuestionMarks(count: states.count)))", StatementArguments(states.map(\.rawValue)))
    }

    /// Open escalations nobody has claimed, by priority: how many, and when the oldest opened.
    public func waitingEscalations() throws -> [Escalation.Priority: (count: Int, oldestOpenedAt: Date)] {
        try writer.read { db in
            var waiting: [Escalation.Priority: (count: Int, oldestOpenedAt: Date)] = [:]
            let rows = try Row.fetchAll(db, sql: "SELECT priority, COUNT(*) AS waiting, MIN(opened_at) AS oldest FROM escalation WHERE state = 'open' GROUP BY priority")
            for row in rows {
                guard let priority = Escalation.Priority(rawValue: row["priority"]), let oldest: Date = row["oldest"] else { continue }
                waiting[priority] = (row["waiting"], oldest)
            }
            return waiting
        }
    }

    /// Its place in the queue, counting from 1; `nil` unless open.
    public func queuePosition(of number: Int) throws -> Int? {
        try writer.read { db in
            guard let escalation = try Self.escalation(number, db), escalation.state == .open else { return nil }
            // Those ahead in `escalationQueue`'s order, and itself.
            return try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM escalation WHERE state = 'open' AND (\(Self.rank) < ? OR (\(Self.rank) = ? AND (opened_at < ? OR (opened_at = ? AND number <= ?))))
                """, arguments: [Self.rank(escalation.priority), Self.rank(escalation.priority), escalation.openedAt, escalation.openedAt, number])
        }
    }

    public func auditTrail(of number: Int) throws -> [EscalationAuditEntry] {
        try writer.read { db in
            try EscalationAuditEntry.fetchAll(db, sql: "SELECT * FROM escalation_audit WHERE number = ? ORDER BY id", arguments: [number])
        }
    }

    /// Open escalations whose re-ping or moderators time has come.
    public func dueEscalations(at date: Date) throws -> [Escalation] {
        try escalations(where: "state = 'open' AND (next_reping_at <= ? OR page_moderators_at <= ?)", [date, date])
    }

    /// Changes made outside the bot that the rooms have not heard of, oldest first.
    public func unannouncedChanges() throws -> [EscalationChange] {
        try writer.read { db in
            try EscalationAuditEntry.fetchAll(db, sql: "SELECT * FROM escalation_audit WHERE announced = 0 ORDER BY id").compactMap { audit in
                try Self.escalation(audit.number, db).map { EscalationChange(escalation: $0, audit: audit, replayed: false) }
            }
        }
    }

    private func escalations(where condition: String, _ arguments: StatementArguments = []) throws -> [Escalation] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM escalation WHERE \(condition)
                ORDER BY \(Self.rank), opened_at, number
                """, arguments: arguments).map(Escalation.init(row:))
        }
    }
}

// MARK: - In a transaction

extension BotDatabase {
    /// Urgent before normal, in SQL and in Swift.
    private static let rank = "CASE priority WHEN 'urgent' THEN 0 ELSE 1 END"
    private static func rank(_ priority: Escalation.Priority) -> Int { priority == .urgent ? 0 : 1 }

    private static func escalation(_ number: Int, _ db: Database) throws -> Escalation? {
        try Row.fetchOne(db, sql: "SELECT * FROM escalation WHERE number = ?", arguments: [number]).map(Escalation.init(row:))
    }

    private static func activeEscalation(patient: String, _ db: Database) throws -> Escalation? {
        try Row.fetchOne(db, sql: "SELECT * FROM escalation WHERE patient = ? AND state IN ('open', 'claimed')", arguments: [patient])
            .map(Escalation.init(row:))
    }

    /// What an event did the first time it was applied.
    private static func replay(_ eventID: String, _ db: Database) throws -> EscalationChange? {
        guard let audit = try EscalationAuditEntry.fetchOne(db, sql: "SELECT * FROM escalation_audit WHERE event_id = ? ORDER BY id LIMIT 1", arguments: [eventID]),
              let escalation = try escalation(audit.number, db)
        else { return nil }
        return EscalationChange(escalation: escalation, audit: audit, replayed: true)
    }

    /// An operator acting for someone is named beside what they did.
    private static func detail(_ detail: String?, via: String?) -> String? {
        guard let via else { return detail }
        return [detail, "by \(via)"].compactMap { $0 }.joined(separator: " ")
    }

    private static func update(_ escalation: Escalation, _ db: Database) throws {
        let assignments = Escalation.columns.split(separator: ",").map { "\($0.trimmingCharacters(in: .whitespaces)) = ?" }.joined(separator: ", ")
        var arguments = escalation.arguments
        arguments += [escalation.number]
        try db.execute(sql: "UPDATE escalation SET \(assignments) WHERE number = ?", arguments: arguments)
    }

    private static func audit(
        _ number: Int, actor: String, action: String, detail: String?, refusal: String? = nil, eventID: String?, roomID: String? = nil,
        at date: Date, announced: Bool = true, _ db: Database
    ) throws -> EscalationAuditEntry {
        try db.execute(sql: """
            INSERT INTO escalation_audit (number, at, actor, action, detail, refusal, event_id, room_id, announced) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [number, date, actor, action, detail, refusal, eventID, roomID, announced])
        return EscalationAuditEntry(id: db.lastInsertedRowID, number: number, at: date, actor: actor, action: action, detail: detail,
                                    refusal: refusal, eventID: eventID, roomID: roomID, announced: announced)
    }
}
