import Foundation
import Testing

/// The `supportbot` binary, run as a moderator or a script would run it.
@Suite("supportbot command line")
struct CommandLineTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let minimal = root.appendingPathComponent("Tests/IntentEngineTests/Fixtures/minimal").path
    static let broken = root.appendingPathComponent("Tests/IntentEngineTests/Fixtures/broken").path

    struct Run {
        let status: Int32
        let output: String
        let errors: String
        var lines: [String] { output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
    }

    /// Runs the binary built beside the tests, with standard input, output and error in files.
    func supportbot(_ arguments: [String], input: Data = Data(), environment: [String: String] = [:]) throws -> Run {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("supportbot")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("supportbot-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = ["in", "out", "err"].map { folder.appendingPathComponent($0) }
        try input.write(to: files[0])
        for file in files.dropFirst() { try Data().write(to: file) }
        let process = Process()
        process.executableURL = FileManager.default.isExecutableFile(atPath: binary.path)
            ? binary : Self.root.appendingPathComponent(".build/debug/supportbot")
        process.arguments = arguments
        process.currentDirectoryURL = Self.root
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = try FileHandle(forReadingFrom: files[0])
        process.standardOutput = try FileHandle(forWritingTo: files[1])
        process.standardError = try FileHandle(forWritingTo: files[2])
        try process.run()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            output: try String(contentsOf: files[1], encoding: .utf8),
            errors: try String(contentsOf: files[2], encoding: .utf8)
        )
    }

    @Test func classifyStreamsOneResultPerInputLineWhateverTheInput() throws {
        var input = Data()
        input += Data("hello there\n".utf8)
        input += Data([0xFF, 0xFE, 0x20]) + Data("but i cant sleep\n".utf8)     // invalid UTF-8
        input += Data("\n".utf8)                                                   // empty line
        input += Data(String(repeating: "my back hurts ", count: 8_000).utf8) + Data("\n".utf8) // > 100 KB
        input += Data("bells\u{0007}\u{0000}and controls\r\n".utf8)                // control characters, CRLF
        input += Data("🙂🙂🙂\n".utf8)
        input += Data("مرحبا kms\n".utf8)                                            // right-to-left text
        input += Data("no newline at the end, kill myself".utf8)
        let run = try supportbot(["classify", "--intents", Self.minimal], input: input)
        #expect(run.status == 0)
        #expect(run.lines.map { $0.components(separatedBy: "\t")[0] } == [
            "fallback", "sleep", "fallback", "fallback", "fallback", "fallback", "crisis", "crisis",
        ])
    }

    @Test func classifyJSONHasTheFieldsScriptsNeed() throws {
        let run = try supportbot(["classify", "--json", "I took all my pills"], environment: ["SUPPORTBOT_INTENTS": Self.minimal])
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        #expect(object["intent"] as? String == "crisis")
        #expect(object["variant"] as? String == "overdose")
        #expect(object["escalate"] as? String == "urgent")
        #expect(object["score"] as? Double == 1)
        let evidence = try #require(object["evidence"] as? [[String: Any]])
        #expect(evidence.first?["rule"] as? String == "took all my pills")
    }

    @Test func explainShowsCancelledRules() throws {
        let run = try supportbot(["classify", "--explain", "--intents", Self.minimal, "I'm not depressed, I just can't sleep"])
        #expect(run.output.contains("phrase \"cant sleep\" matched \"can't sleep\""))
        #expect(run.output.contains("phrase \"depressed\" matched \"depressed\"  (cancelled by a negation before it)"))
    }

    @Test func checkNamesEveryProblemAndFails() throws {
        let run = try supportbot(["intents", "check", Self.broken])
        #expect(run.status == 1)
        #expect(run.errors.contains("\(Self.broken)/sleep.yaml:3:1: YAML syntax error:"))
        #expect(run.errors.contains("\(Self.broken)/common.yaml: cannot read: the shared settings file is missing"))
        #expect(run.errors.hasSuffix("2 problems in \(Self.broken)\n"))
        #expect(run.output.isEmpty)
    }

    @Test func checkPassesAGoodFolder() throws {
        let run = try supportbot(["intents", "check", Self.minimal])
        #expect(run.status == 0)
        #expect(run.output.hasPrefix("ok: 4 intents"))
    }

    @Test func testRunsTheExamplesAndFailsOnAWrongOne() throws {
        let good = try supportbot(["intents", "test", Self.minimal])
        #expect(good.status == 0)
        #expect(good.output.contains("sleep     2/2       1/1              ok"))

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("intents-\(UUID().uuidString)")
        try FileManager.default.copyItem(atPath: Self.minimal, toPath: folder.path)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sleep = folder.appendingPathComponent("sleep.yaml")
        let text = try String(contentsOf: sleep, encoding: .utf8)
        let newLine = text.split(separator: "\n", omittingEmptySubsequences: false).count
        try (text + "  - i have insomnia\n").write(to: sleep, atomically: true, encoding: .utf8)
        let bad = try supportbot(["intents", "test", folder.path])
        #expect(bad.status == 1)
        #expect(bad.output.contains("sleep     2/2       1/2              FAIL"))
        #expect(bad.output.contains("\(sleep.path):\(newLine):5: counterexample of sleep was read as sleep: \"i have insomnia\""))
        #expect(bad.output.hasSuffix("\n10 passed, 1 failed\n"))
    }

    @Test func replyGivesTextAndHTML() throws {
        let run = try supportbot(["reply", "--json", "--intents", Self.minimal, "i can't <sleep>"])
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        #expect(object["intent_id"] as? String == "sleep")
        #expect((object["body"] as? String)?.hasPrefix("> Difficulty sleeping") == true)
        #expect((object["formatted_body"] as? String)?.hasPrefix("<blockquote><p>Difficulty sleeping") == true)
        #expect((object["body"] as? String)?.hasSuffix("I'm a bot, not a clinician and not a crisis service.") == true)
    }

    @Test func aMissingFolderIsAClearError() throws {
        let run = try supportbot(["classify", "--intents", "/nonexistent", "hello"])
        #expect(run.status == 1)
        #expect(run.errors.contains("/nonexistent: cannot read: not a readable folder"))
    }

    @Test func unknownCommandIsAClearError() throws {
        let run = try supportbot(["clasify", "hello"])
        #expect(run.status != 0)
        #expect(run.errors.contains("Usage: supportbot"))
    }
}
