import Foundation
import Testing
@testable import IntentEngine
import YAMLReader

/// Concepts, co-occurrence, typo tolerance, risk levels and conversation memory, on the minimal
/// fixture with a crisis file that uses each of them.
@Suite("Rule language")
struct RuleLanguageTests {
    static let crisis = """
    id: crisis
    title: Crisis
    priority: 100
    escalate: urgent
    negation: ignore
    fuzzy: [kill, myself, suicidal]
    concepts:
      medication: [oxy, gabapentin, sleeping pills, <brand>]
      brand: [percocet]
      amount: [how many, whole bottle, all of my]
      never_wake: [never wake up, not wake up]
    match:
      phrases: [kill myself, feeling suicidal, take all my <medication>]
      together:
        - all: [<amount>, <medication>, <never_wake>]
          within: 10
    variants:
      - id: possible
        risk: possible
        match:
          phrases: [whats the point]
          context: [everything ready]
          exclude: [surgery]
        response:
          lead: Are you thinking about ending your life?
      - id: finality
        risk: possible
        discounted_by_plans: true
        match:
          phrases: [wont hear from me after today]
      - id: after_crisis
        risk: possible
        context_at: 1.5
        match:
          context: [car in the garage]
      - id: answered
        answers_question: true
        match:
          phrases: ["yes", maybe, all the time, crossed my mind]
          patterns: ["^ya$"]
    warning_signs:
      phrases: [cant sleep, burden]
    harmless_plans:
      phrases: [flying out tomorrow]
    response:
      lead: "Please reach out now."
      resources:
        default: ["[findahelpline.com](https://findahelpline.com)"]
    examples: [i want to kill myself]
    counterexamples: [this pain is killing me]
    """

    /// English words a misspelling must never be read as.
    static let words = "# test words\nwill\nbill\nhill\nmyself\nkiln\nskill\n"

    let classifier: IntentClassifier

    /// The minimal fixture with this crisis file.
    static func catalog() throws -> IntentCatalog {
        var files = try TestSupport.minimalFiles().filter { $0.name != "crisis.yaml" }
        files.append(("crisis.yaml", crisis))
        return try IntentCatalog.parse(files: files, knownWords: WordList(text: Array(words.utf8)))
    }

    init() throws {
        classifier = IntentClassifier(catalog: try Self.catalog())
    }

    func crisisEvidence(_ message: String) -> [Evidence] {
        classifier.classify(message, evidence: .all).candidates.first { $0.intentID == "crisis" }?.evidence ?? []
    }

    // MARK: - Concepts

    @Test func aConceptStandsForEachOfItsWordsAndPhrases() {
        #expect(classifier.classify("i will take all my oxy").intentID == "crisis")
        #expect(classifier.classify("going to take all my sleeping pills").intentID == "crisis")
        #expect(classifier.classify("i take all my vitamins").intentID == "fallback")
    }

    @Test func aConceptCanUseAnother() {
        #expect(classifier.classify("gonna take all my percocets tonight").intentID == "crisis")
    }

    // MARK: - Together

    @Test func coOccurrenceFindsTheMeaningInAnyWordingAndOrder() throws {
        let result = classifier.classify("would a whole bottle of my gabapentin be enough to never wake up")
        #expect(result.intentID == "crisis")
        let evidence = try #require(result.best.evidence.first { $0.kind == .together })
        #expect(evidence.terms.map(\.term) == ["<amount>", "<medication>", "<never_wake>"])
        #expect(evidence.terms.map(\.words) == ["whole bottle", "gabapentin", "never wake up"])
        #expect(evidence.distance == 8)
        #expect(classifier.classify("never wake up is what i want, gabapentin, how many").intentID == "crisis", "any order")
    }

