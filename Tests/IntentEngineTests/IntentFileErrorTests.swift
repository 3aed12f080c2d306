import Foundation
import Testing
@testable import IntentEngine
import YAMLReader

/// Every problem `intents check` reports names file:line:column, the key, and what was expected.
@Suite("Rule file errors")
struct YAMLProblemTests {
    /// Parses the minimal fixture with one file replaced (or added), and returns the problems.
    func problems(_ name: String, _ text: String) throws -> [String] {
        var files = try TestSupport.minimalFiles().filter { $0.name != name }
        files.append((name, text))
        do {
            _ = try IntentCatalog.parse(files: files)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    let sleep = """
    id: sleep
    title: Trouble sleeping
    priority: 60
    match:
      phrases: [cant sleep]
    response:
      excerpt: Difficulty sleeping
      section: Stress and sleep disorders
      encouragement: [Rest.]
    examples: [i cant sleep]
    """

    @Test func theFixtureItselfIsValid() throws {
        #expect(try problems("sleep.yaml", sleep) == [])
    }

    @Test func yamlSyntaxError() throws {
        let broken = sleep.replacingOccurrences(of: "phrases: [cant sleep]", with: "phrases: [cant sleep")
        let found = try problems("sleep.yaml", broken)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("sleep.yaml:6:") == true)
        #expect(found.first?.contains("YAML syntax error") == true)
    }

    @Test func wrongType() throws {
        let found = try problems("sleep.yaml", sleep.replacingOccurrences(of: "priority: 60", with: "priority: high"))
        #expect(found == ["sleep.yaml:3:11: priority: expected a whole number from 0 to 100"])
    }

    @Test func numberOutOfRange() throws {
        let found = try problems("sleep.yaml", sleep.replacingOccurrences(of: "priority: 60", with: "priority: 101"))
        #expect(found == ["sleep.yaml:3:11: priority: expected a whole number from 0 to 100"])
    }

    @Test func unknownKey() throws {
        let found = try problems("sleep.yaml", sleep.replacingOccurrences(of: "  phrases:", with: "  phrase:"))
        #expect(found.first == "sleep.yaml:5:3: match.phrase: unknown key; expected one of: phrases, hints, together, context, require, exclude, patterns")
    }

    @Test func duplicateKey() throws {
        let found = try problems("sleep.yaml", sleep.replacingOccurrences(of: "  phrases: [cant sleep]", with: "  phrases: [cant sleep]\n  phrases: [insomnia]"))
        #expect(found == ["sleep.yaml:5:3: 'phrases' written twice in the same mapping; keep one"])
    }

    @Test func duplicateID() throws {
        var files = try TestSupport.minimalFiles()
        let stress = try #require(files.first { $0.name == "stress.yaml" })
        files.append(("stress.yml", stress.text))
        let error = try #require(throws: YAMLProblems.self) { try IntentCatalog.parse(files: files) }
        #expect(error.problems.map(\.description) == ["stress.yml:1:5: id: intent id 'stress' is already used at stress.yaml:1:5; ids must be unique"])
    }

    @Test func idNamesTheFile() throws {
        let found = try problems("sleep.yaml", sleep.replacingOccurrences(of: "id: sleep", with: "id: slumber"))
        #expect(found == ["sleep.yaml:1:5: id: the file must be named slumber.yaml after its id"])
    }

    @Test func missingSpecialIntents() throws {
        let files = try TestSupport.minimalFiles().filter { $0.name != "crisis.yaml" && $0.name != "fallback.yaml" }
        let error = try #require(throws: YAMLProblems.self) { try IntentCatalog.parse(files: files, folder: "Intents") }
        #expect(error.problems.map(\.description) == [
            "Intents: no intent with id 'fallback': it answers when nothing else matches",
            "Intents: no intent with id 'crisis': crisis is checked on every message first",
        ])
    }

    @Test func badRegex() throws {
        let found = try problems("sleep.yaml", sleep.replacingOccurrences(of: "phrases: [cant sleep]", with: "patterns: ['(unclosed']"))
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("sleep.yaml:5:14: match.patterns[0]: not a valid regular expression:") == true)
    }

    @Test func intentWithoutExamples() throws {
        let found = try problems("sleep.yaml", sleep.replacingOccurrences(of: "examples: [i cant sleep]", with: "examples: []"))
        #expect(found == ["sleep.yaml:10:11: examples: needs at least one example"])
        let missing = try problems("sleep.yaml", sleep.replacingOccurrences(of: "examples: [i cant sleep]", with: ""))
        #expect(missing == ["sleep.yaml:1:1: examples: missing; expected a list of messages that must match this intent"])
    }

    @Test func intentWithoutResponse() throws {
        let noResponse = sleep.components(separatedBy: "\n").filter {
            !$0.hasPrefix("response") && !$0.hasPrefix("  excerpt") && !$0.hasPrefix("  section") && !$0.hasPrefix("  encouragement")
        }.joined(separator: "\n")
        let found = try problems("sleep.yaml", noResponse)
        #expect(found == ["sleep.yaml:1:1: response: missing; expected a response with an excerpt or a lead, and encouragement"])
        let noEncouragement = try problems("sleep.yaml", sleep.replacingOccurrences(of: "  encouragement: [Rest.]\n", with: ""))
        #expect(noEncouragement == ["sleep.yaml:7:3: response.encouragement: missing; expected a list of encouragement lines"])
    }

    @Test func excerptWithoutSection() throws {
        let found = try problems("sleep.yaml", sleep.replacingOccurrences(of: "  section: Stress and sleep disorders\n", with: ""))
        #expect(found == ["sleep.yaml:7:3: response.section: missing; expected an excerpt and the section it comes from, together"])
    }

    @Test func aForgottenDashIsCaught() throws {
        let found = try problems("sleep.yaml", sleep.replacingOccurrences(of: "phrases: [cant sleep]", with: "phrases: cant sleep"))
        #expect(found.first == "sleep.yaml:5:12: match.phrases: expected a list of texts, each on its own line starting with '- '")
    }

    @Test func phraseWithoutWords() throws {
        let found = try problems("sleep.yaml", sleep.replacingOccurrences(of: "phrases: [cant sleep]", with: "phrases: ['!!!']"))
        #expect(found == ["sleep.yaml:5:13: match.phrases[0]: has no words to match once punctuation is removed"])
    }

    @Test func invalidChoice() throws {
        let found = try problems("sleep.yaml", sleep + "\nescalate: maybe")
        #expect(found == ["sleep.yaml:11:11: escalate: expected one of none, normal, urgent"])
    }

    @Test func tooManyCrisisResources() throws {
        let crisis = try #require(TestSupport.minimalFiles().first { $0.name == "crisis.yaml" }).text
        let found = try problems("crisis.yaml", crisis.replacingOccurrences(of: #"default: ["[findahelpline.com](https://findahelpline.com)"]"#,
                                                                            with: #"default: ["[Call 1](tel:1)", "[Call 2](tel:2)", "[Call 3](tel:3)", "[Call 4](tel:4)"]"#))
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("crisis.yaml:15:14: response.resources.default: at most 3 resources, the most direct first") == true)
    }

    @Test func crisisResourcesMustBeLinksAPatientCanTap() throws {
        let crisis = try #require(TestSupport.minimalFiles().first { $0.name == "crisis.yaml" }).text
        let unlinked = try problems("crisis.yaml", crisis.replacingOccurrences(of: #""[findahelpline.com](https://findahelpline.com)""#, with: "findahelpline.com"))
        #expect(unlinked == ["crisis.yaml:15:14: response.resources.default: none of these is a link a patient can tap: write one as [Call 988](tel:988)"])
        let insecure = try problems("crisis.yaml", crisis.replacingOccurrences(of: "(https://findahelpline.com)", with: "(http://findahelpline.com)"))
        #expect(insecure.first?.hasPrefix("crisis.yaml:15:15: response.resources.default[0]: 'http://findahelpline.com' is not a link a patient can use") == true)
        let unclosed = try problems("crisis.yaml", crisis.replacingOccurrences(of: "[Call 911](tel:911)", with: "[Call 911 (tel:911)"))
        #expect(unclosed.first?.hasPrefix("crisis.yaml:14:44: response.resources.en-US[1]: '[' starts a link") == true, "\(unclosed)")
    }

    @Test func aLinksLabelSaysWhereItGoes() throws {
        let crisis = try #require(TestSupport.minimalFiles().first { $0.name == "crisis.yaml" }).text
        let hidden = try problems("crisis.yaml", crisis.replacingOccurrences(of: "[Call 911](tel:911)", with: "[Call for help](tel:911)"))
        #expect(hidden.first?.contains("the label 'Call for help' must show '911'") == true, "\(hidden)")
        let elsewhere = try problems("crisis.yaml", crisis.replacingOccurrences(of: "[findahelpline.com](https://findahelpline.com)", with: "[a helpline](https://findahelpline.com)"))
        #expect(elsewhere.first?.contains("must show 'findahelpline.com'") == true, "\(elsewhere)")
    }

    @Test func aVariantsResourcesNeedTheirOwnDefault() throws {
        let crisis = try #require(TestSupport.minimalFiles().first { $0.name == "crisis.yaml" }).text
        let found = try problems("crisis.yaml", crisis.replacingOccurrences(of: "        default: [Call your local emergency number now, \"[findahelpline.com](https://findahelpline.com/)\"]\n", with: ""))
        #expect(found == ["crisis.yaml:17:5: variants.overdose.response.resources: needs a 'default' list too: its resources replace crisis's for every locale"])
    }

    @Test func aCrisisReplyCarriesNoQuoteAndNoEncouragement() throws {
        let crisis = try #require(TestSupport.minimalFiles().first { $0.name == "crisis.yaml" }).text
        let found = try problems("crisis.yaml", crisis.replacingOccurrences(of: "  resources:\n    en-US", with: "  encouragement: [You matter.]\n  resources:\n    en-US"))
        #expect(found == ["crisis.yaml:13:18: response.encouragement: a reply with resources has no encouragement: the resources and the lead are all a patient in crisis should have to read"])
    }

    @Test func crisisMustOutrankEveryIntent() throws {
        let found = try problems("sleep.yaml", sleep.replacingOccurrences(of: "priority: 60", with: "priority: 100"))
        #expect(found == ["sleep.yaml:1:5: priority: must be below the crisis intent's priority (100): crisis outranks every other intent"])
    }

    @Test func crisisCannotBeWeakened() throws {
        let crisis = try #require(TestSupport.minimalFiles().first { $0.name == "crisis.yaml" }).text
        let weakened = crisis.replacingOccurrences(of: "negation: ignore\n", with: "")
            .replacingOccurrences(of: "escalate: urgent", with: "escalate: normal")
            .replacingOccurrences(of: "    - kms\n", with: "    - kms\n  exclude: [killing me]\n")
        let found = try problems("crisis.yaml", weakened)
        #expect(found.count == 3)
        #expect(found.contains { $0.hasPrefix("crisis.yaml:1:5: negation: crisis must have 'negation: ignore'") })
        #expect(found.contains { $0.hasPrefix("crisis.yaml:1:5: escalate: crisis must have 'escalate: urgent'") })
        #expect(found.contains { $0.hasPrefix("crisis.yaml:") && $0.contains("match.exclude: crisis cannot have exclusions") })
    }

    @Test func fallbackHasNoRules() throws {
        let found = try problems("fallback.yaml", """
        id: fallback
        title: Nothing matched
        priority: 0
        match:
          phrases: [anything]
        response:
          lead: Sorry?
          encouragement: [Hi.]
        examples: [hm]
        """)
        #expect(found == ["fallback.yaml:5:3: match: the fallback intent has no match rules: it answers when nothing else matches"])
    }

    @Test func settingsAreChecked() throws {
        let found = try problems("common.yaml", """
        threshold: 2
        negation_window: -1
        disclosure: I'm a bot.
        normalization:
          replacements: {cant: can not, two words: x, caant: can not}
          negatons: [not]
        """)
        #expect(found == [
            "common.yaml:1:12: threshold: expected a number above 0 and at most 1, such as 0.5",
            "common.yaml:2:18: negation_window: expected a whole number from 0 to 10",
            "common.yaml:6:3: normalization.negatons: unknown key; expected one of: replacements, negations, clause_breaks",
            "common.yaml:5:33: normalization.replacements.two words: the word to replace must be a single word",
            "common.yaml:5:47: normalization.replacements.caant: reads the same as 'cant' once repeated letters count once; keep one of them",
        ])
    }

    @Test func emptyFile() throws {
        #expect(try problems("sleep.yaml", "") == ["sleep.yaml:1:1: expected a mapping, but the file is empty"])
    }

    @Test func aBrokenFolderLoadsNothingAndNamesEveryProblem() throws {
        let folder = TestSupport.fixtures.appendingPathComponent("broken")
        let error = try #require(throws: YAMLProblems.self) { try IntentCatalog.load(from: folder) }
        #expect(error.problems.map(\.description) == [
            "\(folder.path)/common.yaml: cannot read: the shared settings file is missing",
            "\(folder.path)/sleep.yaml:3:1: YAML syntax error: did not find expected ',' or ']' while parsing a flow sequence",
        ])
    }

    @Test func aMissingFolderIsNamed() {
        #expect(throws: YAMLProblems.self) { try IntentCatalog.load(from: URL(fileURLWithPath: "/nonexistent/intents")) }
    }
}
