import Foundation
import GRDB

/// An event the bot has finished with: it is never handled again.
public struct HandledEvent: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "handled_event"
    public var eventID: String
    public var roomID: String
    public var handledAt: Date

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id", roomID = "room_id", handledAt = "handled_at"
    }
}

/// The little the bot keeps about a patient: no words, only what its policy needs.
public struct Patient: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "patient"
    public var userID: String
    /// Said `!stop`: no more replies until `!start`.
    public var optedOut: Bool
    /// Has been told the bot is a bot, not a clinician.
    public var disclosed: Bool
    public var lastSeenAt: Date
    /// The conversation's risk level when it was last raised, and when (see `PatientRisk`).
    public var riskLevel: Double
    public var riskAt: Date?
    /// When they last told of a harmless plan (a surgery, a trip), which explains a finality line.
    public var planAt: Date?
    /// When the bot last asked them directly whether they are thinking about ending their life,
    /// while the question is unanswered.
    public var askedAt: Date?

    enum CodingKeys: String, CodingKey {
        case userID = "user_id", optedOut = "opted_out", disclosed = "disclosed", lastSeenAt = "last_seen_at"
        case riskLevel = "risk_level", riskAt = "risk_at", planAt = "plan_at", askedAt = "asked_at"
    }
}

/// A patient's conversation risk: a number and the time it was last raised, never words.
/// Warning signs and crisis messages raise it; it fades within a day.
public struct PatientRisk: Sendable, Equatable {
    public var level: Double
    public var at: Date

    public init(level: Double, at: Date) {
        self.level = level
        self.at = at
    }
}

/// How often, and when last, a patient got a reply of an intent: rotates encouragement lines
/// and enforces the cooldown.
public struct ReplyLog: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "reply_log"
    public var userID: String
    public var intentID: String
    public var turns: Int
    public var lastReplyAt: Date

    public init(userID: String, intentID: String, turns: Int, lastReplyAt: Date) {
        self.userID = userID
        self.intentID = intentID
        self.turns = turns
        self.lastReplyAt = lastReplyAt
    }

    enum CodingKeys: String, CodingKey {
        case userID = "user_id", intentID = "intent_id", turns = "turns", lastReplyAt = "last_reply_at"
    }
}

/// Everything handling one event changes, committed together.
public struct Handling: Sendable {
    public var eventID: String
    public var roomID: String
    public var at: Date
    /// The patient the event came from, when it changes what is kept about them.
    public var patient: String?
    /// The intent the bot replied with.
    public var repliedIntent: String?
    public var disclosed = false
    /// `!stop` (true) or `!start` (false).
    public var optedOut: Bool?
    /// `!forget`: erase the patient.
    public var forget = false
    /// The patient's conversation risk after this message, when there is one to remember.
    public var risk: PatientRisk?
    /// When this message told of a harmless plan, if it did.
    public var planToldAt: Date?
    /// When the bot's reply to this message asked directly about ending their life, if it did.
    public var askedAt: Date?
    /// When this message answered that question, if it did: the question is closed.
    public var answeredAt: Date?
    /// The replies sent for it, each kept with `repliedIntent` so that feedback on it counts.
    public var replies: [RoomEvent] = []
    /// Its classification was `fallback`: the bot could not tell what it was about.
    public var fellBack = false
    /// It was said in a community room (its link may be shown to moderators).
    public var community = false
    /// A patient's 👍 or 👎 on a reply.
    public var feedback: Feedback?
    /// A reaction its sender removed: the vote it made, if any, is withdrawn.
    public var withdrawnReaction: (eventID: String, user: String)?

    public init(eventID: String, roomID: String, at: Date, patient: String? = nil) {
        self.eventID = eventID
        self.roomID = roomID
        self.at = at
        self.patient = patient
    }
}

/// What the database remembers that a sync's batch needs: see `BotDatabase.recall`.
public struct BatchMemory: Sendable {
    /// Events handled before.
    public var handled: Set<String>
    /// Of the batch's direct rooms, those the bot opened for a claim.
    public var handoffRooms: [String: HandoffRoom]
    /// What is kept about each of the batch's patients, as it was before the batch.
    public var patients: [String: PatientMemory]
}

/// What is kept about one patient: their record (if any) and their replies by intent.
public struct PatientMemory: Sendable {
    public var patient: Patient?
    public var replyLogs: [String: ReplyLog]

    /// The conversation's risk level, when one was raised.
    public var risk: PatientRisk? {
        guard let patient, let at = patient.riskAt else { return nil }
        return PatientRisk(level: patient.riskLevel, at: at)
    }

    /// When they last told of a harmless plan, if they did.
    public var planToldAt: Date? { patient?.planAt }

    /// When the bot asked them directly, while the question is unanswered.
    public var askedAt: Date? { patient?.askedAt }
}
