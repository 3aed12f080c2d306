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
    /// - Parameter directory: where it runs; the repository by default.
    func supportbot(_ arguments: [String], input: Data = Data(), environment: [String: String] = [:], in directory: URL = root) throws -> Run {
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
        process.currentDirectoryURL = directory
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

    @Test func classifyShowsRiskCoOccurrenceTyposAndMemoryWithTheShippedRules() throws {
        let shipped = Self.root.appendingPathComponent("Intents").path
        let json = try supportbot(["classify", "--json", "--intents", shipped, "would a whole bottle of my gabapentin be enough to never wake up"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(object["intent"] as? String == "crisis")
        #expect(object["risk"] as? String == "definite")
        let together = try #require((object["evidence"] as? [[String: Any]])?.first { $0["kind"] as? String == "together" })
        #expect((together["terms"] as? [[String: Any]])?.count == 3)
        #expect(together["distance"] as? Int != nil)

        let typo = try supportbot(["classify", "--explain", "--intents", shipped, "feeling suicdial again"])
        #expect(typo.output.contains("(typo: \"suicdial\" read as \"suicidal\")"))

        let conversation = try supportbot(["classify", "--explain", "--conversation", "--intents", shipped],
                                          input: Data("havent slept in days, i feel like a burden\nanyway ive got everything ready\n".utf8))
        let explanations = conversation.output.components(separatedBy: "\n").filter { !$0.hasPrefix(" ") && !$0.isEmpty }
        #expect(explanations.count == 2)
        #expect(explanations.last?.hasPrefix("crisis (finality)  risk possible") == true)
        #expect(conversation.output.contains("risk level 1.00 before this message (raised: context rules count, from their own level where one is set)"))
        let alone = try supportbot(["classify", "--intents", shipped, "anyway ive got everything ready"])
        #expect(!alone.output.hasPrefix("crisis"), "alone, the same line is harmless")
    }

    @Test func evaluatePrintsTheFiguresAndFailsBelowTheSafetyBar() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("evaluation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("set.yaml")
        try """
        messages:
          - {intent: crisis, text: "i want to kill myself"}
          - {intent: crisis, tag: plan, text: "ive decided. sunday."}
          - {intent: sleep, text: "i cant sleep"}
        """.write(to: file, atomically: true, encoding: .utf8)
        let failing = try supportbot(["intents", "evaluate", "--intents", Self.minimal, file.path])
        #expect(failing.status == 1)
        #expect(failing.output.contains("crisis recall        0.50  (1/2 found: 1 definite, 0 possible)"))
        #expect(failing.output.contains("safety bar           NOT MET"))
        #expect(failing.output.contains("\(file.path):3:5 [plan] crisis read as fallback: \"ive decided. sunday.\""))
        let reported = try supportbot(["intents", "evaluate", "--report-only", "--json", "--intents", Self.minimal, file.path])
        #expect(reported.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(reported.output.utf8)) as? [String: Any])
        #expect(object["crisisRecall"] as? Double == 0.5)
        #expect(object["meetsSafetyBar"] as? Bool == false)

        try "messages:\n  - {intent: slep, text: \"hi\"}\n".write(to: file, atomically: true, encoding: .utf8)
        let bad = try supportbot(["intents", "evaluate", "--intents", Self.minimal, file.path])
        #expect(bad.status == 1)
        #expect(bad.errors.contains("\(file.path):2:14: messages[0].intent: no intent 'slep' in the rules"))
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
        #expect((object["body"] as? String)?.hasSuffix("I'm a bot, not a clinician and not a crisis service. Type !ambassador for a person.") == true)
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

    // MARK: - Away from the repository

    @Test func withNoIntentsFolderTheBuiltInRulesAnswerAndCanBeExported() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("supportbot-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let classified = try supportbot(["classify", "i cant sleep, the pain wakes me", "i want to end my life"], in: empty)
        #expect(classified.status == 0, "\(classified.errors)")
        #expect(classified.lines.map { $0.components(separatedBy: "\t")[0] } == ["sleep", "crisis"])

        let reply = try supportbot(["reply", "i want to end my life"], in: empty)
        #expect(reply.status == 0 && reply.output.contains("988"))

        let exported = try supportbot(["intents", "export", "rules"], in: empty)
        #expect(exported.status == 0, "\(exported.errors)")
        let checked = try supportbot(["intents", "check", "rules"], in: empty)
        #expect(checked.status == 0 && checked.output.hasPrefix("ok: 18 intents"), "the exported rules are the shipped ones: \(checked.output)\(checked.errors)")
        let again = try supportbot(["intents", "export", "rules"], in: empty)
        #expect(again.status == 1 && again.errors.contains("nothing was written"), "an export never overwrites: \(again.errors)")

        let named = try supportbot(["classify", "--intents", "missing", "hello"], in: empty)
        #expect(named.status == 1 && named.errors.contains("missing: cannot read"), "a folder a person names is never replaced by the built-in rules")
    }

    @Test func versionIsPrinted() throws {
        let run = try supportbot(["--version"])
        #expect(run.status == 0 && run.output.hasPrefix("supportbot "))
    }

    @Test func theShippedCrisisModelIsWhatTrainingOnTheShippedMessagesGives() throws {
        let run = try supportbot(["intents", "train", "--check"])
        #expect(run.status == 0, "retrain with `supportbot intents train` after changing labelled messages: \(run.errors)")
        #expect(run.output.hasPrefix("up to date: "))
    }
}
