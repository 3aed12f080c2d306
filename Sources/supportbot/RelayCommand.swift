import ArgumentParser
import Foundation
import Logging
import Relay
import ServiceLifecycle
import SupportBot

struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Run the embedded Matrix-compatible relay alone, for any Matrix client or test.",
        discussion: "Registration is open to anyone who can reach it: keep it on loopback. Not a homeserver for production."
    )

    @OptionGroup var listen: ListenOption
    @Option(help: "The server part of user ids and room aliases.")
    var serverName = "localhost"
    @Option(help: ArgumentHelp("Keep accounts, rooms and history in this SQLite file across restarts (default: memory only).", valueName: "file"))
    var database: String?
    @Option(help: ArgumentHelp("The newest events each room keeps in memory (its state is always kept); with --database older ones are read from it, without it they are gone.", valueName: "events"))
    var history = RelayServer.defaultHistory
    @Option(help: ArgumentHelp("A user exempt from the rate limit of 200 sends a second, such as the bot; repeatable.", valueName: "user-id"))
    var unlimited: [String] = []
    @Option(help: "How logs are written: text, or json (one object a line, for log shippers).")
    var logFormat: LogFormat = .text

    func run() async throws {
        let logger = Logger.bootstrapped(level: .info, format: logFormat)
        guard history > 0 else { throw ValidationError("--history must be at least 1") }
        let relay = try RelayServer(serverName: serverName, database: database, history: history, unlimited: Set(unlimited))
        let address = try listen.address()
        let application = relay.application(host: address.host, port: address.port, logger: logger) { port in
            Console.write("Relay listening on http://\(address.host):\(port)/ (server name \(serverName))\n")
            if let database {
                Console.write("History in \(database); each room's newest \(history) events (--history) and its state are also kept in memory.\n")
            } else {
                Console.write("Memory only: each room keeps its newest \(history) events (--history) and its state.\n")
            }
        }
        try await ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
    }
}

/// `--listen host:port`, for the relay and the demo.
struct ListenOption: ParsableArguments {
    @Option(help: ArgumentHelp("Where to listen; port 0 picks a free one.", valueName: "host:port"))
    var listen = "127.0.0.1:8008"

    func address() throws -> ListenAddress {
        guard let address = ListenAddress(listen) else { throw ValidationError("--listen must be host:port, such as 127.0.0.1:8008") }
        return address
    }
}
