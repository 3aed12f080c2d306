import Foundation
import Testing
@testable import IntentEngine
import YAMLReader

/// Bad input to the rule language's features: each a clear problem with file:line:column.
@Suite("Rule language errors")
struct RuleLanguageErrorTests {
    /// Parses the minimal fixture with `stress.yaml` replaced, and returns the problems.
    func problems(stress: String, file: String = "stress.yaml", words: String = "will\n") throws -> [String] {
        var files = try TestSupport.minimalFiles().filter { $0.name != file }
        files.append((file, stress))
        do {
            _ = try IntentCatalog.parse(files: files, knownWords: WordList(text: Array(words.utf8)))
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    func stress(_ rules: String) -> String {
        """
        id: stress
        title: Stress
        priority: 55
        \(rules)
        response:
          lead: Breathe.
          encouragement: [One moment at a time.]
        examples: [so stressed]
        """
    }

    @Test func everyFeatureTogetherIsValid() throws {
        let found = try problems(stress: stress("""
        fuzzy: [stressed]
        concepts:
          work: [job, boss, <office>]
          office: [the office]
        match:
          phrases: [stressed about <work>]
          together:
            - all: [<work>, stress]
              within: 5
          context: [too much]
        """))
        #expect(found == [])
    }

    @Test func anUnknownConcept() throws {
        let found = try problems(stress: stress("match:\n  phrases: [stressed about <wrok>]"))
        #expect(found == ["stress.yaml:5:13: match: unknown concept <wrok>; define it under 'concepts:' in common.yaml or in this file"])
    }

    @Test func aConceptThatRefersToItself() throws {
        let direct = try problems(stress: stress("concepts:\n  work: [job, <work>]\nmatch:\n  phrases: [<work>]"))
        #expect(direct == ["stress.yaml:5:3: concepts.work: concept 'work' refers to itself (<work> → <work>); a concept cannot contain itself"])
        let indirect = try problems(stress: stress("concepts:\n  work: [job, <boss>]\n  boss: [<work> boss]\nmatch:\n  phrases: [<work>]"))
        #expect(indirect == [
            "stress.yaml:5:3: concepts.work: concept 'work' refers to itself (<work> → <boss> → <work>); a concept cannot contain itself",
            "stress.yaml:6:3: concepts.boss: concept 'boss' refers to itself (<boss> → <work> → <boss>); a concept cannot contain itself",
        ])
    }

