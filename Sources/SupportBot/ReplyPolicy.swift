import Foundation
import IntentEngine

/// Decides whether and how the bot answers one patient message. Pure: the caller gathers the
/// facts (where, what the message is, what is known about the patient) and does the I/O.
public struct ReplyPolicy: Sendable {
    /// Same patient and intent in a community room: no second reply within this long.
    public var cooldown: Duration

    public init(cooldown: Duration) {
        self.cooldown = cooldown
    }

    public enum Room: Sendable, Equatable {
        /// A one-to-one chat with the bot: every message is answered.
        case direct
        /// Patients among themselves: only relevant messages, or ones that mention the bot.
        case community
    }

    /// What is known about the patient when their message arrives.
    public struct PatientState: Sendable {
        public var optedOut = false
        public var disclosed = false
        /// Replies of the classified intent they had before, and when the last was.
        public var turns = 0
        public var lastReplyAt: Date?

        public init(optedOut: Bool = false, disclosed: Bool = false, turns: Int = 0, lastReplyAt: Date? = nil) {
            self.optedOut = optedOut
            self.disclosed = disclosed
            self.turns = turns
            self.lastReplyAt = lastReplyAt
        }
    }

    public enum Decision: Sendable, Equatable {
        case reply(intentID: String, turn: Int, disclose: Bool)
        case command(PatientCommand)
        case ignore(Reason)
    }

    public enum Reason: String, Sendable {
        case optedOut = "opted_out"
        case notForTheBot = "not_for_the_bot"
        case notAnsweredInCommunity = "not_answered_in_community"
        case cooldown
    }

    /// - Parameters:
    ///   - command: the message as a command, if it is one.
    ///   - mentionsBot: the message names the bot (its user id or name, or an `m.mentions`).
    public func decide(
        room: Room, command: PatientCommand?, classification: Classification, answerInCommunity: Bool,
        mentionsBot: Bool, patient: PatientState, now: Date
    ) -> Decision {
        let best = classification.best
        // Safety rule 1: crisis is answered at once, past opt-out and cooldown.
        if best.intentID == IntentCatalog.crisisID {
            return .reply(intentID: best.intentID, turn: patient.turns, disclose: !patient.disclosed)
        }
        if let command {
            if case .unknown = command, room == .community, !mentionsBot { return .ignore(.notForTheBot) }
            return .command(command)
        }
        if patient.optedOut { return .ignore(.optedOut) }
        if room == .community, !mentionsBot {
            guard best.intentID != IntentCatalog.fallbackID else { return .ignore(.notForTheBot) }
            guard answerInCommunity else { return .ignore(.notAnsweredInCommunity) }
            if let last = patient.lastReplyAt, cooldown > .zero, now.timeIntervalSince(last) < cooldown.seconds {
                return .ignore(.cooldown)
            }
        }
        return .reply(intentID: best.intentID, turn: patient.turns, disclose: !patient.disclosed)
    }
}

extension Duration {
    var seconds: TimeInterval { self / .seconds(1) }
}
