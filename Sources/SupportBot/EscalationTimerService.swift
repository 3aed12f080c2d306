import Escalations
import Foundation
import Logging
import MatrixClient
import ServiceLifecycle
import Storage

/// Posts open escalations again when nobody has claimed them in time, pages the moderators
/// when they have waited too long, and announces changes made at the command line. Every
/// time is kept in the database, so a restart loses no timer.
public struct EscalationTimerService: Service {
    let client: MatrixClient
    let database: BotDatabase
    let configuration: BotConfiguration
    let rules: IntentRules
    let configuredRooms: ConfiguredRooms
    let logger: Logger
    let now: @Sendable () -> Date

    /// How often the queue is looked at: re-pings are minutes apart, so a second is prompt.
    static let interval = Duration.seconds(1)

    public func run() async throws {
        let rooms = try await configuredRooms.directory()
        let announcer = EscalationAnnouncer.make(client: client, database: database, rooms: rooms, configuration: configuration, rules: rules, logger: logger)
        while !Task.isShuttingDownGracefully {
            await tick(announcer, at: now())
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: Self.interval) }
            } catch {
                break
            }
        }
    }

    /// One look at the queue at `date` (a test passes its own clock).
    func tick(_ announcer: EscalationAnnouncer, at date: Date) async {
        do {
            for escalation in try database.dueEscalations(at: date) {
                if let due = escalation.nextRepingAt, due <= date { try fire(.reping, escalation, at: date) }
                if let due = escalation.pageModeratorsAt, due <= date { try fire(.pageModerators, escalation, at: date) }
            }
            // The timers' own changes, and the command line's, are announced here: a change
            // recorded but not yet announced (a crash in between) is announced after a restart.
            for change in try database.unannouncedChanges() {
                do {
                    try await announcer.announce(change, now: date)
                    try database.markAnnounced(change.audit.id)
                } catch {
                    let outcome = EventHandler.outcome(of: error, logger: logger) { try database.markAnnounced(change.audit.id) }
                    if outcome == .retry { break }
                }
            }
        } catch {
            logger.error("cannot read the escalation queue; trying again", metadata: ["error": "\(error)"])
        }
    }

    private func fire(_ action: EscalationAction, _ escalation: Escalation, at date: Date) throws {
        do {
            try database.changeEscalation(escalation.number, action, by: EscalationActor(configuration.userID), at: date, announced: false,
                                          timers: configuration.escalation.timers)
            logger.info("escalation still open", metadata: ["bot.escalation": "\(escalation.number)", "bot.action": "\(action.name)"])
        } catch is EscalationRefusal {
            // Claimed or closed in the meantime: nothing to do.
        }
    }
}
