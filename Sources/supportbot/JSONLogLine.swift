import Foundation
import Logging
import MatrixClient

/// `--log-format json`: each log record as one JSON object a line: `time` (ISO 8601, UTC,
/// milliseconds), `level`, `label`, `message`, and the record's metadata under its own keys
/// (`bot.event`, `error`, ...), as the text format shows them. The bot never puts a patient's
/// words or a token into metadata, so neither reaches a log shipper.
enum JSONLogLine {
    /// The record's line, newline included; fields in a fixed order, metadata sorted by key.
    static func line(date: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        bytes += #"{"time":"#.utf8
        bytes.appendJSONString(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        for (key, value) in [("level", level.rawValue), ("label", label), ("message", message)] {
            bytes.append(UInt8(ascii: ","))
            bytes.appendJSONString(key)
            bytes.append(UInt8(ascii: ":"))
            bytes.appendJSONString(value)
        }
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) where !["time", "level", "label", "message"].contains(key) {
            bytes.append(UInt8(ascii: ","))
            bytes.appendJSONString(key)
            bytes.append(UInt8(ascii: ":"))
            append(value, to: &bytes)
        }
        bytes += "}\n".utf8
        return bytes
    }

    private static func append(_ value: Logger.Metadata.Value, to bytes: inout [UInt8]) {
        switch value {
        case let .string(text): bytes.appendJSONString(text)
        case let .stringConvertible(convertible): bytes.appendJSONString(convertible.description)
        case let .array(values):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                append(element, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case let .dictionary(entries):
            bytes.append(UInt8(ascii: "{"))
            for (index, entry) in entries.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes.appendJSONString(entry.key)
                bytes.append(UInt8(ascii: ":"))
                append(entry.value, to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }
}
