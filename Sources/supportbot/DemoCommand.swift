import ArgumentParser
import BuiltInIntents
import Foundation
import Logging
import Metrics
import Prometheus
import Relay
import ServiceLifecycle
import Storage
import SupportBot

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Try SupportBot with nothing else installed: the relay, the bot and a chat page in one process.",
        discussion: "Everything lives in memory and is gone when it stops (Ctrl-C)."
    )

    @OptionGroup var listen: ListenOption
    @OptionGroup var intents: IntentsFolderOption

    func run() async throws {
        let logger = Logger.bootstrapped(level: .notice)
        let metrics = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory.supportBot(registry: metrics))
        let address = try listen.address()
        let (host, actualPort) = (address.host, address.port)
        // The bot connects to the relay's address, so it must be known before both start.
        guard actualPort > 0 else { throw ValidationError("demo needs a fixed port, such as --listen 127.0.0.1:8008") }
        // The bot answers everyone: like a bot on Synapse with a rate-limit override.
        let relay = try RelayServer(serverName: "localhost", database: nil, unlimited: ["@supportbot:localhost"])
        let bot = try await relay.provisionUser("supportbot", password: UUID().uuidString)
        let community = try await relay.provisionRoom(alias: "community", title: "Community", creator: bot.userID)
        let ambassadors = try await relay.provisionRoom(alias: "ambassadors", title: "Patient Ambassadors", creator: bot.userID)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("supportbot-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try intents.loadCatalog()
        let rules: URL
        switch intents.source() {
        case let .folder(url):
            rules = url
        case .builtIn:
            // The bot reads (and watches) a folder: the built-in rules are written to one.
            rules = folder.appendingPathComponent("Intents")
            _ = try BuiltInIntents.export(to: rules)
            Console.write("No Intents folder here: using the rules built into supportbot (`supportbot intents export DIR` writes them out to edit).\n")
        }
        var configuration = BotConfiguration(
            homeserver: URL(string: "http://\(host):\(actualPort)")!, userID: bot.userID, accessToken: bot.accessToken,
            rooms: .init(community: [community], ambassadors: ambassadors), intents: rules,
            database: BotDatabase.inMemoryPath
        )
        configuration.cooldown = .seconds(60)
        // Whoever joins the demo's ambassadors room as an ambassador may claim: there is no
        // one to grant power levels here.
        configuration.escalation.claimPowerLevel = 0
        // The chat page reads plaintext only: the rooms the bot opens stay unencrypted here.
        configuration.escalation.encryptPrivateRooms = false

        let application = relay.application(host: host, port: actualPort, logger: logger, onServerRunning: { port in
            Console.write("""
            SupportBot demo is running.

              Open http://\(host):\(port)/ in a browser, pick a name, and choose:
                patient     to talk in #community:localhost or privately with @supportbot:localhost
                ambassador  to see escalations in #ambassadors:localhost and claim them
                            (!claim N, or 👍 on the post); the bot then opens a private room

              Any Matrix client works too: homeserver http://\(host):\(port), register any user name.
              Ctrl-C stops it; nothing is kept. Each room holds its newest \(RelayServer.defaultHistory) events.

            """)
        }, onShutdown: { Console.write("Stopping SupportBot demo…\n") })
        // The bot talks to the relay beside it without a socket; patients' clients use HTTP.
        let services = try SupportBotApp.services(configuration: configuration, logger: logger, metrics: metrics,
                                                  transport: relay.inProcessTransport(logger: logger))
        try await ServiceGroup(configuration: SupportBotApp.groupConfiguration(services: [.init(service: application)] + services, logger: logger)).run()
        Console.write("SupportBot demo stopped.\n")
    }
}