    @Test func coOccurrenceStaysInOneSentenceAndItsWindow() {
        #expect(classifier.classify("how many gabapentin do i take. i never wake up rested").intentID != "crisis", "two sentences")
        #expect(classifier.classify("how many gabapentin can i take with food and water and tea and then coffee so i never wake up").intentID != "crisis",
                "further apart than the window")
        #expect(classifier.classify("how many gabapentin can i take a day").intentID != "crisis", "one term missing")
    }

    // MARK: - Typos

    @Test func aFuzzyWordMisspelledByOneLetterStillMatches() throws {
        for message in ["i want to kil myself", "i want to kill mysefl", "feeling suicdial", "i want to klil myself", "i want to kils myself"] {
            let result = classifier.classify(message)
            #expect(result.intentID == "crisis", "\(message)")
        }
        let typo = try #require(crisisEvidence("i want to klil myself").first?.typos.first)
        #expect(typo == Evidence.Typo(written: "klil", readAs: "kill"))
    }

    @Test("a real word is never read as a fuzzy word it is one letter from", arguments: ["will", "bill", "hill", "kiln", "skill"])
    func realWordsStayThemselves(_ word: String) {
        #expect(classifier.classify("i want to \(word) myself").intentID != "crisis")
    }

    @Test func fuzzyWordsNeedTheWordList() throws {
        var files = try TestSupport.minimalFiles().filter { $0.name != "crisis.yaml" }
        files.append(("crisis.yaml", Self.crisis))
        let error = try #require(throws: YAMLProblems.self) { try IntentCatalog.parse(files: files, folder: "Intents") }
        #expect(error.problems.map(\.description) == [
            "crisis.yaml:6:9: fuzzy: typo tolerance needs the English word list words.txt in Intents, so that real words are never read as misspellings",
        ])
    }

    // MARK: - Risk levels and memory

    @Test func riskLevels() {
        #expect(classifier.classify("i want to kill myself").risk == .definite)
        let possible = classifier.classify("whats the point")
        #expect(possible.intentID == "crisis")
        #expect(possible.risk == .possible)
        #expect(possible.best.variantID == "possible")
        #expect(classifier.classify("whats the point, i want to kill myself").risk == .definite, "the surest risk wins")
        #expect(classifier.classify("whats the point of surgery").intentID != "crisis", "a possible risk's own harmless words undo it")
        #expect(classifier.classify("i cant sleep").risk == nil)
    }

    @Test func warningSignsRaiseTheLevelButAreNeverACrisisAlone() {
        let signs = classifier.classify("i cant sleep and im a burden")
        #expect(signs.intentID == "sleep")
        #expect(signs.warningSigns.map(\.rule) == ["cant sleep", "burden"])
        #expect(signs.riskRaise == RiskMemory.Raise.warningSign)
    }

    @Test func contextLinesCountOnlyFromAPatientWhoseRiskIsRaised() {
        let start = Date(timeIntervalSinceReferenceDate: 0)
        let alone = classifier.classify("everything ready", remembering: .calm, at: start, evidence: .all).0
        #expect(alone.intentID == "fallback")
        #expect(alone.candidates.first?.evidence.first?.outOfContext == true)

        let (_, raised) = classifier.classify("i cant sleep", remembering: .calm, at: start)
        #expect(raised.level == RiskMemory.Raise.warningSign)
        let (after, memory) = classifier.classify("everything ready", remembering: raised, at: start + 300)
        #expect(after.intentID == "crisis")
        #expect(after.risk == .possible)
        #expect(memory.level > raised.level, "a possible crisis raises it further")

        let nextDay = classifier.classify("everything ready", remembering: raised, at: start + 25 * 3600).0
        #expect(nextDay.intentID == "fallback", "the level fades within a day")
    }

    @Test func aVariantsContextLinesCanNeedMoreThanOneWarningSign() {
        let start = Date(timeIntervalSinceReferenceDate: 0)
        let (_, badNight) = classifier.classify("i cant sleep", remembering: .calm, at: start)
        let afterBadNight = classifier.classify("car in the garage", remembering: badNight, at: start + 60, evidence: .all).0
        #expect(afterBadNight.intentID == "fallback", "one warning sign is below the variant's context_at")
        #expect(afterBadNight.candidates.first { $0.intentID == "crisis" }?.evidence.first?.outOfContext == true)

        let (_, askedAbout) = classifier.classify("whats the point", remembering: .calm, at: start)
        let afterPossibleCrisis = classifier.classify("car in the garage", remembering: askedAbout, at: start + 60).0
        #expect(afterPossibleCrisis.intentID == "crisis")
        #expect(afterPossibleCrisis.best.variantID == "after_crisis")
    }

    @Test func aHarmlessPlanExplainsAFinalityLineForSomeHoursUnlessTheRiskIsRaised() {
        let start = Date(timeIntervalSinceReferenceDate: 0)
        let farewell = "you wont hear from me after today"
        #expect(classifier.classify(farewell).risk == .possible, "alone, a finality line is asked about")

        let (told, afterPlan) = classifier.classify("flying out tomorrow, first trip in years", remembering: .calm, at: start, evidence: .all)
        #expect(told.plan.told && told.plan.evidence.map(\.rule) == ["flying out tomorrow"])
        #expect(afterPlan.planToldAt == start && afterPlan.level == 0, "a plan is a time, not a risk")
        let explained = classifier.classify(farewell, remembering: afterPlan, at: start + 600).0
        #expect(explained.risk == nil && explained.plan.discounted == ["finality"])
        #expect(classifier.classify("i want to kill myself", remembering: afterPlan, at: start + 600).0.risk == .definite, "never a definite crisis")
        #expect(classifier.classify("whats the point", remembering: afterPlan, at: start + 600).0.risk == .possible, "only variants marked discounted_by_plans")
        #expect(classifier.classify(farewell, remembering: afterPlan, at: start + 13 * 3600).0.risk == .possible, "the plan is remembered for plan_hours (12)")

        let (_, worried) = classifier.classify("i cant sleep", remembering: afterPlan, at: start + 300)
        #expect(worried.planToldAt == start)
        #expect(classifier.classify(farewell, remembering: worried, at: start + 600).0.risk == .possible,
                "after a warning sign the plan may be the cover: the farewell is asked about")
    }

    @Test func aYesAnswersTheDirectQuestionOnlyFromAPatientJustAskedAndOnlyOnce() {
        let start = Date(timeIntervalSinceReferenceDate: 0)
        #expect(classifier.classify("yes").intentID == "fallback", "alone, a yes answers nothing")
        #expect(classifier.classify("ya").intentID == "fallback", "nor does an answer's pattern")
        let (_, warned) = classifier.classify("i cant sleep", remembering: .calm, at: start)
        #expect(classifier.classify("yes", remembering: warned, at: start + 60).0.intentID == "fallback",
                "a raised risk is not a question asked")

        let (question, asked) = classifier.classify("whats the point", remembering: .calm, at: start)
        #expect(question.asksDirectly && asked.askedAt == start)
        let (answer, answered) = classifier.classify("maybe, some days", remembering: asked, at: start + 120)
        #expect(answer.intentID == "crisis" && answer.risk == .definite && answer.best.variantID == "answered" && answer.questionWasOpen)
        #expect(!answer.asksDirectly && answered.askedAt == nil, "the answer closes the question")
        #expect(classifier.classify("yes ok", remembering: answered, at: start + 180).0.intentID != "crisis",
                "a yes to the resources is not a second answer")

        #expect(classifier.classify("yes", remembering: asked, at: start + 61 * 60).0.intentID == "fallback", "the question is open for answer_minutes (60)")
        #expect(classifier.classify("the pain in my leg has been there all the time", remembering: asked, at: start + 60).0.intentID != "crisis",
                "an answer comes in a message's first words")
        #expect(classifier.classify("honestly? yes", remembering: asked, at: start + 60).0.risk == .definite)
        #expect(classifier.classify("Ya.", remembering: asked, at: start + 60).0.risk == .definite, "an answer's pattern counts while it is open")
        let (no, closedByNo) = classifier.classify("it never crossed my mind", remembering: asked, at: start + 60)
        #expect(no.intentID != "crisis" && no.answeredNo, "a negated answer is a no, even in crisis")
        #expect(closedByNo.askedAt == nil && classifier.classify("yes", remembering: closedByNo, at: start + 120).0.intentID != "crisis",
                "a no closes the question too")
        let (plainNo, closedByPlainNo) = classifier.classify("no i am ok", remembering: asked, at: start + 60)
        #expect(plainNo.answeredNo && closedByPlainNo.askedAt == nil, "so does a negation among its first words")

        let (overdose, closed) = classifier.classify("yes i want to kill myself", remembering: asked, at: start + 60)
        #expect(overdose.risk == .definite && closed.askedAt == nil, "a definite crisis while the question is open answers it, whichever rule read it")
    }
}

