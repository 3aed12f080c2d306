import Foundation
import Testing

/// `supportbot queue` on a database with nothing in it, and with bad input.
@Suite("supportbot queue")
struct QueueCommandTests {
    let cli = CommandLineTests()

    /// A configuration in a temporary folder; its database is created on first use.
    func withConfiguration(_ body: (String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("supportbot-queue-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("supportbot.yaml").path
        try """
        homeserver: http://127.0.0.1:1
        user_id: "@supportbot:localhost"
        access_token_file: no-token-needed
        rooms: {community: ["#community:localhost"], ambassadors: "#ambassadors:localhost"}
        database: bot.sqlite
        """.write(toFile: path, atomically: true, encoding: .utf8)
        try body(path)
    }

    @Test func anEmptyQueueSaysSoWithoutAnAccessToken() throws {
        try withConfiguration { config in
            let run = try cli.supportbot(["queue", "list", "--config", config])
            #expect(run.status == 0 && run.output == "No escalations.\n", "\(run.errors)")
        }
    }

    @Test func unknownNumbersAndBadArgumentsAreClearErrors() throws {
        try withConfiguration { config in
            let show = try cli.supportbot(["queue", "show", "9999", "--config", config])
            #expect(show.status == 1 && show.errors == "There is no escalation #9999.\n")
            let resolve = try cli.supportbot(["queue", "resolve", "9999", "--config", config])
            #expect(resolve.status == 1 && resolve.errors.contains("no escalation #9999"))
            let notANumber = try cli.supportbot(["queue", "claim", "abc", "--as", "@alex:localhost", "--config", config])
            #expect(notANumber.status != 0 && notANumber.errors.contains("abc"))
            let notAUser = try cli.supportbot(["queue", "claim", "1", "--as", "alex", "--config", config])
            #expect(notAUser.status != 0 && notAUser.errors.contains("Matrix user id"))
        }
    }

    @Test func aMissingConfigurationIsNamed() throws {
        let run = try cli.supportbot(["queue", "list", "--config", "/nonexistent/supportbot.yaml"])
        #expect(run.status == 1 && run.errors.contains("/nonexistent/supportbot.yaml"))
    }
}
