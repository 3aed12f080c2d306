import Foundation
import Testing
@testable import IntentEngine
import YAMLReader

/// The learned crisis model: what it learns, its file, and how it joins the rules.
@Suite("Learned crisis model")
struct CrisisModelTests {
    /// Crisis and everyday messages in different words, so that what is learned is the difference.
    static let labelled: [(text: String, crisis: Bool)] = {
        let crisis = ["i want to end my life", "i dont want to live anymore", "i want to end it all tonight", "thinking about ending my life",
                      "nobody would miss me if i ended it", "i have a plan to end my life", "i cant live like this anymore, i want to die",
                      "i keep thinking about ending it", "ending my life feels like the only option", "i want to die, i cant go on"]
        let other = ["my back hurts today", "the physio helped a lot", "i cant sleep because of the pain", "my leg is numb again",
                     "going for a walk later", "the new mattress is great", "my doctor changed my meds", "thanks for the tips everyone",
                     "the pain is worse in the morning", "i walked to the shop today", "my sciatica flared up", "feeling a bit better this week",
                     "the end of the film was sad", "my life is busy with the kids", "i live near the clinic", "the weather makes my back ache",
                     "i cant sleep at night", "i cant walk far today", "i want to go swimming again", "i want to try yoga"]
        return crisis.map { ($0, true) } + other.map { ($0, false) }
    }()

    @Test func itReadsCrisisInWordsItWasNotShownTogether() {
        let model = CrisisModel.train(Self.labelled)
        #expect(model.score("honestly i want to end my life, i cant go on like this") > model.threshold)
        #expect(model.score("my back hurts and i cant sleep") <= model.threshold)
        let evidence = model.evidence("i want to end my life")
        #expect(!evidence.isEmpty && evidence.allSatisfy { "i want to end my life".contains($0) }, "the words that weighed most: \(evidence)")
    }

    @Test func itsFileReadsBackToTheSameModel() throws {
        let model = CrisisModel.train(Self.labelled)
        let read = try CrisisModel(parsing: model.fileText, file: "crisis-model.txt")
        #expect(read.fileText == model.fileText)
        for (text, _) in Self.labelled { #expect(read.score(text) == model.score(text), "\(text)") }
    }

    @Test func aBrokenFileIsAProblemAtItsLine() {
        // Line 6: its space is joined to a combining mark, so it is not a space of its own.
        let text = "prior -0.5\nthreshold 1.0\n0.5 end my\nnot a number here\n0.1 one two three\n0.5 \u{301}end\n"
        #expect(throws: YAMLProblems.self) { try CrisisModel(parsing: text, file: "crisis-model.txt") }
        do {
            _ = try CrisisModel(parsing: text, file: "crisis-model.txt")
            Issue.record("a broken line was accepted")
        } catch {
            #expect(error.problems.map(\.location.line) == [4, 5, 6])
        }
        for (broken, problem) in [("0.5 end my\n", "'prior' or 'threshold' line is missing"), ("prior nan\nthreshold 1\n", "'prior' or 'threshold' line is missing"),
                                  ("prior 2\nthreshold 1\n", "every message would read as a crisis")] {
            do {
                _ = try CrisisModel(parsing: broken, file: "crisis-model.txt")
                Issue.record("accepted: \(broken)")
            } catch {
                #expect(error.problems.contains { $0.description.contains(problem) }, "\(error.problems)")
            }
        }
    }

    /// The minimal rules with a learned crisis variant, and the model trained above.
    func learnedCatalog(variant: String = "  - id: learned\n    risk: possible\n    learned: true\n", model: CrisisModel? = CrisisModel.train(Self.labelled))
        throws(YAMLProblems) -> IntentCatalog {
        var files = (try? TestSupport.minimalFiles()) ?? []
        if let index = files.firstIndex(where: { $0.name == "crisis.yaml" }) {
            files[index].text = files[index].text.replacingOccurrences(of: "variants:\n", with: "variants:\n" + variant)
        }
        return try IntentCatalog.parse(files: files, crisisModel: model)
    }

    @Test func itAddsAPossibleCrisisAndNeverLowersOne() throws {
        let classifier = IntentClassifier(catalog: try learnedCatalog())
        let unforeseen = classifier.classify("honestly i want to end my life, i cant go on like this")
        #expect(unforeseen.intentID == "crisis" && unforeseen.best.variantID == "learned" && unforeseen.risk == .possible)
        #expect(unforeseen.best.evidence.first?.kind == .learned)
        #expect(classifier.classify("i want to kill myself").risk == .definite, "a rule's definite crisis stays definite")
        #expect(classifier.classify("i cant sleep").intentID == "sleep")
    }

    @Test func anExampleOnlyTheModelFindsFailsTheExamples() throws {
        var files = try TestSupport.minimalFiles()
        let index = try #require(files.firstIndex { $0.name == "crisis.yaml" })
        files[index].text = files[index].text
            .replacingOccurrences(of: "variants:\n", with: "variants:\n  - id: learned\n    risk: possible\n    learned: true\n")
            .replacingOccurrences(of: "examples:\n", with: "examples:\n  - honestly i want to end my life, i cant go on like this\n")
        let report = ExampleReport(classifier: IntentClassifier(catalog: try IntentCatalog.parse(files: files, crisisModel: CrisisModel.train(Self.labelled))))
        #expect(report.failures.filter { !$0.isCounterexample }.map(\.classifiedAs) == ["crisis by the learned model only"], "a rule must find every crisis example")
    }

    @Test func aLearnedVariantIsCheckedLikeAnyRule() {
        func problems(_ variant: String, model: CrisisModel? = CrisisModel.train(Self.labelled)) -> [String] {
            do {
                _ = try learnedCatalog(variant: variant, model: model)
                return []
            } catch {
                return error.problems.map(\.description)
            }
        }
        #expect(problems("  - id: learned\n    risk: possible\n    learned: true\n", model: nil)
            == ["crisis.yaml:17:5: variants.learned.learned: needs crisis-model.txt beside the rules: run supportbot intents train"])
        #expect(problems("  - id: learned\n    learned: true\n").first?.contains("a learned variant is a possible risk") == true)
        #expect(problems("  - id: learned\n    risk: possible\n    learned: true\n    match:\n      phrases: [end it]\n").first?
            .contains("is matched by crisis-model.txt, not by rules") == true)
    }
}