@Suite("Risk memory")
struct RiskMemoryTests {
    let start = Date(timeIntervalSinceReferenceDate: 1_000_000)
    let day = Duration.seconds(24 * 3600)

    @Test func fadesInAStraightLineOverTheFadeTime() {
        let memory = RiskMemory(level: 2, updatedAt: start)
        #expect(memory.level(at: start, fadingOver: day) == 2)
        #expect(memory.level(at: start + 6 * 3600, fadingOver: day) == 1.5)
        #expect(memory.level(at: start + 24 * 3600, fadingOver: day) == 0)
        #expect(memory.level(at: start - 60, fadingOver: day) == 2, "an earlier message (a retried batch) fades nothing")
    }

    @Test func raisesFromWhatIsLeftAndNeverPastTheTop() {
        let memory = RiskMemory(level: 2, updatedAt: start).after(raising: 1, at: start + 12 * 3600, fadingOver: day)
        #expect(memory == RiskMemory(level: 2, updatedAt: start + 12 * 3600))
        #expect(memory.after(raising: 0, at: start + 13 * 3600, fadingOver: day) == memory, "nothing raised, nothing changes")
        var high = RiskMemory.calm
        for _ in 0..<5 { high = high.after(raising: RiskMemory.Raise.definite, at: start, fadingOver: day) }
        #expect(high.level == RiskMemory.maximumLevel)
    }

