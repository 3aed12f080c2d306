import Foundation
import Logging

/// Writes each record as one line on standard error, in the chosen `LogFormat`. The metadata is
/// written out only for a record logged: swift-log's own stream handler writes it out each time
/// a key is set, and the bot and the relay set keys for every message and request, almost all
/// of which log nothing.
struct StandardErrorLogHandler: LogHandler {
    let label: String
    let format: LogFormat
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = event.metadata.map { metadata.merging($0) { $1 } } ?? metadata
        if let error = event.error { merged["error"] = "\(error)" }
        let message = "\(event.message)"
        let line = switch format {
        case .text: Array(TextLogLine.line(time: TextLogLine.timestamp(), level: event.level, label: label, message: message,
                                           metadata: merged, source: event.source).utf8)
        case .json: JSONLogLine.line(date: Date(), level: event.level, label: label, message: message, metadata: merged)
        }
        // A log line that cannot be written (a full disk, a closed pipe) is lost, not a crash.
        try? FileHandle.standardError.write(contentsOf: Data(line))
    }
}
