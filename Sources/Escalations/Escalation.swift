import Foundation

/// A patient who needs a person, from the moment they ask until an ambassador resolves it
/// (or they withdraw). Pure data: `Escalation+Transitions.swift` says how it may change, and
/// the database keeps it with an audit trail of every change.
public struct Escalation: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        /// Waiting for an ambassador to claim it.
        case open
        case claimed
        case resolved
        /// The patient withdrew before it was resolved.
        case cancelled

        /// Open or claimed: a patient has at most one such escalation.
        public var isActive: Bool { self == .open || self == .claimed }
    }

    public enum Priority: String, Sendable, CaseIterable, Comparable {
        case normal, urgent

        public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs == .normal && rhs == .urgent }
    }

    /// `#N` to ambassadors: small, increasing, never reused.
    public let number: Int
    public var patient: String
    /// Where the patient asked: their direct chat or a community room.
    public var roomID: String
    /// The message that opened it.
    public var sourceEventID: String
    /// The intent that opened it, such as `crisis` or `ambassador`.
    public var reason: String
    public var priority: Priority
    public var state: State
    public var claimant: String?
    /// How many times the patient asked while it was active, the first included.
    public var requests: Int
    public var openedAt: Date
    public var updatedAt: Date
    /// The post in the ambassadors room that heads its thread.
    public var noticeEventID: String?
    /// The private room of the patient and the ambassador who claimed it.
    public var handoffRoomID: String?
    /// When it is posted again if still open; `nil` unless open.
    public var nextRepingAt: Date?
    /// When the moderators hear of it if still open; `nil` once they have, or unless open.
    public var pageModeratorsAt: Date?

    public init(
        number: Int, patient: String, roomID: String, sourceEventID: String, reason: String, priority: Priority,
        state: State = .open, claimant: String? = nil, requests: Int = 1, openedAt: Date, updatedAt: Date? = nil,
        noticeEventID: String? = nil, handoffRoomID: String? = nil, nextRepingAt: Date? = nil, pageModeratorsAt: Date? = nil
    ) {
        self.number = number
        self.patient = patient
        self.roomID = roomID
        self.sourceEventID = sourceEventID
        self.reason = reason
        self.priority = priority
        self.state = state
        self.claimant = claimant
        self.requests = requests
        self.openedAt = openedAt
        self.updatedAt = updatedAt ?? openedAt
        self.noticeEventID = noticeEventID
        self.handoffRoomID = handoffRoomID
        self.nextRepingAt = nextRepingAt
        self.pageModeratorsAt = pageModeratorsAt
    }
}
