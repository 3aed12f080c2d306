import Foundation

/// An event and its room: a reply the bot sent (the patient's message it answers is the
/// `Handling`'s event), or a message moderators are linked to.
public struct RoomEvent: Sendable, Equatable {
    public var eventID: String
    public var roomID: String

    public init(eventID: String, roomID: String) {
        self.eventID = eventID
        self.roomID = roomID
    }
}

/// A reply the bot sent to a patient, as kept: ids and the intent, never words.
public struct BotReply: Sendable, Equatable {
    public var eventID: String
    /// The patient's message it answered.
    public var sourceEventID: String
    public var roomID: String
    public var patient: String
    public var intentID: String
    public var at: Date

    public init(eventID: String, sourceEventID: String, roomID: String, patient: String, intentID: String, at: Date) {
        self.eventID = eventID
        self.sourceEventID = sourceEventID
        self.roomID = roomID
        self.patient = patient
        self.intentID = intentID
        self.at = at
    }
}

/// A patient's 👍 (`up`) or 👎 (`down`) on one of the bot's replies.
public struct Feedback: Sendable, Equatable {
    public enum Vote: String, Sendable {
        case up, down
    }

    public var reply: BotReply
    public var user: String
    public var vote: Vote
    /// The reaction that voted: redacting it withdraws the vote.
    public var reactionEventID: String?

    public init(reply: BotReply, user: String, vote: Vote, reactionEventID: String? = nil) {
        self.reply = reply
        self.user = user
        self.vote = vote
        self.reactionEventID = reactionEventID
    }
}

/// What moderators see of a period: counts by intent, never who or what was said.
public struct ModerationStats: Sendable, Equatable {
    public struct IntentFigures: Sendable, Equatable {
        public var intentID: String
        public var replies = 0
        public var up = 0
        public var down = 0

        public init(intentID: String, replies: Int = 0, up: Int = 0, down: Int = 0) {
            self.intentID = intentID
            self.replies = replies
            self.up = up
            self.down = down
        }
    }

    /// By intent, the most replied first.
    public var intents: [IntentFigures] = []
    /// Messages the bot could not tell the topic of (`fallback`), answered or not.
    public var fallbacks = 0
    public var escalations = 0
    /// The median time from an escalation's opening to its first claim, of those opened in the period.
    public var medianWaitUntilClaimed: TimeInterval?
    /// Community messages that got `fallback`, newest first: links for moderators, never words.
    public var fallbackLinks: [RoomEvent] = []

    public init() {}

    public func replies(_ intentID: String) -> Int { intents.first { $0.intentID == intentID }?.replies ?? 0 }
}
