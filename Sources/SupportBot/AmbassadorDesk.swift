import Escalations
import Foundation
import Logging
import MatrixClient
import Metrics
import Storage

/// The ambassadors room: commands (`!queue`, `!claim N`…) and 👍 on an escalation's post.
/// Like the patients' handler it never throws: one event's failure is logged and the next goes on.
struct AmbassadorDesk: Sendable {
    let database: BotDatabase
    let announcer: EscalationAnnouncer
    let botUserID: String
    let logger: Logger
    let now: @Sendable () -> Date

    var roster: AmbassadorRoster { announcer.roster }

    /// What the desk reads: messages and reactions, not its own.
    func isStaffEvent(_ event: ClientEvent) -> Bool {
        (event.type == "m.room.message" || event.type == "m.reaction") && event.sender != botUserID
    }

    func handle(_ event: ClientEvent) async -> EventHandler.Outcome {
        var logger = logger
        logger[metadataKey: "matrix.event_id"] = "\(event.eventID)"
        let outcome: EventHandler.Outcome
        do {
            outcome = try await respond(to: event, logger: logger)
        } catch {
            return EventHandler.outcome(of: error, logger: logger) { try database.commit(Handling(eventID: event.eventID, roomID: announcer.rooms.ambassadors, at: now())) }
        }
        do {
            try database.commit(Handling(eventID: event.eventID, roomID: announcer.rooms.ambassadors, at: now()))
            return outcome
        } catch {
            logger.error("could not record a handled command; it will be tried again", metadata: ["error": "\(error)"])
            return .retry
        }
    }

    private func respond(to event: ClientEvent, logger: Logger) async throws -> EventHandler.Outcome {
        if event.type == "m.reaction" {
            // 👍 (with any skin tone) on an escalation's post claims it; other reactions are conversation.
            // By scalar: "👍️" (with a variation selector) and "👍🏽" are other characters than "👍".
            guard event.relationType == "m.annotation", event.content["m.relates_to"]?["key"]?.string?.unicodeScalars.first == "\u{1F44D}",
                  let target = event.content["m.relates_to"]?["event_id"]?.string,
                  let escalation = try database.escalation(noticeEventID: target)
            else { return .skipped }
            return try await act(.claim, on: escalation.number, event: event, command: nil, logger: logger)
        }
        guard event.relationType != "m.replace", let body = event.body, let command = AmbassadorCommand(message: body) else { return .skipped }
        let thread = event.relationType == "m.thread" ? event.content["m.relates_to"]?["event_id"]?.string : nil
        let actor = event.sender
        switch command {
        case .queue:
            try await reply(EscalationMessages.queue(try database.escalationQueue(), titles: announcer.title, now: now()), to: event, thread: thread)
        case .mine:
            try await reply(EscalationMessages.mine(try database.escalations(claimedBy: actor), titles: announcer.title), to: event, thread: thread)
        case .help:
            try await reply(StaffMessage(lines: [AmbassadorCommand.usage]), to: event, thread: thread)
        case let .invalid(answer):
            try await reply(StaffMessage(lines: [answer]), to: event, thread: thread)
        case let .claim(number), let .release(number), let .resolve(number, _), let .note(number, _):
            guard let number = try number ?? thread.flatMap({ try database.escalation(noticeEventID: $0)?.number }) else {
                try await reply(StaffMessage(lines: [EscalationMessages.whichEscalation]), to: event, thread: thread)
                return .replied
            }
            let origin = EscalationAnnouncer.Command(eventID: event.eventID, inThread: thread != nil)
            return try await act(Self.action(command), on: number, event: event, command: origin, logger: logger)
        }
        return .replied
    }

    /// Does what an ambassador asked, if they may, and tells the rooms; or tells them why not.
    /// - Parameter command: the message that asked, answered beside it; `nil` for a 👍, answered in the thread.
    private func act(_ action: EscalationAction, on number: Int, event: ClientEvent, command: EscalationAnnouncer.Command?, logger: Logger) async throws -> EventHandler.Outcome {
        let allowed = try await roster.mayClaim(event.sender)
        do {
            let change = try database.changeEscalation(number, action, by: EscalationActor(event.sender), at: now(), eventID: event.eventID,
                                                        allowed: allowed, timers: announcer.settings.timers)
            logger.info("escalation changed", metadata: ["bot.escalation": "\(number)", "bot.action": "\(action.name)"])
            Counter(label: "supportbot_escalation_changes_total", dimensions: [("action", action.name)]).increment()
            try await announcer.announce(change, command: command)
        } catch let refusal as EscalationRefusal {
            logger.info("escalation change refused", metadata: ["bot.escalation": "\(number)", "bot.action": "\(action.name)"])
            try await announcer.refuse(refusal.description, number: number, actor: event.sender, event: event.eventID, command: command)
        } catch let missing as NoSuchEscalation {
            try await announcer.refuse("\(missing) !queue lists the open ones.", number: nil, actor: event.sender, event: event.eventID, command: command)
        }
        return .replied
    }

    private func reply(_ message: StaffMessage, to event: ClientEvent, thread: String?) async throws {
        _ = try await announcer.client.send(roomID: announcer.rooms.ambassadors, transactionID: "supportbot-reply-\(event.eventID)",
                                            content: EscalationAnnouncer.content(message, root: thread, replyTo: event.eventID))
    }

    private static func action(_ command: AmbassadorCommand) -> EscalationAction {
        switch command {
        case let .resolve(_, note): .resolve(note: note)
        case let .note(_, text): .note(text)
        case .release: .release
        default: .claim
        }
    }
}
