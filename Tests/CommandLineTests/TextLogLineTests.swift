import Logging
import Testing
@testable import supportbot

/// `--log-format text`: swift-log's line, its metadata sorted by key.
@Suite("Text logs")
struct TextLogLineTests {
    @Test func aRecordIsOneLineWithItsMetadataSortedBeforeItsSourceAndMessage() {
        let line = TextLogLine.line(time: "2026-12-01T16:14:15+0000", level: .notice, label: "supportbot",
                                       message: "made an identity", metadata: ["matrix.device_id": "HJUZ", "bot.count": "3"], source: "BotEncryption")
        #expect(line == "2026-12-01T16:14:15+0000 notice supportbot: bot.count=3 matrix.device_id=HJUZ [BotEncryption] made an identity\n")
    }
}
