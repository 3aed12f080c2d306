import Foundation
import IntentEngine
import Storage

/// What the bot tells moderators in their room: figures and rule readings, never a patient's
/// words from a private room, and links rather than quotes for community messages.
enum ModeratorMessages {
    static func notAModerator(_ level: Int) -> StaffMessage {
        StaffMessage(lines: ["Only moderators can use these commands: members of this room with power level \(level) or more."])
    }

    static let unknownEvent = StaffMessage(lines: [
        "I can't find that message in a community room I follow: check the link (the event may be unknown, or in another room).",
    ])
    static let notInRoom = StaffMessage(lines: ["I'm not in that room, so I can't read it. I explain messages from the community rooms I follow."])
    static let privateRoom = StaffMessage(lines: [
        "That message is in a direct chat or a private room. Moderators don't read those through me: I explain messages from community rooms only.",
    ])
    static let staffRoom = StaffMessage(lines: ["That room is a staff room. I explain messages from the community rooms I follow."])
    static let unknownAlias = StaffMessage(lines: ["I can't find a room with that alias."])
    static let notText = StaffMessage(lines: ["That event is not a text message: there is nothing for the rules to read."])

    /// A community message read by the running rules, and what the bot answered it with then.
    static func explanation(of classification: Classification, room: String, answeredWith intent: String?) -> StaffMessage {
        let answered = intent.map { "The bot answered it then with '\($0)'." }
            ?? "The bot keeps no reply to it: it did not answer, or the record was purged or erased by !forget."
        return reading(classification, headline: "A message in \(room), read with the rules running now (on its own: the conversation's risk then is not known):",
                       after: answered)
    }

    static func classification(_ classification: Classification) -> StaffMessage {
        reading(classification, headline: "Your text, read with the rules running now:", after: nil)
    }

    private static func reading(_ classification: Classification, headline: String, after: String?) -> StaffMessage {
        var message = StaffMessage(lines: [headline], headline: true)
        let explanation = classification.explanation.trimmingCharacters(in: .newlines)
        message.text += "\n" + explanation
        message.html += "<pre><code>\(explanation.htmlEscaped)</code></pre>"
        if let after {
            message.text += "\n" + after
            message.html += after.htmlEscaped
        }
        return message
    }

    static func rules(_ status: IntentRules.Status, intents: Int) -> StaffMessage {
        var lines = ["Rules running since \(status.loadedAt.formatted(.iso8601)): \(intents) intents from \(status.files.count) files."]
        lines += status.files.map { "\($0.name) \($0.hash)" }
        if let refused = status.refused {
            lines.append("A change was refused at \(refused.at.formatted(.iso8601)); the rules above still run. Fix these and save again:")
            lines += refused.problems.prefix(20)
        } else {
            lines.append("No change has been refused since.")
        }
        return StaffMessage(lines: lines, headline: true)
    }

    /// `!stats`, and the weekly summary's figures.
    static func stats(_ stats: ModerationStats, days: Int, crisisID: String = IntentCatalog.crisisID) -> StaffMessage {
        var lines = ["The last \(days == 1 ? "day" : "\(days) days"):"]
        lines += stats.intents.isEmpty ? ["No replies."] : stats.intents.map { "\($0.intentID): \($0.replies) replies, 👍 \($0.up), 👎 \($0.down)" }
        lines.append("Gave up (fallback): \(stats.fallbacks) messages")
        lines.append("Crisis replies: \(stats.replies(crisisID))")
        let wait = stats.medianWaitUntilClaimed.map { "median wait until claimed \(EscalationMessages.minutes($0))" } ?? "none claimed"
        lines.append("Escalations: \(stats.escalations); \(wait)")
        return StaffMessage(lines: lines, headline: true)
    }

    /// Once a week: the figures, the intents patients marked 👎 most, and links (never words)
    /// to community messages the bot gave up on.
    static func weeklySummary(_ stats: ModerationStats) -> StaffMessage {
        var message = Self.stats(stats, days: 7)
        message.text = "Weekly summary. " + message.text
        message.html = "<strong>Weekly summary.</strong> " + message.html
        let disliked = stats.intents.filter { $0.down > 0 }.sorted { ($0.down, $1.intentID) > ($1.down, $0.intentID) }.prefix(3)
        let line = disliked.isEmpty ? "No intent was marked 👎." : "Marked 👎 most: " + disliked.map { "\($0.intentID) (\($0.down))" }.joined(separator: ", ")
        message.text += "\n" + line
        message.html += "<br>" + line.htmlEscaped
        if !stats.fallbackLinks.isEmpty {
            let links = stats.fallbackLinks.map { "https://matrix.to/#/\($0.roomID)/\($0.eventID)" }
            message.text += "\nCommunity messages I gave up on (!explain one to see why):\n" + links.joined(separator: "\n")
            message.html += "<br>Community messages I gave up on (!explain one to see why):<ul>"
                + links.map { "<li><a href=\"\($0.htmlEscaped)\">\($0.htmlEscaped)</a></li>" }.joined() + "</ul>"
        }
        return message
    }
}
