import Testing
@testable import IntentEngine

@Suite("Classifier on the minimal fixture")
struct ClassifierTests {
    let classifier: IntentClassifier

    init() throws {
        classifier = IntentClassifier(catalog: try TestSupport.catalog(TestSupport.minimal))
    }

    func intent(_ message: String) -> String { classifier.classify(message).intentID }

    @Test func phrasesMatchWholeWordsOnly() {
        #expect(intent("i want to kill myself") == "crisis")
        #expect(intent("i want to skill myself up at work") == "fallback")
        #expect(intent("killing myself slowly with this job") == "crisis")
    }

    @Test func normalizationReachesTheRules() {
        #expect(intent("I CAN'T SLEEEEEP") == "sleep")
        #expect(intent("i can’t sleep") == "sleep")
        #expect(intent("i ca\u{200B}nt sleep") == "sleep")
        #expect(intent("ＩＮＳＯＭＮＩＡ again") == "sleep")
        #expect(intent("k.m.s") == "fallback")
        #expect(intent("kms") == "crisis")
    }

    @Test func negationCancelsWhatFollowsWithinItsClause() {
        #expect(intent("i am not depressed") == "fallback")
        #expect(intent("I'm not depressed, I just can't sleep") == "sleep")
        #expect(intent("not sure why but i feel depressed") == "stress")
        #expect(intent("not really all that depressed") == "stress", "four words on: beyond the window of three")
        #expect(intent("not really that depressed") == "fallback", "three words on: within the window")
    }

    @Test func negationNeverHidesCrisis() {
        #expect(intent("i dont want to be here anymore") == "crisis")
        #expect(intent("I don't want to be here anymore") == "crisis")
        #expect(intent("i do not want to kill myself but i think about it") == "crisis")
    }

    @Test func crisisOutranksEverything() {
        let result = classifier.classify("cant sleep, depressed, and i want to kill myself")
        #expect(result.intentID == "crisis")
        #expect(result.candidates.filter(\.matched).map(\.intentID) == ["crisis", "sleep", "stress"])
    }

    @Test func oneHintIsNotEnoughTwoAre() {
        let one = classifier.classify("so tired")
        #expect(one.intentID == "fallback")
        #expect(one.candidates.first?.score == 0.3)
        #expect(intent("so tired every night") == "sleep")
    }

    @Test func variantsNameTheSubCase() {
        let result = classifier.classify("i took all my pills")
        #expect(result.intentID == "crisis")
        #expect(result.best.variantID == "overdose")
        #expect(classifier.classify("i want to kill myself").best.variantID == nil)
    }

    @Test func evidenceNamesTheRuleAndTheWords() {
        let result = classifier.classify("Honestly I CAN'T sleep.")
        #expect(result.best.evidence == [Evidence(kind: .phrase, rule: "cant sleep", words: "CAN'T sleep", negated: false)])
    }

    @Test("bad input gets a defined result", arguments: [
        "", " ", "\n\n", "🙂🙂🙂", "\u{0000}\u{0007}", "مرحبا", "\u{202E}kms\u{202C}", String(repeating: "a", count: 100_000),
        String(repeating: "kill myself ", count: 10_000), "\u{FFFD}\u{FFFD}",
    ])
    func badInput(_ message: String) {
        let result = classifier.classify(message)
        #expect(!result.intentID.isEmpty)
    }

    @Test func rightToLeftOverrideDoesNotHideCrisis() {
        #expect(intent("\u{202E}kms\u{202C}") == "crisis")
    }
}
