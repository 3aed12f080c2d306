import Foundation
import IntentEngine
import Logging
import MatrixClient
import Metrics
import Storage

/// A patient's 👍 or 👎 on the bot's reply to them: counted for the reply's intent, so that
/// moderators learn what the rules get wrong without reading anyone's words. It changes
/// nothing in the conversation, except a short thanks in a direct chat. Never throws.
struct PatientFeedback: Sendable {
    let client: MatrixClient
    let database: BotDatabase
    let botUserID: String
    let logger: Logger
    let now: @Sendable () -> Date

    /// A reaction from anyone but the bot, or the removal of one (a redaction): read, then kept
    /// only when it is feedback.
    func isReaction(_ event: ClientEvent) -> Bool {
        (event.type == "m.reaction" || (event.type == "m.room.redaction" && event.redacts != nil)) && event.sender != botUserID
    }

    /// The reply a reaction is on and its vote, when it is 👍 or 👎 (with a variation selector
    /// or a skin tone, as clients send them); `nil` for any other reaction.
    static func vote(_ event: ClientEvent) -> (reply: String, vote: Feedback.Vote)? {
        let relation = event.content["m.relates_to"]
        guard relation?["rel_type"]?.string == "m.annotation", let reply = relation?["event_id"]?.string,
              let key = relation?["key"]?.string
        else { return nil }
        let scalars = key.unicodeScalars.filter { $0 != "\u{FE0F}" && !(0x1F3FB...0x1F3FF).contains($0.value) }
        guard scalars.count == 1 else { return nil }
        switch scalars.first {
        case "\u{1F44D}": return (reply, .up)
        case "\u{1F44E}": return (reply, .down)
        default: return nil
        }
    }

    func handle(_ event: ClientEvent, roomID: String, room: ReplyPolicy.Room) async -> EventHandler.Outcome {
        var logger = logger
        logger[metadataKey: "matrix.event_id"] = "\(event.eventID)"
        var handling = Handling(eventID: event.eventID, roomID: roomID, at: now())
        if let reaction = event.redacts {
            return withdraw(reaction, by: event.sender, handling: handling, logger: logger)
        }
        do {
            // Only the patient a reply answered counts, and only where it was sent.
            guard let (replyID, vote) = Self.vote(event), let reply = try database.botReply(eventID: replyID),
                  reply.patient == event.sender, reply.roomID == roomID
            else {
                try database.commit(handling)
                return .skipped
            }
            handling.feedback = Feedback(reply: reply, user: event.sender, vote: vote, reactionEventID: event.eventID)
            // Thanked once for each change of mind; the same vote again is only counted once.
            if room == .direct, try database.vote(on: replyID, by: event.sender) != vote {
                let thanks = Reply(plainText: BotMessages.thanksForFeedback, intentID: "feedback")
                try await client.send(roomID: roomID, transactionID: "supportbot-thanks-\(event.eventID)",
                                      content: EventHandler.replyContent(thanks, to: nil, mentioning: nil))
            }
            try database.commit(handling)
        } catch {
            return EventHandler.outcome(of: error, logger: logger) { try database.commit(handling) }
        }
        logger.info("feedback recorded", metadata: ["bot.intent": "\(handling.feedback?.reply.intentID ?? "")", "bot.vote": "\(handling.feedback?.vote.rawValue ?? "")"])
        // Intent ids and two votes: a small fixed set, safe as labels.
        Counter(label: "supportbot_feedback_total", dimensions: [("vote", handling.feedback?.vote.rawValue ?? "")]).increment()
        return .replied
    }

    /// A patient took their 👍 or 👎 away (redacted the reaction): the vote no longer counts.
    /// Anyone else's redaction, or of anything else, changes nothing.
    private func withdraw(_ reaction: String, by user: String, handling: Handling, logger: Logger) -> EventHandler.Outcome {
        var handling = handling
        do {
            guard try database.isVote(reaction: reaction, by: user) else {
                try database.commit(handling)
                return .skipped
            }
            handling.withdrawnReaction = (reaction, user)
            try database.commit(handling)
        } catch {
            return EventHandler.outcome(of: error, logger: logger) { try database.commit(handling) }
        }
        logger.info("feedback withdrawn")
        return .replied
    }
}
