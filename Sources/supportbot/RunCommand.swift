import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import SupportBot
import YAMLReader

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the bot on a Matrix homeserver until SIGTERM or SIGINT (Ctrl-C).",
        discussion: "The access token comes from $SUPPORTBOT_ACCESS_TOKEN or the file named by access_token_file."
    )

    @Option(help: ArgumentHelp("The configuration file.", valueName: "file"))
    var config = "supportbot.yaml"
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info
    @Option(help: "How logs are written: text, or json (one object a line, for log shippers).")
    var logFormat: LogFormat = .text

    func run() async throws {
        let logger = Logger.bootstrapped(level: logLevel, format: logFormat)
        let metrics = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory.supportBot(registry: metrics))
        do {
            let configuration = try BotConfiguration.load(path: config)
            try await SupportBotApp.build(configuration: configuration, logger: logger, metrics: metrics).run()
        } catch let error as YAMLProblems {
            for problem in error.problems { Console.write("\(problem)\n", to: .standardError) }
            throw ExitCode.failure
        } catch {
            Console.write("supportbot: \(error)\n", to: .standardError)
            throw ExitCode.failure
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
