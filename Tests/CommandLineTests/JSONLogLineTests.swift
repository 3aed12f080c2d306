import Foundation
import Logging
import Testing
@testable import supportbot

/// `--log-format json`: each record one JSON object a line, whatever its message and metadata hold.
@Suite("JSON logs")
struct JSONLogLineTests {
    @Test func aRecordIsOneParsableLineWithItsMetadataUnderItsOwnKeys() throws {
        let date = Date(timeIntervalSince1970: 1_764_560_000.25)
        let metadata: Logger.Metadata = [
            "matrix.room_id": "!room:example.org", "bot.count": .stringConvertible(3),
            "bot.rooms": ["!a:x", "!b:x"], "bot.detail": ["reason": "quota \"exceeded\""], "message": "not the message",
        ]
        let bytes = JSONLogLine.line(date: date, level: .warning, label: "supportbot", message: "line one\nline \"two\"\t✓", metadata: metadata)
        #expect(bytes.last == UInt8(ascii: "\n") && bytes.dropLast().contains(UInt8(ascii: "\n")) == false, "one line, however many the message has")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["time"] as? String == "2025-12-01T03:33:20.250Z")
        #expect(object["level"] as? String == "warning" && object["label"] as? String == "supportbot")
        #expect(object["message"] as? String == "line one\nline \"two\"\t✓", "the record's message, never a metadata key of the same name")
        #expect(object["matrix.room_id"] as? String == "!room:example.org" && object["bot.count"] as? String == "3")
        #expect(object["bot.rooms"] as? [String] == ["!a:x", "!b:x"])
        #expect((object["bot.detail"] as? [String: String])?["reason"] == "quota \"exceeded\"")
    }
}
