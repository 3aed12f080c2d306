import ArgumentParser
import Logging

/// How the long-running commands write their logs to standard error, where systemd and
/// container runtimes collect them.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    /// swift-log's line: time, level, label, metadata, message (`TextLogLine`).
    case text
    /// One JSON object a line (`JSONLogLine`), for log shippers.
    case json
}

extension Logger {
    /// Logs to standard error in `format`, at `level` and above.
    static func bootstrapped(level: Logger.Level, format: LogFormat = .text) -> Logger {
        LoggingSystem.bootstrap { label in StandardErrorLogHandler(label: label, format: format) }
        var logger = Logger(label: "supportbot")
        logger.logLevel = level
        return logger
    }
}
