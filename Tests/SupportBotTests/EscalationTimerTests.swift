import Escalations
import Foundation
import IntentEngine
import Logging
import MatrixClient
import Relay
import Storage
@testable import SupportBot
import Testing

/// Re-pings and moderators' pages on a test clock: the embedded relay over real HTTP, a real
/// SQLite file, and `tick(at:)` in place of waiting minutes.
@Suite("Escalation timers")
struct EscalationTimerTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    struct Setup {
        let bot: MatrixClient
        let configuration: BotConfiguration
        let rooms: RoomDirectory
        let staff: String
        let path: String
        let rules: IntentRules

        func service(_ database: BotDatabase) -> (EscalationTimerService, EscalationAnnouncer) {
            let logger = Logger(label: "timer-test")
            let service = EscalationTimerService(client: bot, database: database, configuration: configuration, rules: rules,
                                                 configuredRooms: ConfiguredRooms(configuration: configuration, client: bot, database: database),
                                                 logger: logger, now: { Date() })
            return (service, EscalationAnnouncer.make(client: bot, database: database, rooms: rooms, configuration: configuration,
                                                      rules: rules, logger: logger))
        }

        /// The bot's posts in a room, oldest first.
        func posts(in room: String) async throws -> [String] {
            try await bot.messages(roomID: room, from: nil, to: nil, limit: 500).events.reversed()
                .filter { $0.type == "m.room.message" }.compactMap(\.body)
        }
    }

    func withRelay(_ body: (Setup) async throws -> Void) async throws {
        let relay = try RelayServer(serverName: "localhost", database: nil, unlimited: ["@supportbot:localhost"])
        let bot = try await relay.provisionUser("supportbot", password: "pw")
        let staff = try await relay.provisionUser("alex", password: "pw")
        let community = try await relay.provisionRoom(alias: "community", title: "Community", creator: bot.userID)
        let ambassadors = try await relay.provisionRoom(alias: "ambassadors", title: "Ambassadors", creator: bot.userID)
        let moderators = try await relay.provisionRoom(alias: "moderators", title: "Moderators", creator: bot.userID)
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "relay")
        logger.logLevel = .critical
        let application = relay.application(host: "127.0.0.1", port: 0, logger: logger) { readyContinuation.yield($0) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("supportbot-timers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await application.run() }
            var ports = ready.makeAsyncIterator()
            let port = try #require(await ports.next())
            let url = URL(string: "http://127.0.0.1:\(port)")!
            let client = MatrixClient(homeserver: url, accessToken: bot.accessToken, logger: Logger(label: "bot"))
            let staffClient = MatrixClient(homeserver: url, accessToken: staff.accessToken, logger: Logger(label: "staff"))
            _ = try await staffClient.join(ambassadors)
            var configuration = BotConfiguration(homeserver: url, userID: bot.userID, accessToken: bot.accessToken,
                                                 rooms: .init(community: [community], ambassadors: ambassadors, moderators: moderators),
                                                 intents: root.appendingPathComponent("Intents"), database: folder.appendingPathComponent("bot.sqlite").path)
            configuration.escalation.ambassadors = [staff.userID]
            try await body(Setup(
                bot: client, configuration: configuration,
                rooms: RoomDirectory(community: [community: start], ambassadors: ambassadors, moderators: moderators),
                staff: staff.userID, path: configuration.database,
                rules: IntentRules(catalog: try IntentCatalog.load(from: configuration.intents), locale: "en-US")
            ))
            group.cancelAll()
        }
    }

    @Test func anUnclaimedCrisisIsPostedAgainAndRaisedWithModeratorsEvenAcrossARestart() async throws {
        try await withRelay { setup in
            let ambassadors = setup.rooms.ambassadors, moderators = try #require(setup.rooms.moderators)
            var database = try BotDatabase.open(path: setup.path)
            let opened = try database.requestEscalation(patient: "@pat:localhost", roomID: setup.rooms.community.keys.first!, eventID: "$crisis",
                                                        reason: "crisis", priority: .urgent, at: start, timers: setup.configuration.escalation.timers)
            let number = opened.escalation.number
            var (service, announcer) = setup.service(database)
            await service.tick(announcer, at: start.addingTimeInterval(119))
            #expect(try await setup.posts(in: ambassadors).isEmpty, "not before two minutes")
            await service.tick(announcer, at: start.addingTimeInterval(120))
            var posts = try await setup.posts(in: ambassadors)
            #expect(posts.count == 1)
            #expect(posts.last?.contains("Still waiting: #\(number)") == true && posts.last?.contains(setup.staff) == true, "\(posts)")
            await service.tick(announcer, at: start.addingTimeInterval(121))
            #expect(try await setup.posts(in: ambassadors).count == 1, "once per interval")

            // A restart: a new database connection and service, the same file.
            database = try BotDatabase.open(path: setup.path)
            (service, announcer) = setup.service(database)
            await service.tick(announcer, at: start.addingTimeInterval(600))
            posts = try await setup.posts(in: ambassadors)
            #expect(posts.count == 2, "the next re-ping came due after the restart")
            let paged = try await setup.posts(in: moderators)
            #expect(paged.count == 1 && paged.first?.contains("#\(number)") == true && paged.first?.contains("10 minutes") == true, "\(paged)")
            await service.tick(announcer, at: start.addingTimeInterval(700))
            #expect(try await setup.posts(in: moderators).count == 1, "the moderators are paged once")

            try database.changeEscalation(number, .claim, by: EscalationActor(setup.staff), at: start.addingTimeInterval(701),
                                          timers: setup.configuration.escalation.timers)
            await service.tick(announcer, at: start.addingTimeInterval(3_600))
            #expect(try await setup.posts(in: ambassadors).count == 2, "a claimed escalation is not posted again")
        }
    }
}
