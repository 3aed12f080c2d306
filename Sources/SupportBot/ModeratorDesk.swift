import Foundation
import IntentEngine
import Logging
import MatrixClient
import Storage

/// The moderators room: `!explain`, `!classify`, `!rules` and `!stats`, for members with
/// enough power. Answers are notices beside the command; a refusal is the only answer to bad
/// input. It never throws: one event's failure is logged and the next goes on.
struct ModeratorDesk: Sendable {
    let client: MatrixClient
    let database: BotDatabase
    let rules: IntentRules
    let rooms: RoomDirectory
    /// `moderation.power_level`.
    let powerLevel: Int
    let botUserID: String
    let logger: Logger
    let now: @Sendable () -> Date

    /// What the desk reads: others' messages.
    func isModeratorEvent(_ event: ClientEvent) -> Bool {
        event.type == "m.room.message" && event.sender != botUserID
    }

    func handle(_ event: ClientEvent, in roomID: String) async -> EventHandler.Outcome {
        var logger = logger
        logger[metadataKey: "matrix.event_id"] = "\(event.eventID)"
        let handled = { try database.commit(Handling(eventID: event.eventID, roomID: roomID, at: now())) }
        guard event.relationType != "m.replace", let body = event.body, let command = ModeratorCommand(message: body) else {
            return record(handled, .skipped, logger)
        }
        do {
            let answer = try await respond(to: command, from: event.sender, in: roomID)
            // Its transaction id comes from the command: a retried batch posts it once.
            try await client.send(roomID: roomID, transactionID: "supportbot-reply-\(event.eventID)",
                                  content: EscalationAnnouncer.content(answer, replyTo: event.eventID, notice: true))
            logger.info("moderator command answered", metadata: ["bot.command": "\(Self.name(command))"])
        } catch {
            return EventHandler.outcome(of: error, logger: logger, record: handled)
        }
        return record(handled, .replied, logger)
    }

    private func record(_ handled: () throws -> Void, _ outcome: EventHandler.Outcome, _ logger: Logger) -> EventHandler.Outcome {
        do {
            try handled()
            return outcome
        } catch {
            logger.error("could not record a handled command; it will be tried again", metadata: ["error": "\(error)"])
            return .retry
        }
    }

    private func respond(to command: ModeratorCommand, from sender: String, in roomID: String) async throws -> StaffMessage {
        let power = RoomPower(try await client.roomState(roomID: roomID))
        guard power.members.contains(sender), power.level(of: sender) >= powerLevel else {
            return ModeratorMessages.notAModerator(powerLevel)
        }
        let current = rules.current
        switch command {
        case let .explain(link):
            return try await explain(link, with: current)
        case let .classify(text):
            return ModeratorMessages.classification(classify(text, with: current))
        case .rules:
            return ModeratorMessages.rules(rules.status, intents: current.catalog.intents.count)
        case let .stats(days):
            return ModeratorMessages.stats(try database.moderationStats(since: now().addingTimeInterval(-Double(days) * 86_400)), days: days)
        case .help:
            return StaffMessage(lines: [ModeratorCommand.usage])
        case let .invalid(answer):
            return StaffMessage(lines: [answer])
        }
    }

    /// Only community messages: direct chats and claims' private rooms are not for moderators
    /// to read through the bot, and it can read no room it is not in.
    private func explain(_ link: ModeratorCommand.MessageLink, with current: IntentRules.Rules) async throws -> StaffMessage {
        var candidates = rooms.community.keys.sorted()
        if let room = link.room {
            var roomID = room
            if room.first == "#" {
                do {
                    roomID = try await client.resolveAlias(room)
                } catch let error as MatrixError where error.isRefusal {
                    return ModeratorMessages.unknownAlias
                }
            }
            guard rooms.community[roomID] != nil else { return try await refusal(for: roomID) }
            candidates = [roomID]
        }
        for roomID in candidates {
            let event: ClientEvent
            do {
                event = try await client.event(roomID: roomID, eventID: link.eventID)
            } catch let error as MatrixError where error.isRefusal {
                continue // not in this room, or no such event at all: another community room may hold it
            }
            let content = event.relationType == "m.replace" ? event.content["m.new_content"] ?? event.content : event.content
            guard event.type == "m.room.message", let text = content["body"]?.string, ["m.text", "m.emote"].contains(content["msgtype"]?.string ?? "") else {
                return ModeratorMessages.notText
            }
            return ModeratorMessages.explanation(of: classify(text, with: current), room: roomID,
                                                 answeredWith: try database.repliedIntent(toEvent: event.eventID))
        }
        return ModeratorMessages.unknownEvent
    }

    /// Why a room that is not a community room is refused: the bot is in every direct chat and
    /// private room it keeps, and in no room it cannot read.
    private func refusal(for roomID: String) async throws -> StaffMessage {
        if roomID == rooms.ambassadors || roomID == rooms.moderators { return ModeratorMessages.staffRoom }
        do {
            _ = try await client.joinedMembers(roomID: roomID)
            return ModeratorMessages.privateRoom
        } catch let error as MatrixError where error.isRefusal {
            return ModeratorMessages.notInRoom
        }
    }

    private func classify(_ text: String, with current: IntentRules.Rules) -> Classification {
        let text = String(decoding: text.utf8.prefix(EventHandler.maximumMessageBytes), as: UTF8.self)
        return current.classifier.classify(text, remembering: .calm, at: now(), evidence: .all).0
    }

    /// For logs: the command's name, never its text.
    private static func name(_ command: ModeratorCommand) -> String {
        switch command {
        case .explain: "explain"
        case .classify: "classify"
        case .rules: "rules"
        case .stats: "stats"
        case .help: "help"
        case .invalid: "invalid"
        }
    }
}
