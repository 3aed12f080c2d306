import ArgumentParser
import Logging

/// How the long-running commands write their logs to standard error, where systemd and
/// container runtimes collect them.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    /// swift-log's line: time, level, label, metadata, message (`TextLogHandler`).
    case text
    /// One JSON object a line (`JSONLogHandler`), for log shippers.
    case json
}

extension Logger {
    /// Logs to standard error in `format`, at `level` and above.
    static func bootstrapped(level: Logger.Level, format: LogFormat = .text) -> Logger {
        switch format {
        case .text: LoggingSystem.bootstrap { label in TextLogHandler(label: label) }
        case .json: LoggingSystem.bootstrap { label in JSONLogHandler(label: label) }
        }
        var logger = Logger(label: "supportbot")
        logger.logLevel = level
        return logger
    }
}
