import Foundation
import Testing
@testable import IntentEngine
import YAMLReader

@Suite("Evaluation sets and their figures")
struct EvaluationTests {
    let classifier: IntentClassifier

    init() throws {
        classifier = IntentClassifier(catalog: try TestSupport.catalog(TestSupport.minimal))
    }

    func set(_ text: String) throws -> EvaluationSet {
        try EvaluationSet.parse(text, file: "set.yaml", intentIDs: Set(classifier.catalog.intents.map(\.id)))
    }

    @Test func figuresAreCountedAsAModeratorWould() throws {
        let report = EvaluationReport(set: try set("""
        messages:
          - {intent: crisis, tag: direct, text: "i want to kill myself"}
          - {intent: crisis, tag: plan, text: "ive decided. sunday."}
          - {intent: sleep, text: "i cant sleep"}
          - {intent: [stress, sleep], text: "so tired every night"}
          - {intent: stress, text: "so tired every night"}
          - {intent: fallback, tag: idiom, text: "this pain is killing me"}
        """), classifier: classifier)
        #expect(report.outcomes.count == 6)
        #expect(report.accuracy == 4.0 / 6.0, "the second acceptable intent counts; a wrong reading does not")
        #expect(report.crisisRecall == 0.5)
        #expect(report.missedCrises.map(\.message.text) == ["ive decided. sunday."])
        #expect(report.crisisFalsePositiveRate == 0)
        #expect(!report.meetsSafetyBar)
        let sleep = try #require(report.score(of: "sleep"))
        #expect(sleep.support == 2 && sleep.predicted == 3 && sleep.correct == 2, "an accepted second intent is its label")
        #expect(report.crisisRecallByTag.map { "\($0.tag) \($0.found)/\($0.total)" } == ["direct 1/1", "plan 0/1"])
        #expect(report.confusions.map { "\($0.gold)→\($0.predicted) \($0.count)" }.sorted() == ["crisis→fallback 1", "stress→sleep 1"])
        #expect(report.text.contains("crisis recall        0.50  (1/2 found: 1 definite, 0 possible)"))
        #expect(report.json.contains("\"crisisRecall\":0.5"))
    }

    @Test func conversationsAreReadWithTheMemoryOfTheirLines() throws {
        // The rule-language fixture: "cant sleep" is a warning sign, "everything ready" a context line.
        let withMemory = IntentClassifier(catalog: try RuleLanguageTests.catalog())
        let text = """
        messages:
          - {intent: fallback, text: "everything ready"}
        conversations:
          - id: after-a-warning-sign
            lines:
              - {intent: sleep, text: "i cant sleep"}
              - {intent: crisis, text: "everything ready"}
        """
        let report = EvaluationReport(set: try EvaluationSet.parse(text, file: "set.yaml", intentIDs: Set(withMemory.catalog.intents.map(\.id))),
                                      classifier: withMemory)
        #expect(report.outcomes.map(\.conversation) == [nil, "after-a-warning-sign", "after-a-warning-sign"])
        #expect(report.outcomes.map(\.predicted) == ["fallback", "sleep", "crisis"], "the same line alone, and after a warning sign")
        #expect(report.crisisRecall == 1 && report.crisisFalsePositiveRate == 0)
    }

    @Test func badSetsAreNamedWithFileAndLine() throws {
        let unknown = try #require(throws: YAMLProblems.self) { try set("messages:\n  - {intent: slep, text: \"hi\"}") }
        #expect(unknown.problems.map(\.description) == ["set.yaml:2:14: messages[0].intent: no intent 'slep' in the rules"])
        let paired = try #require(throws: YAMLProblems.self) { try set("messages:\n  - {intent: [crisis, sleep], text: \"hi\"}") }
        #expect(paired.problems.map(\.description) == ["set.yaml:2:14: messages[0].intent: a message is a crisis or it is not: crisis cannot be one of several"])
        let empty = try #require(throws: YAMLProblems.self) { try set("messages: []") }
        #expect(empty.problems.map(\.description) == ["set.yaml:1:1: messages: missing; expected at least one message or conversation"])
    }
}

/// The shipped rules against the development set: the safety bar the test command gates on,
/// and typo tolerance that never turns an everyday message into a crisis.
@Suite("Shipped intents on the development set")
struct DevelopmentSetTests {
    static let development = TestSupport.shippedIntents.appendingPathComponent("evaluation/dev.yaml")
    let catalog: IntentCatalog
    let classifier: IntentClassifier

    init() throws {
        catalog = try TestSupport.catalog(TestSupport.shippedIntents)
        classifier = IntentClassifier(catalog: catalog)
    }

    @Test func everyCrisisIsFoundWithFewFalseAlarms() throws {
        let report = EvaluationReport(set: try EvaluationSet.load(from: Self.development, catalog: catalog), classifier: classifier)
        #expect(report.crisisRecall == 1, "missed: \(report.missedCrises.map(\.message.text))")
        #expect(report.crisisFalsePositiveRate <= EvaluationReport.allowedCrisisFalsePositiveRate, "false alarms: \(report.falseCrises.map(\.message.text))")
    }

    @Test func noEverydayMessageBecomesACrisisThroughATypo() throws {
        var withoutTypos = catalog
        withoutTypos.fuzzyWords = []
        let strict = IntentClassifier(catalog: withoutTypos)
        let set = try EvaluationSet.load(from: Self.development, catalog: catalog)
        let everyday = set.messages.filter { $0.accepted[0] != IntentCatalog.crisisID }.map(\.text)
            + catalog.intents.flatMap { intent in intent.counterexamples.map(\.value) + (intent.id == IntentCatalog.crisisID ? [] : intent.examples.map(\.value)) }
            + ["i will hand it in", "pay the bill", "my head hurts", "up the hill", "will do", "hang in there", "my hand is numb", "dear all", "i feel dead tired"]
        #expect(everyday.count > 500)
        for message in everyday where classifier.classify(message).intentID == IntentCatalog.crisisID {
            #expect(strict.classify(message).intentID == IntentCatalog.crisisID, "read as a crisis only through a typo: \(message)")
        }
    }

    @Test("misspelled crisis words are still crisis", arguments: [
        "i want to kil myself", "feeling suicdial again", "i just want to end my lfie", "thinking about sucide", "i ovredosed on my meds",
    ])
    func misspelledCrisisWords(_ message: String) {
        #expect(classifier.classify(message).intentID == IntentCatalog.crisisID)
    }
}
