import Foundation
import IntentEngine
import Logging
@testable import SupportBot
import Testing

/// Moderators' edits to `Intents/` go live without a restart; broken edits never do.
@Suite("Intent rules reload")
struct IntentRulesServiceTests {
    static let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Intents")

    /// A copy of the shipped rules that a test may edit.
    func withRulesCopy(_ body: (URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("supportbot-rules-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.shipped, to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder)
    }

    /// Rewrites a file with a modification time the next look cannot miss.
    func edit(_ file: URL, _ change: (String) -> String) throws {
        try change(try String(contentsOf: file, encoding: .utf8)).write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: file.path)
    }

    @Test func anEditIsLiveAtTheNextLookAndABrokenOneIsRefused() throws {
        try withRulesCopy { folder in
            let rules = IntentRules(catalog: try IntentCatalog.load(from: folder), locale: "en-US", files: IntentRulesService.contentHashes(folder))
            let service = IntentRulesService(folder: folder, rules: rules, logger: Logger(label: "test"))
            let message = "my tens unit is my best friend"
            #expect(rules.current.classifier.classify(message).intentID != "celebrate")
            var seen = IntentRulesService.fingerprint(folder)
            #expect(service.reloadIfChanged(since: seen) == seen, "nothing changed: nothing reloaded")

            let celebrate = folder.appendingPathComponent("celebrate.yaml")
            try edit(celebrate) { $0.replacingOccurrences(of: "  phrases:\n", with: "  phrases:\n    - my tens unit is my best friend\n") }
            let hashes = rules.status.files
            seen = service.reloadIfChanged(since: seen)
            #expect(rules.current.classifier.classify(message).intentID == "celebrate", "the new phrase is live")
            // What !rules tells moderators: the file's new hash, and no refusal.
            let changed = rules.status.files.filter { !hashes.map(\.hash).contains($0.hash) }.map(\.name)
            #expect(changed == ["celebrate.yaml"] && rules.status.refused == nil, "\(changed)")

            // Broken, and without the phrase: had it loaded, the message would read differently.
            try edit(celebrate) {
                $0.replacingOccurrences(of: "    - my tens unit is my best friend\n", with: "").replacingOccurrences(of: "priority:", with: "not_a_key: 1\npriority:")
            }
            #expect(service.reloadIfChanged(since: seen) != seen, "the broken edit was seen and tried")
            #expect(rules.current.classifier.classify(message).intentID == "celebrate", "a broken file leaves the running rules in place")
            let refused = try #require(rules.status.refused?.problems)
            #expect(refused.contains { $0.contains("celebrate.yaml:") && $0.contains("not_a_key") }, "file:line for !rules: \(refused)")
            #expect(rules.current.classifier.classify("i want to end my life").intentID == IntentCatalog.crisisID)
        }
    }

    @Test func anEditToTheEnglishWordListIsLiveToo() throws {
        try withRulesCopy { folder in
            let rules = IntentRules(catalog: try IntentCatalog.load(from: folder), locale: "en-US")
            let service = IntentRulesService(folder: folder, rules: rules, logger: Logger(label: "test"))
            // "klil" is no English word, so it reads as the fuzzy "kill"; once listed as one, it must not.
            #expect(rules.current.classifier.classify("i want to klil myself").intentID == IntentCatalog.crisisID)
            let seen = IntentRulesService.fingerprint(folder)
            try edit(folder.appendingPathComponent(IntentCatalog.wordListFileName)) { $0 + "klil\n" }
            #expect(service.reloadIfChanged(since: seen) != seen)
            #expect(rules.current.classifier.classify("i want to klil myself").intentID != IntentCatalog.crisisID)
        }
    }
}
