import Foundation
import Logging

/// `--log-format text`: swift-log's line, `time level label: metadata [source] message`.
enum TextLogLine {
    /// The record's line, newline included; metadata sorted by key.
    static func line(time: String, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, source: String) -> String {
        let pairs = metadata.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        return "\(time) \(level) \(label):\(pairs) [\(source)] \(message)\n"
    }

    /// Local time to the second with its offset, as swift-log's stream handler writes it.
    static func timestamp() -> String {
        var now = time(nil), parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