    @Test func aConceptDefinedTwice() throws {
        let found = try problems(stress: stress("concepts:\n  work: [job]\nmatch:\n  phrases: [<work>]\n"), file: "stress.yaml")
        #expect(found == [])
        var files = try TestSupport.minimalFiles().filter { $0.name != "stress.yaml" }
        files.append(("stress.yaml", stress("concepts:\n  work: [job]\nmatch:\n  phrases: [<work>]")))
        files.append(("other.yaml", stress("concepts:\n  work: [boss]\nmatch:\n  phrases: [<work>]").replacingOccurrences(of: "id: stress", with: "id: other")))
        let error = try #require(throws: YAMLProblems.self) { try IntentCatalog.parse(files: files) }
        #expect(error.problems.map(\.description).contains(
            "other.yaml:5:3: concepts.work: concept 'work' is already defined at stress.yaml:5:3; define each concept once"))
    }

    @Test func aConceptNoRuleUses() throws {
        let found = try problems(stress: stress("concepts:\n  work: [job]\n  boss: [manager]\nmatch:\n  phrases: [<work>]"))
        #expect(found == ["stress.yaml:6:3: concepts.boss: concept 'boss' is used by no rule; use it as <boss> or remove it"])
    }

    @Test func aBrokenConceptReference() throws {
        #expect(try problems(stress: stress("match:\n  phrases: [stressed about <work]")) == [
            "stress.yaml:5:13: match.phrases[0]: has a '<' without its '>'; a concept is written <name>",
        ])
        #expect(try problems(stress: stress("match:\n  phrases: [stressed about <Work Stuff>]")) == [
            "stress.yaml:5:13: match.phrases[0]: '<Work Stuff>' is not a concept name: lowercase letters, digits and _, starting with a letter",
        ])
    }

    @Test func aCoOccurrenceWithOneTermOrNoWindow() throws {
        let oneTerm = try problems(stress: stress("match:\n  together:\n    - all: [stress]\n      within: 5"))
        #expect(oneTerm == ["stress.yaml:6:12: match.together[0].all: a co-occurrence needs at least two terms; for one, write a phrase"])
        let zero = try problems(stress: stress("match:\n  together:\n    - all: [stress, work]\n      within: 0"))
        #expect(zero == ["stress.yaml:7:15: match.together[0].within: expected a whole number from 1 to 30"])
        let missing = try problems(stress: stress("match:\n  together:\n    - all: [stress, work]"))
        #expect(missing == ["stress.yaml:6:7: match.together[0].within: missing; expected how many words apart the terms may be, such as 8"])
    }

    @Test func aFuzzyWordShorterThanFourLetters() throws {
        let found = try problems(stress: stress("fuzzy: [sad, stressed]\nmatch:\n  phrases: [sad]"))
        #expect(found == [
            "stress.yaml:4:9: fuzzy[0]: 'sad' is too short for typo tolerance: a fuzzy word needs 4 letters or more, or real words one letter away would match it",
        ])
    }

    @Test func riskLevelsBelongToCrisisAndMustBeKnown() throws {
        let crisis = try #require(TestSupport.minimalFiles().first { $0.name == "crisis.yaml" }).text
        let unknown = try problems(stress: crisis.replacingOccurrences(of: "  - id: overdose\n", with: "  - id: overdose\n    risk: maybe\n"), file: "crisis.yaml")
        #expect(unknown == ["crisis.yaml:18:11: variants[0].risk: expected one of possible, definite"])
        let elsewhere = try problems(stress: stress("match:\n  phrases: [stressed]\nvariants:\n  - id: panic\n    risk: possible\n    match:\n      phrases: [panic]"))
        #expect(elsewhere == ["stress.yaml:8:11: variants[0].risk: only crisis variants have a risk level"])
        let signs = try problems(stress: stress("match:\n  phrases: [stressed]\nwarning_signs:\n  phrases: [tired]"))
        #expect(signs == [
            "stress.yaml:7:3: warning_signs: only the crisis intent has warning signs: they raise a conversation's risk level",
        ])
    }

    @Test func onlyAPossibleRiskCanBeUndoneByAnExclusion() throws {
        let crisis = try #require(TestSupport.minimalFiles().first { $0.name == "crisis.yaml" }).text
        let definite = crisis.replacingOccurrences(of: "      phrases: [overdose, took all my pills]\n",
                                                   with: "      phrases: [overdose, took all my pills]\n      exclude: [accidentally]\n")
        let found = try problems(stress: definite, file: "crisis.yaml")
        #expect(found == [
            "crisis.yaml:20:17: variants.overdose.match.exclude: only a 'risk: possible' variant can have exclusions: one word must never veto a definite crisis",
        ])
        let possible = definite.replacingOccurrences(of: "  - id: overdose\n", with: "  - id: overdose\n    risk: possible\n")
        #expect(try problems(stress: possible, file: "crisis.yaml") == [])
    }

    @Test func memorySettingsAreChecked() throws {
        let common = try #require(TestSupport.minimalFiles().first { $0.name == "common.yaml" }).text
        let found = try problems(stress: common + "memory: {raised_at: 0, fade_hours: 0, plan_hours: 72, answer_minutes: 0}\n", file: "common.yaml")
        #expect(found == [
            "common.yaml:13:21: memory.raised_at: expected a number above 0 and at most 6, such as 0.5 (half a warning sign)",
            "common.yaml:13:36: memory.fade_hours: expected a whole number from 1 to 168",
            "common.yaml:13:51: memory.plan_hours: expected a whole number from 1 to 48",
            "common.yaml:13:71: memory.answer_minutes: expected a whole number from 1 to 1440",
        ])
    }

    @Test func onlyAPossibleCrisisVariantIsDiscountedByAPlan() throws {
        let crisis = try #require(TestSupport.minimalFiles().first { $0.name == "crisis.yaml" }).text
        let definite = try problems(stress: crisis.replacingOccurrences(of: "  - id: overdose\n", with: "  - id: overdose\n    discounted_by_plans: true\n"),
                                    file: "crisis.yaml")
        #expect(definite == [
            "crisis.yaml:18:26: variants[0].discounted_by_plans: only a 'risk: possible' crisis variant can be discounted by a harmless plan: never a definite crisis",
        ])
        let possible = crisis.replacingOccurrences(of: "  - id: overdose\n", with: "  - id: overdose\n    risk: possible\n    discounted_by_plans: true\n")
        #expect(try problems(stress: possible + "harmless_plans:\n  phrases: [surgery tomorrow]\n", file: "crisis.yaml") == [])
        let elsewhere = try problems(stress: stress("match:\n  phrases: [stressed]\nharmless_plans:\n  phrases: [surgery tomorrow]"))
        #expect(elsewhere == ["stress.yaml:7:3: harmless_plans: only the crisis intent has harmless plans: they discount its finality variants"])
    }

    @Test func onlyACrisisVariantWithContextRulesSetsTheLevelTheyCountFrom() throws {
        let crisis = try #require(TestSupport.minimalFiles().first { $0.name == "crisis.yaml" }).text
        let withContext = crisis.replacingOccurrences(of: "  - id: overdose\n", with: "  - id: overdose\n    risk: possible\n    context_at: 2\n")
            .replacingOccurrences(of: "      phrases: [overdose, took all my pills]\n", with: "      phrases: [overdose, took all my pills]\n      context: [does it hurt]\n")
        #expect(try problems(stress: withContext, file: "crisis.yaml") == [])
        let withoutContext = try problems(stress: crisis.replacingOccurrences(of: "  - id: overdose\n", with: "  - id: overdose\n    context_at: 2\n"),
                                          file: "crisis.yaml")
        #expect(withoutContext == ["crisis.yaml:18:17: variants[0].context_at: only a crisis variant with context rules can set the risk level they count from"])
        let outOfRange = try problems(stress: withContext.replacingOccurrences(of: "context_at: 2", with: "context_at: 7"), file: "crisis.yaml")
        #expect(outOfRange == ["crisis.yaml:19:17: variants[0].context_at: expected a number above 0 and at most 6, such as 1.5 (more than one warning sign)"])
        let belowRaised = try problems(stress: withContext.replacingOccurrences(of: "context_at: 2", with: "context_at: 0.5"), file: "crisis.yaml")
        #expect(belowRaised.count == 1 && belowRaised[0].hasSuffix("variants.overdose.context_at: 0.5 is not above memory.raised_at (0.5), so it would change nothing: raise it or remove it"))
        let elsewhere = try problems(stress: stress("match:\n  phrases: [stressed]\nvariants:\n  - id: later\n    context_at: 2\n    match:\n      context: [fine]"))
        #expect(elsewhere == ["stress.yaml:8:17: variants[0].context_at: only a crisis variant with context rules can set the risk level they count from"])
    }

    @Test func onlyACrisisVariantWithRulesAnswersTheQuestion() throws {
        let crisis = try #require(TestSupport.minimalFiles().first { $0.name == "crisis.yaml" }).text
        #expect(try problems(stress: crisis.replacingOccurrences(of: "  - id: overdose\n", with: "  - id: overdose\n    answers_question: true\n"),
                             file: "crisis.yaml") == [])
        let elsewhere = try problems(stress: stress("match:\n  phrases: [stressed]\nvariants:\n  - id: said\n    answers_question: true\n    match:\n      phrases: [\"yes\"]"))
        #expect(elsewhere == ["stress.yaml:8:23: variants[0].answers_question: only a definite crisis variant with match rules can answer the question a possible crisis asks (a possible one would ask it again)"])
        let possible = try problems(stress: crisis.replacingOccurrences(of: "  - id: overdose\n", with: "  - id: overdose\n    risk: possible\n    answers_question: true\n"),
                                    file: "crisis.yaml")
        #expect(possible.count == 1 && possible[0].contains("answers_question: only a definite crisis variant"))
    }
}
