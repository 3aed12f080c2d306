import Foundation
import Logging
import Storage
@testable import SupportBot
import Testing

/// The weekly summary on a test clock, against the embedded relay and a SQLite file: due a
/// week after the first start, posted once, not repeated or skipped by a restart.
@Suite("The moderators' weekly summary")
struct ModerationSummaryTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let week = 7 * 86_400.0

    @Test func aLongOutagePostsOneSummaryAndKeepsTheWeekday() {
        let due = start
        #expect(ModerationSummaryService.next(after: due, now: due.addingTimeInterval(60)) == due.addingTimeInterval(week))
        #expect(ModerationSummaryService.next(after: due, now: due.addingTimeInterval(3 * week + 60)) == due.addingTimeInterval(4 * week))
        #expect(ModerationSummaryService.next(after: due, now: due.addingTimeInterval(week)) == due.addingTimeInterval(2 * week))
    }

    @Test func postedOnceAWeekAcrossARestart() async throws {
        try await EscalationTimerTests().withRelay { setup in
            let moderators = try #require(setup.rooms.moderators)
            func service() throws -> ModerationSummaryService {
                let database = try BotDatabase.open(path: setup.path)
                return ModerationSummaryService(client: setup.bot, database: database,
                                                configuredRooms: ConfiguredRooms(configuration: setup.configuration, client: setup.bot, database: database),
                                                logger: Logger(label: "summary-test"), now: { Date() })
            }
            var summary = try service()
            try await summary.postIfDue(in: moderators, at: start)
            try await summary.postIfDue(in: moderators, at: start.addingTimeInterval(week - 1))
            #expect(try await setup.posts(in: moderators).isEmpty, "not before a week")
            try await summary.postIfDue(in: moderators, at: start.addingTimeInterval(week))
            let posts = try await setup.posts(in: moderators)
            #expect(posts.count == 1 && posts.first?.hasPrefix("Weekly summary. The last 7 days:") == true, "\(posts)")
            summary = try service() // a restart
            try await summary.postIfDue(in: moderators, at: start.addingTimeInterval(week + 60))
            #expect(try await setup.posts(in: moderators).count == 1, "not repeated after a restart")
            try await summary.postIfDue(in: moderators, at: start.addingTimeInterval(2 * week))
            #expect(try await setup.posts(in: moderators).count == 2, "nor skipped")
        }
    }
}
