import Escalations
import Foundation
import IntentEngine

/// A message the bot posts about an escalation: plain text, its HTML, and whom it mentions.
struct StaffMessage: Sendable {
    var text: String
    var html: String
    var mentions: [String] = []

    /// Lines of plain text; the first one bold when `headline`.
    init(lines: [String], headline: Bool = false, mentions: [String] = []) {
        text = lines.joined(separator: "\n")
        html = lines.enumerated().map { index, line in
            index == 0 && headline ? "<strong>\(line.htmlEscaped)</strong>" : line.htmlEscaped
        }.joined(separator: "<br>")
        self.mentions = mentions
    }
}

/// What the bot says about escalations: to ambassadors in their room, and to patients.
/// Patients see ambassadors' display names only; ambassadors see who and where, and no more
/// of the patient's words than the configured excerpt.
enum EscalationMessages {
    // MARK: - The ambassadors room

    /// The post that heads an escalation's thread; also its edited form, which keeps its state
    /// (open, claimed by, resolved by, withdrawn) in view for every client.
    /// - Parameters:
    ///   - topics: what the patient talked about lately (intents' titles, never their words).
    ///   - by: who claimed or resolved it.
    static func notice(_ escalation: Escalation, title: String, excerpt: String?, topics: [String] = [], patientRoom: String, direct: Bool,
                       by name: String? = nil) -> StaffMessage {
        var lines: [String] = []
        let urgent = escalation.priority == .urgent ? "URGENT · " : ""
        switch escalation.state {
        case .resolved: lines.append("✅ Resolved by \(name ?? "an ambassador"): #\(escalation.number) · \(title)")
        case .cancelled: lines.append("Withdrawn by the patient: #\(escalation.number) · \(title)")
        case .claimed:
            let waited = escalation.updatedAt.timeIntervalSince(escalation.openedAt)
            let when = waited < 60 ? "within a minute" : "after \(minutes(waited))"
            lines.append("Claimed by \(name ?? "an ambassador") \(when): #\(escalation.number) · \(urgent)\(title)")
        case .open:
            lines.append(escalation.priority == .urgent
                ? "#\(escalation.number) · URGENT · \(title): crisis resources were sent at once; please reach out now."
                : "#\(escalation.number) · \(title): a patient would like a Patient Ambassador.")
        }
        if escalation.state.isActive, let excerpt, !excerpt.isEmpty { lines.append("“\(excerpt)”") }
        if escalation.state.isActive, !topics.isEmpty { lines.append("Lately they talked about: \(topics.joined(separator: " · "))") }
        lines.append("Patient: \(escalation.patient), \(direct ? "in a direct chat with me" : "in \(link(patientRoom))")")
        if escalation.state == .open { lines.append("To claim: !claim \(escalation.number), or react 👍 to this post.") }
        return StaffMessage(lines: lines, headline: true)
    }

    /// - Parameter answered: the request is the patient's answer to the bot's direct question.
    static func askedAgain(_ escalation: Escalation, raised: Bool, answered: Bool = false, onDuty: [String]) -> StaffMessage {
        if answered {
            return StaffMessage(lines: ["#\(escalation.number) is URGENT: asked whether they are thinking about ending their life, the patient answered yes or was unsure. "
                                        + "Crisis resources were sent at once; please reach out now.", mentionLine(onDuty)], headline: true, mentions: onDuty)
        }
        return raised
            ? StaffMessage(lines: ["#\(escalation.number) is now URGENT: the patient may be in crisis. Crisis resources were sent at once; please reach out now.",
                                   mentionLine(onDuty)], headline: true, mentions: onDuty)
            : StaffMessage(lines: ["The patient asked again (\(escalation.requests) requests so far)."], mentions: onDuty)
    }

    static func claimed(_ escalation: Escalation, by name: String, handoff: String?, problem: String?) -> StaffMessage {
        var line = "#\(escalation.number) is yours, \(name)."
        if handoff != nil { line += " I opened a private room with the patient and invited you both; the patient can read everything there." }
        if let problem { line += " I could not open a private room (\(problem)); please start a direct chat with \(escalation.patient)." }
        return StaffMessage(lines: [line], mentions: escalation.claimant.map { [$0] } ?? [])
    }

    static func released(_ escalation: Escalation, by name: String) -> StaffMessage {
        StaffMessage(lines: ["#\(escalation.number) is open again: \(name) released it. !claim \(escalation.number) to take it."])
    }

    static func resolved(_ escalation: Escalation, by name: String, note: String?) -> StaffMessage {
        StaffMessage(lines: ["#\(escalation.number) resolved by \(name). Thank you!"] + (note.map { ["Note: \($0)"] } ?? []))
    }

    static func noted(_ number: Int) -> StaffMessage { StaffMessage(lines: ["Noted on #\(number)."]) }

