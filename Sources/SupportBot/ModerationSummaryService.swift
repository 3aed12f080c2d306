import Foundation
import Logging
import MatrixClient
import ServiceLifecycle
import Storage

/// Once a week, the figures `!stats` gives, posted by themselves in the moderators room, with
/// the intents patients marked 👎 most and links to community messages the bot gave up on.
/// When it is due is kept in the database, so a restart neither skips a week nor repeats one.
struct ModerationSummaryService: Service {
    let client: MatrixClient
    let database: BotDatabase
    let configuredRooms: ConfiguredRooms
    let logger: Logger
    let now: @Sendable () -> Date

    static let week: TimeInterval = 7 * 86_400
    /// Links to messages the bot gave up on, at most.
    static let links = 20
    /// How often it looks whether a summary is due: a week is long.
    static let interval = Duration.seconds(60)

    func run() async throws {
        guard let moderators = try await configuredRooms.directory().moderators else { return }
        while !Task.isShuttingDownGracefully {
            do {
                try await postIfDue(in: moderators, at: now())
            } catch {
                logger.error("the weekly summary could not be posted; it will be tried again", metadata: ["error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: Self.interval) }
            } catch {
                break
            }
        }
    }

    /// Posts the summary when one is due at `date` (a test passes its own clock). The first is
    /// due a week after the bot first ran. The transaction id is the due time: a crash between
    /// the post and the record of it posts the same event again, which the homeserver drops.
    func postIfDue(in roomID: String, at date: Date) async throws {
        let due = try database.nextSummary(first: date.addingTimeInterval(Self.week))
        guard due <= date else { return }
        let stats = try database.moderationStats(since: due.addingTimeInterval(-Self.week), links: Self.links)
        try await client.send(roomID: roomID, transactionID: "supportbot-summary-\(Int(due.timeIntervalSince1970))",
                              content: EscalationAnnouncer.content(ModeratorMessages.weeklySummary(stats), notice: true))
        try database.summaryPosted(due: due, next: Self.next(after: due, now: date))
        logger.info("weekly summary posted")
    }

    /// A week after `due`, or the first weekly time after `now` when the bot was stopped for
    /// longer: one summary after an outage, not one for each week missed.
    static func next(after due: Date, now: Date) -> Date {
        let weeks = max(1, (now.timeIntervalSince(due) / week).rounded(.down) + 1)
        return due.addingTimeInterval(weeks * week)
    }
}