    @Test func aPlanIsATimeKeptApartFromTheLevel() {
        let memory = RiskMemory(level: 2, updatedAt: start).after(raising: 0, toldPlan: true, at: start + 3600, fadingOver: day)
        #expect(memory == RiskMemory(level: 2, updatedAt: start, planToldAt: start + 3600), "the level goes on fading from when it was raised")
        #expect(memory.planIsRecent(at: start + 2 * 3600, within: .seconds(3600 * 12)))
        #expect(!memory.planIsRecent(at: start + 14 * 3600, within: .seconds(3600 * 12)))
        #expect(!memory.planIsRecent(at: start, within: .seconds(3600 * 12)), "a message from before the plan (a retried batch) is not explained by it")
        #expect(memory.after(raising: 0, toldPlan: true, at: start, fadingOver: day).planToldAt == start + 3600, "an older message never moves it back")
    }

    @Test func aQuestionIsOpenFromWhenItWasAskedUntilAnswered() {
        let asked = RiskMemory.calm.after(raising: RiskMemory.Raise.possible, asked: true, at: start, fadingOver: day)
        #expect(asked.askedAt == start && asked.questionIsRecent(at: start + 60, within: .seconds(3600)))
        #expect(!asked.questionIsRecent(at: start + 3600, within: .seconds(3600)))
        #expect(!asked.questionIsRecent(at: start - 60, within: .seconds(3600)), "a message from before the question does not answer it")
        #expect(asked.after(raising: 0, at: start + 60, fadingOver: day).askedAt == start, "another message leaves it open")
        #expect(asked.after(raising: RiskMemory.Raise.definite, answered: true, at: start + 60, fadingOver: day).askedAt == nil)
    }
}
