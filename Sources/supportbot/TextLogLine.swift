import Foundation
import Logging

/// swift-log's text line on standard error (`time level label: metadata [source] message`), with
/// its metadata written out only when a record is. swift-log's own stream handler writes the
/// metadata out each time a key is set, and the bot and the relay set keys for every message
/// and request, almost all of which log nothing.
struct TextLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = event.metadata.map { metadata.merging($0) { $1 } } ?? metadata
        if let error = event.error { merged["error"] = "\(error)" }
        let line = Self.line(time: Self.timestamp(), level: event.level, label: label, message: "\(event.message)",
                             metadata: merged, source: event.source)
        // A log line that cannot be written (a full disk, a closed pipe) is lost, not a crash.
        try? FileHandle.standardError.write(contentsOf: Data(line.utf8))
    }

    /// The record's line, newline included; metadata sorted by key.
    static func line(time: String, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, source: String) -> String {
        let pairs = metadata.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        return "\(time) \(level) \(label):\(pairs) [\(source)] \(message)\n"
    }

    /// Local time to the second with its offset, as swift-log's stream handler writes it.
    private static func timestamp() -> String {
        var now = time(nil), parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
