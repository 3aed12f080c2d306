import Escalations
import Foundation
import GRDB

/// One line of an escalation's audit trail: who did what, when, and whether it was refused.
public struct EscalationAuditEntry: Codable, Sendable, Equatable, FetchableRecord {
    public var id: Int64
    public var number: Int
    public var at: Date
    /// A Matrix user id, `supportbot` for the bot's timers, or `operator:NAME`.
    public var actor: String
    /// `open`, `request`, `claim`, `release`, `resolve`, `note`, `cancel`, `reping`, `page-moderators`.
    public var action: String
    public var detail: String?
    /// Why it was not done; `nil` when it was.
    public var refusal: String?
    /// The message or reaction that asked for it, so a retried event is not applied twice.
    public var eventID: String?
    /// For a release, the private room it ended.
    public var roomID: String?
    /// Whether the rooms have heard of it: changes made at the command line wait for the bot.
    public var announced: Bool

    enum CodingKeys: String, CodingKey {
        case id, number, at, actor, action, detail, refusal, eventID = "event_id", roomID = "room_id", announced
    }
}

/// An escalation as it is after a change, and the change's audit line.
public struct EscalationChange: Sendable {
    public let escalation: Escalation
    public let audit: EscalationAuditEntry
    /// The event was applied before (a retried batch): nothing changed now, but what should
    /// have followed it (messages, rooms) may not have happened yet.
    public let replayed: Bool

    public var opened: Bool { audit.action == "open" }
}

/// A private room the bot opened for a claim.
public struct HandoffRoom: Sendable, Equatable {
    /// The patient in it; `nil` once they said `!forget`.
    public let patient: String?
}

/// A number that no escalation has.
public struct NoSuchEscalation: Error, Sendable, CustomStringConvertible {
    public let number: Int
    public init(number: Int) { self.number = number }
    public var description: String { "There is no escalation #\(number)." }
}

extension Escalation {
    init(row: Row) {
        self.init(
            number: row["number"], patient: row["patient"], roomID: row["room_id"], sourceEventID: row["source_event_id"],
            reason: row["reason"], priority: Priority(rawValue: row["priority"]) ?? .urgent, state: State(rawValue: row["state"]) ?? .open,
            claimant: row["claimant"], requests: row["requests"], openedAt: row["opened_at"], updatedAt: row["updated_at"],
            noticeEventID: row["notice_event_id"], handoffRoomID: row["handoff_room_id"],
            nextRepingAt: row["next_reping_at"], pageModeratorsAt: row["page_moderators_at"]
        )
    }

    /// Every column but the number, in the order `columns` names them.
    var arguments: StatementArguments {
        [patient, roomID, sourceEventID, reason, priority.rawValue, state.rawValue, claimant, requests, openedAt, updatedAt,
         noticeEventID, handoffRoomID, nextRepingAt, pageModeratorsAt]
    }

    static let columns = "patient, room_id, source_event_id, reason, priority, state, claimant, requests, opened_at, updated_at, notice_event_id, handoff_room_id, next_reping_at, page_moderators_at"
}
