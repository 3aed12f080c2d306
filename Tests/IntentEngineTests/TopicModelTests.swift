import Foundation
import Testing
@testable import IntentEngine
import YAMLReader

/// The learned topic model: what it learns, its file, and how it joins the rules.
@Suite("Learned topic model")
struct TopicModelTests {
    /// Topics told in words the minimal rules do not list (they know "cant sleep", "insomnia",
    /// "depressed", "stressed out"), crisis in words of its own, and messages that are none of these.
    static let labelled: [TopicModel.Labelled] = {
        let sleep = ["awake till 4am again", "staring at the ceiling all night", "another night awake till dawn", "woke at 3am and never dropped off again",
                     "up all night with my back", "awake half the night again", "never drop off before 3am", "lying awake for hours at night",
                     "barely two hours of shuteye", "night after night awake"]
        let stress = ["so low and anxious lately", "my nerves are shot", "feeling low and on edge all week", "anxious about everything lately",
                      "my mood is so low", "on edge and anxious", "low mood all week", "so anxious i feel sick", "nerves shot and mood low",
                      "anxious and low again today"]
        let crisis = ["i want to end my life", "i dont want to live anymore", "nobody would miss me if i ended it", "i have a plan to end my life",
                      "thinking about ending my life", "i want to die tonight"]
        let other = ["the weather is nice", "my cat knocked over a plant", "what time is the meeting", "bought new shoes",
                     "the football was on", "my car needs a service"]
        return sleep.map { ($0, ["sleep"], true) } + stress.map { ($0, ["stress"], true) } + crisis.map { ($0, ["crisis"], true) }
            + other.map { ($0, ["fallback"], true) }
    }()

    static func trained() -> TopicModel {
        TopicModel.train(labelled, answering: ["sleep", "stress"])
    }

    @Test func itReadsTopicsInWordsItWasNotShownTogether() {
        let model = Self.trained()
        #expect(model.threshold < 1, "cross-validation found a threshold at which it answers")
        let sleep = model.read("awake all night, staring at the ceiling till 4am")
        #expect(sleep.intent == "sleep" && sleep.probability >= model.threshold)
        #expect(model.read("anxious and on edge, my mood is low").intent == "stress")
        #expect(model.evidence("awake all night, staring at the ceiling till 4am", for: "sleep").contains("awake"))
    }

    @Test func itsThresholdKeepsItsAnswersRightInCrossValidation() {
        // Half the topic messages carry no word of their own topic: cross-validation finds it
        // cannot answer them reliably, and the model answers nothing.
        let noise = (0..<20).map { index in ("word\(index % 5) other\(index % 3)", [index % 2 == 0 ? "sleep" : "stress"], true) }
        let model = TopicModel.train(noise, answering: ["sleep", "stress"])
        #expect(model.threshold == TopicModel.neverAnswers)
    }

    @Test func itsFileReadsBackToTheSameModel() throws {
        let model = Self.trained()
        let read = try TopicModel(parsing: model.fileText, file: "topic-model.txt")
        #expect(read.fileText == model.fileText)
        for (text, _, _) in Self.labelled { #expect(read.read(text) == model.read(text), "\(text)") }
    }

    @Test func aBrokenFileIsAProblemAtItsLine() {
        func problems(_ text: String) -> [String] {
            do {
                _ = try TopicModel(parsing: text, file: "topic-model.txt")
                return []
            } catch {
                return error.problems.map(\.description)
            }
        }
        let header = "intents sleep stress\nmessages 3 4\nthreshold 0.8\n"
        #expect(problems(header + "1 0 awake\n0 2 low mood\n").isEmpty)
        #expect(problems(header + "1 0 awake\n1 x night\n1 0 one two three\n0 1\n").map { $0.prefix(19) }
            == ["topic-model.txt:5:1", "topic-model.txt:6:1", "topic-model.txt:7:1"])
        #expect(problems("1 0 awake\n").first?.contains("expected the 'intents' line") == true)
        #expect(problems("intents sleep stress\nmessages 3\nthreshold 0.8\n").first?.contains("expected 'messages' and 2 counts") == true)
        #expect(problems("intents sleep stress\nmessages 3 4\n").first?.contains("'threshold' line is missing") == true)
        #expect(problems("intents sleep\nmessages 3\nthreshold 0.8\n").first?.contains("expected the 'intents' line (two or more intents)") == true)
    }

    @Test func itAnswersOnlyWhatTheRulesLeaveToFallbackAndNeverACrisis() throws {
        let catalog = try IntentCatalog.parse(files: TestSupport.minimalFiles(), topicModel: Self.trained())
        let classifier = IntentClassifier(catalog: catalog)
        let unforeseen = classifier.classify("awake all night, staring at the ceiling till 4am")
        #expect(unforeseen.intentID == "sleep" && unforeseen.best.evidence.first?.kind == .learned)
        #expect(unforeseen.best.evidence.first?.rule.hasPrefix("topic-model.txt: sleep") == true)
        #expect(classifier.classify("i feel so depressed").best.evidence.allSatisfy { $0.kind != .learned }, "what the rules read stays theirs")
        let crisisWords = classifier.classify("i dont want to live anymore, nobody would miss me")
        #expect(crisisWords.intentID != "sleep" && crisisWords.intentID != "stress", "crisis's words are never taken for a topic")
        #expect(classifier.classify("the weather is nice and my car needs a service").intentID == "fallback")
    }

    @Test func anExampleOnlyTheModelReadsFailsTheExamples() throws {
        var files = try TestSupport.minimalFiles()
        let index = try #require(files.firstIndex { $0.name == "sleep.yaml" })
        files[index].text = files[index].text.replacingOccurrences(of: "examples:\n", with: "examples:\n  - awake all night, staring at the ceiling till 4am\n")
        let report = ExampleReport(classifier: IntentClassifier(catalog: try IntentCatalog.parse(files: files, topicModel: Self.trained())))
        #expect(report.failures.filter { !$0.isCounterexample }.map(\.classifiedAs) == ["sleep by the learned model only"], "a rule must read every example")
    }
}