    static func withdrawn(_ number: Int) -> StaffMessage { StaffMessage(lines: ["#\(number) was withdrawn by the patient."]) }

    static func reping(_ escalation: Escalation, title: String, waiting: TimeInterval, onDuty: [String]) -> StaffMessage {
        StaffMessage(lines: ["Still waiting: #\(escalation.number) · \(escalation.priority == .urgent ? "URGENT · " : "")\(title), open for \(minutes(waiting)).",
                             mentionLine(onDuty) + " !claim \(escalation.number) or 👍 the first post."],
                     headline: escalation.priority == .urgent, mentions: onDuty)
    }

    static func pageModerators(_ escalation: Escalation, title: String, waiting: TimeInterval, ambassadorsRoom: String) -> StaffMessage {
        StaffMessage(lines: ["#\(escalation.number) (\(escalation.priority.rawValue), \(title)) has waited \(minutes(waiting)) for a Patient Ambassador.",
                             "Please make sure someone reaches out: \(link(ambassadorsRoom))"], headline: true)
    }

    static func queue(_ escalations: [Escalation], titles: (String) -> String, now: Date) -> StaffMessage {
        guard !escalations.isEmpty else { return StaffMessage(lines: ["The queue is empty."]) }
        let shown = escalations.prefix(20).map { escalation in
            "#\(escalation.number) · \(escalation.priority == .urgent ? "URGENT" : "normal") · \(titles(escalation.reason)) · waiting \(minutes(now.timeIntervalSince(escalation.openedAt)))"
        }
        let more = escalations.count > 20 ? ["…and \(escalations.count - 20) more."] : []
        return StaffMessage(lines: ["Open escalations, urgent first, then the longest waiting:"] + shown + more, headline: true)
    }

    static func mine(_ escalations: [Escalation], titles: (String) -> String) -> StaffMessage {
        guard !escalations.isEmpty else { return StaffMessage(lines: ["You have nothing claimed."]) }
        return StaffMessage(lines: ["You have claimed:"] + escalations.map { "#\($0.number) · \(titles($0.reason))" + ($0.handoffRoomID.map { " · \(link($0))" } ?? "") })
    }

    static func refused(_ reason: String, mention: String) -> StaffMessage { StaffMessage(lines: [reason], mentions: [mention]) }

    static let whichEscalation = "Which escalation? Add its number, such as !claim 12, or type the command in its thread."

    // MARK: - Patients

    /// Added to the reply to the message that opened an escalation, or asked again; nothing
    /// for a crisis, whose reply already says an ambassador has been asked, and no place in
    /// line: a patient in crisis is never told to wait.
    static func waiting(_ change: Escalation, opened: Bool, position: Int?) -> String? {
        if change.state == .claimed { return "Your Patient Ambassador is on the way to you; I've let them know you wrote again." }
        guard change.priority != .urgent else { return nil }
        let place = position.map { "You're number \($0) in line" } ?? "You're in line"
        return opened ? "\(place)." : "You already have a request open; I've let the ambassadors know you asked again. \(place)."
    }

    static func coming(_ name: String) -> String {
        "Good news: \(name), a Patient Ambassador, is coming to talk with you. I've invited you both to a private room, just for the two of you."
    }

    /// The first message in the private room of a claim, written for the patient: the staff's
    /// details (priority, reason, times, links) stay in the ambassadors room.
    static func handoff(ambassador name: String) -> StaffMessage {
        StaffMessage(lines: [
            "Hello! This private room is for you and \(name), a Patient Ambassador from our community, who will be with you shortly.",
            "Only the two of you (and I, SupportBot) are in it. You can leave it whenever you like.",
        ])
    }

    static let backInLine = "Your Patient Ambassador had to step away, so you're back in line; another Patient Ambassador will reach out soon."

    static func thanks(ambassador name: String) -> String {
        "Thank you both for talking, and thank you, \(name), for being there. If you'd like a person again, type !ambassador any time."
    }

    static let withdrawnForPatient = "Okay, I've withdrawn your request for a Patient Ambassador. Type !ambassador whenever you'd like one."

    static let stillComing = "Because of what you told me earlier, a Patient Ambassador will still check in with you once. If you are in danger right now, call your local emergency number."
    static let nothingToWithdraw = "You have no open request for a Patient Ambassador. Type !ambassador if you'd like one."

    // MARK: - Parts

    static func link(_ roomID: String, event: String? = nil) -> String {
        "https://matrix.to/#/\(roomID)" + (event.map { "/\($0)" } ?? "")
    }

    private static func mentionLine(_ onDuty: [String]) -> String {
        onDuty.isEmpty ? "Ambassadors on duty:" : onDuty.joined(separator: " ")
    }

    static func minutes(_ interval: TimeInterval) -> String {
        let minutes = Int(interval / 60)
        return minutes < 1 ? "under a minute" : minutes == 1 ? "1 minute" : "\(minutes) minutes"
    }
}
