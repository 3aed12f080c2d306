import Foundation
import Yams
import YAMLReader

private let intentKeys = ["id", "title", "priority", "escalate", "answer_in_community", "negation", "concepts", "fuzzy", "match",
                          "warning_signs", "warning_intents", "harmless_plans", "response", "variants", "examples", "counterexamples"]
private let matchKeys = ["phrases", "hints", "together", "context", "require", "exclude", "patterns"]
private let togetherKeys = ["all", "within"]
private let responseKeys = ["lead", "excerpt", "section", "encouragement", "resources"]
private let variantKeys = ["id", "risk", "match", "learned", "discounted_by_plans", "answers_question", "context_at", "response"]
private let settingsKeys = ["threshold", "hint_weight", "negation_window", "disclosure", "ambassador_hint", "normalization", "memory", "concepts", "fuzzy"]
private let normalizationKeys = ["replacements", "negations", "clause_breaks"]
private let memoryKeys = ["raised_at", "fade_hours", "plan_hours", "answer_minutes"]
/// At most three crisis options, the most direct first (DESIGN.md, safety rule 1).
private let maximumResources = 3
/// Shorter words have too many real neighbours one letter away.
let shortestFuzzyWord = 4
/// A co-occurrence wider than this is no longer about one thought.
private let widestTogether = 30

/// What any rule file may define besides its intent or settings.
private struct RuleFileParts {
    var concepts: [Concept] = []
    var fuzzyWords: [Located<String>] = []
}

extension YAMLReader {
    mutating func intentFile(_ text: String) -> (intent: Intent, concepts: [Concept], fuzzyWords: [Located<String>])? {
        guard let root = document(text), let fields = fields(root, path: "", allowed: intentKeys) else { return nil }
        let idNode = require(fields, "id", expected: "the intent's short name, such as sleep")
        let id = idNode.flatMap { identifier($0, path: "id") }
        if let id, let idNode {
            let name = (file as NSString).lastPathComponent
            if name != "\(id).yaml", name != "\(id).yml" {
                report(.invalidValue(location(of: idNode), key: "id", "the file must be named \(id).yaml after its id"))
            }
        }
        let isCrisis = id == IntentCatalog.crisisID
        let title = require(fields, "title", expected: "a short title").flatMap { string($0, path: "title") }
        let priority = require(fields, "priority", expected: "a whole number from 0 to 100").flatMap { int($0, path: "priority", in: 0...100) }
        let escalate = fields["escalate"].map { choice($0, path: "escalate", as: Intent.Escalation.self) } ?? Intent.Escalation.none
        let community = fields["answer_in_community"].map { bool($0, path: "answer_in_community") } ?? true
        let negation = fields["negation"].map { choice($0, path: "negation", as: Intent.Negation.self) } ?? .applies
        let parts = ruleFileParts(fields)
        let match = fields["match"].flatMap { matchRules($0, path: "match") }
        let isFallback = id == IntentCatalog.fallbackID
        if isFallback, let node = fields["match"] {
            report(.invalidValue(location(of: node), key: "match", "the fallback intent has no match rules: it answers when nothing else matches"))
        } else if !isFallback, fields["match"] == nil {
            report(.missingKey(fields.location, key: "match", expected: "match rules (phrases, hints, ...)"))
        }
        let warningSigns = fields["warning_signs"].flatMap { node -> MatchRules? in
            guard isCrisis else {
                report(.invalidValue(location(of: node), key: "warning_signs", "only the crisis intent has warning signs: they raise a conversation's risk level"))
                return nil
            }
            return matchRules(node, path: "warning_signs")
        }
        let harmlessPlans = fields["harmless_plans"].flatMap { node -> MatchRules? in
            guard isCrisis else {
                report(.invalidValue(location(of: node), key: "harmless_plans", "only the crisis intent has harmless plans: they discount its finality variants"))
                return nil
            }
            return matchRules(node, path: "harmless_plans")
        }
        var warningIntents: [Located<String>] = []
        if let node = fields["warning_intents"] {
            if isCrisis {
                warningIntents = strings(node, path: "warning_intents")
            } else {
                report(.invalidValue(location(of: node), key: "warning_intents", "only the crisis intent has warning signs: they raise a conversation's risk level"))
            }
        }
        let response = require(fields, "response", expected: "a response with an excerpt or a lead, and encouragement")
            .flatMap { self.response($0, path: "response", partial: false) }
        let variants = fields["variants"].map { variantList($0, path: "variants", isCrisis: isCrisis) } ?? []
        let examples = require(fields, "examples", expected: "a list of messages that must match this intent").map { strings($0, path: "examples") } ?? []
        if let node = fields["examples"], examples.isEmpty, node.sequence?.isEmpty == true {
            report(.invalidValue(location(of: node), key: "examples", "needs at least one example"))
        }
        let counterexamples = fields["counterexamples"].map { strings($0, path: "counterexamples") } ?? []
        guard problems.isEmpty, let id, let idNode, let title, let priority, let escalate, let community, let negation, let response,
              isFallback || match != nil
        else { return nil }
        var intent = Intent(
            id: id, title: title, priority: priority, escalate: escalate, answerInCommunity: community,
            negation: negation, match: match, response: response, variants: variants, warningSigns: warningSigns,
            examples: examples, counterexamples: counterexamples, source: location(of: idNode)
        )
        intent.warningIntents = warningIntents
        intent.harmlessPlans = harmlessPlans
        return (intent, parts.concepts, parts.fuzzyWords)
    }

    mutating func settingsFile(_ text: String) -> (settings: CommonSettings, concepts: [Concept], fuzzyWords: [Located<String>])? {
        guard let root = document(text), let fields = fields(root, path: "", allowed: settingsKeys) else { return nil }
        var settings = CommonSettings()
        if let node = fields["threshold"], let value = fraction(node, path: "threshold") { settings.threshold = value }
        if let node = fields["hint_weight"], let value = fraction(node, path: "hint_weight") { settings.hintWeight = value }
        if let node = fields["negation_window"], let value = int(node, path: "negation_window", in: 0...10) { settings.negationWindow = value }
        if let value = require(fields, "disclosure", expected: "the sentence that tells a patient they are talking to a bot")
            .flatMap({ string($0, path: "disclosure") }) {
            settings.disclosure = value
        }
        if let node = fields["ambassador_hint"], let value = string(node, path: "ambassador_hint") { settings.ambassadorHint = value }
        if let node = fields["normalization"], let normalization = self.fields(node, path: "normalization", allowed: normalizationKeys) {
            if let node = normalization["negations"] { settings.negations = strings(node, path: "normalization.negations").map(\.value) }
            if let node = normalization["clause_breaks"] { settings.clauseBreaks = strings(node, path: "normalization.clause_breaks").map(\.value) }
            if let node = normalization["replacements"] { settings.replacements = replacements(node, path: "normalization.replacements") }
        }
        if let node = fields["memory"], let memory = self.fields(node, path: "memory", allowed: memoryKeys) {
            if let node = memory["raised_at"], let value = riskLevel(node, path: "memory.raised_at", example: "0.5 (half a warning sign)") {
                settings.raisedRiskLevel = value
            }
            if let node = memory["fade_hours"], let value = int(node, path: "memory.fade_hours", in: 1...168) {
                settings.riskFade = .seconds(value * 3600)
            }
            if let node = memory["plan_hours"], let value = int(node, path: "memory.plan_hours", in: 1...48) {
                settings.planMemory = .seconds(value * 3600)
            }
            if let node = memory["answer_minutes"], let value = int(node, path: "memory.answer_minutes", in: 1...1440) {
                settings.answerWindow = .seconds(value * 60)
            }
        }
        let parts = ruleFileParts(fields)
        return problems.isEmpty ? (settings, parts.concepts, parts.fuzzyWords) : nil
    }

    // MARK: Parts

    private mutating func ruleFileParts(_ fields: Fields) -> RuleFileParts {
        var parts = RuleFileParts()
        if let node = fields["concepts"] { parts.concepts = concepts(node, path: "concepts") }
        if let node = fields["fuzzy"] { parts.fuzzyWords = fuzzyWords(node, path: "fuzzy") }
        return parts
    }

    private mutating func identifier(_ node: Node, path: String) -> String? {
        guard let text = string(node, path: path) else { return nil }
        guard RuleText.isConceptName(text) else {
            report(.invalidValue(location(of: node), key: path, "expected lowercase letters, digits and _, starting with a letter"))
            return nil
        }
        return text
    }

    private mutating func concepts(_ node: Node, path: String) -> [Concept] {
        guard let mapping = node.mapping else {
            report(.wrongType(location(of: node), key: path, expected: "a mapping from a concept's name to its list of words and phrases"))
            return []
        }
        return mapping.compactMap { keyNode, value in
            guard let name = identifier(keyNode, path: path) else { return nil }
            let terms = ruleTexts(value, path: "\(path).\(name)")
            if terms.isEmpty, value.sequence?.isEmpty == true {
                report(.invalidValue(location(of: value), key: "\(path).\(name)", "a concept needs at least one word or phrase"))
            }
            return Concept(name: name, terms: terms, location: location(of: keyNode))
        }
    }

    private mutating func fuzzyWords(_ node: Node, path: String) -> [Located<String>] {
        strings(node, path: path).enumerated().compactMap { index, entry in
            let words = TextNormalizer.words(in: entry.value)
            guard words.count == 1, let word = words.first, word.utf8.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }) else {
                report(.invalidValue(entry.location, key: "\(path)[\(index)]", "a fuzzy word is one word of letters a-z"))
                return nil
            }
            guard word.count >= shortestFuzzyWord else {
                report(.invalidValue(entry.location, key: "\(path)[\(index)]",
                                     "'\(word)' is too short for typo tolerance: a fuzzy word needs \(shortestFuzzyWord) letters or more, or real words one letter away would match it"))
                return nil
            }
            return Located(word, at: entry.location)
        }
    }

    private mutating func matchRules(_ node: Node, path: String) -> MatchRules? {
        guard let fields = fields(node, path: path, allowed: matchKeys) else { return nil }
        var rules = MatchRules()
        if let node = fields["phrases"] { rules.phrases = ruleTexts(node, path: fields.path("phrases")) }
        if let node = fields["hints"] { rules.hints = ruleTexts(node, path: fields.path("hints")) }
        if let node = fields["together"] { rules.together = together(node, path: fields.path("together")) }
        if let node = fields["context"] { rules.context = ruleTexts(node, path: fields.path("context")) }
        if let node = fields["require"] { rules.require = ruleTexts(node, path: fields.path("require")) }
        if let node = fields["exclude"] { rules.exclude = ruleTexts(node, path: fields.path("exclude")) }
        if let node = fields["patterns"] {
            rules.patterns = strings(node, path: fields.path("patterns")).enumerated().compactMap { index, source in
                do {
                    return MatchRules.Pattern(source: source, regex: try Regex(source.value))
                } catch {
                    report(.badRegex(source.location, key: fields.path("patterns") + "[\(index)]", reason: "\(error)"))
                    return nil
                }
            }
        }
        if ["phrases", "hints", "together", "context", "patterns"].allSatisfy({ fields[$0] == nil }) {
            report(.missingKey(fields.location, key: fields.path("phrases"), expected: "at least one phrase, hint, together, context or pattern"))
        }
        return rules
    }

    /// Texts that may name concepts; each must have words to match.
    private mutating func ruleTexts(_ node: Node, path: String) -> [Located<String>] {
        strings(node, path: path).enumerated().compactMap { index, entry in
            switch RuleText.parts(of: entry.value) {
            case let .success(parts) where parts.isEmpty:
                report(.invalidValue(entry.location, key: "\(path)[\(index)]", "has no words to match once punctuation is removed"))
                return nil
            case .success:
                return entry
            case let .failure(problem):
                report(.invalidValue(entry.location, key: "\(path)[\(index)]", problem.description))
                return nil
            }
        }
    }

    private mutating func together(_ node: Node, path: String) -> [MatchRules.Together] {
        guard let sequence = node.sequence else {
            report(.wrongType(location(of: node), key: path, expected: "a list of co-occurrences, each with 'all' (its terms) and 'within' (words)"))
            return []
        }
        return sequence.enumerated().compactMap { index, item in
            let itemPath = "\(path)[\(index)]"
            guard let fields = fields(item, path: itemPath, allowed: togetherKeys) else { return nil }
            let termsNode = require(fields, "all", expected: "the terms that must appear together, such as [<amount>, <medication>]")
            let terms = termsNode.map { ruleTexts($0, path: fields.path("all")) } ?? []
            if let termsNode, (termsNode.sequence?.count ?? 0) < 2 {
                report(.invalidValue(location(of: termsNode), key: fields.path("all"),
                                     "a co-occurrence needs at least two terms; for one, write a phrase"))
            }
            let withinNode = require(fields, "within", expected: "how many words apart the terms may be, such as 8")
            let within = withinNode.flatMap { int($0, path: fields.path("within"), in: 1...widestTogether) }
            guard let within, terms.count >= 2 else { return nil }
            return MatchRules.Together(terms: terms, within: within, location: location(of: item))
        }
    }

    private mutating func response(_ node: Node, path: String, partial: Bool) -> ResponseTemplate? {
        guard let fields = fields(node, path: path, allowed: responseKeys) else { return nil }
        var response = ResponseTemplate()
        response.lead = fields["lead"].flatMap { string($0, path: fields.path("lead")) }
        response.excerpt = fields["excerpt"].flatMap { string($0, path: fields.path("excerpt")) }
        response.section = fields["section"].flatMap { string($0, path: fields.path("section")) }
        if let node = fields["encouragement"] { response.encouragement = strings(node, path: fields.path("encouragement")).map(\.value) }
        if let node = fields["resources"] { response.resources = resources(node, path: fields.path("resources")) }
        if (fields["excerpt"] == nil) != (fields["section"] == nil) {
            report(.missingKey(fields.location, key: fields.path(fields["excerpt"] == nil ? "excerpt" : "section"),
                               expected: "an excerpt and the section it comes from, together"))
        }
        if fields["resources"] != nil {
            // A reply with resources is read in a hurry, on a phone: the resources, a word of
            // care and who is coming, nothing that pushes them out of view.
            for key in ["excerpt", "encouragement"] {
                if let node = fields[key] {
                    report(.invalidValue(location(of: node), key: fields.path(key),
                                         "a reply with resources has no \(key): the resources and the lead are all a patient in crisis should have to read"))
                }
            }
        }
        if !partial {
            if fields["excerpt"] == nil, fields["lead"] == nil {
                report(.missingKey(fields.location, key: fields.path("excerpt"), expected: "an excerpt from the article, or a lead sentence"))
            }
            if fields["encouragement"] == nil, fields["resources"] == nil {
                report(.missingKey(fields.location, key: fields.path("encouragement"), expected: "a list of encouragement lines"))
            }
        }
        return response
    }

    private mutating func resources(_ node: Node, path: String) -> [String: [LinkedText]] {
        guard let mapping = node.mapping else {
            report(.wrongType(location(of: node), key: path, expected: "a mapping from locale (en-US, default, ...) to a list of resources"))
            return [:]
        }
        var result: [String: [LinkedText]] = [:]
        for (keyNode, value) in mapping {
            guard let locale = keyNode.scalar?.string else { continue }
            let list = strings(value, path: "\(path).\(locale)")
            if list.count > maximumResources {
                report(.invalidValue(location(of: value), key: "\(path).\(locale)", "at most \(maximumResources) resources, the most direct first; a person in crisis should not have to choose"))
            }
            let resources = list.enumerated().compactMap { index, line -> LinkedText? in
                do throws(LinkedTextProblem) {
                    return try LinkedText(parsing: line.value)
                } catch {
                    report(.invalidValue(line.location, key: "\(path).\(locale)[\(index)]", error.description))
                    return nil
                }
            }
            if resources.count == list.count, !resources.contains(where: { $0.hasLink }) {
                report(.invalidValue(location(of: value), key: "\(path).\(locale)",
                                     "none of these is a link a patient can tap: write one as [Call 988](tel:988)"))
            }
            result[locale] = resources
        }
        return result
    }

    private mutating func variantList(_ node: Node, path: String, isCrisis: Bool) -> [Intent.Variant] {
        guard let sequence = node.sequence else {
            report(.wrongType(location(of: node), key: path, expected: "a list of variants, each with id, match and response"))
            return []
        }
        return sequence.enumerated().compactMap { index, item in
            let itemPath = "\(path)[\(index)]"
            guard let fields = fields(item, path: itemPath, allowed: variantKeys) else { return nil }
            let id = require(fields, "id", expected: "the variant's short name").flatMap { identifier($0, path: fields.path("id")) }
            var risk: RiskLevel? = .definite
            if let node = fields["risk"] {
                if isCrisis {
                    risk = choice(node, path: fields.path("risk"), as: RiskLevel.self)
                } else {
                    report(.invalidValue(location(of: node), key: fields.path("risk"), "only crisis variants have a risk level"))
                }
            }
            let learned = fields["learned"].flatMap { bool($0, path: fields.path("learned")) } ?? false
            if learned, !isCrisis, let node = fields["learned"] {
                report(.invalidValue(location(of: node), key: fields.path("learned"), "only a crisis variant can be learned"))
            }
            if learned, let node = fields["match"] {
                report(.invalidValue(location(of: node), key: fields.path("match"), "a learned variant is matched by crisis-model.txt, not by rules"))
            }
            let discounted = fields["discounted_by_plans"].flatMap { bool($0, path: fields.path("discounted_by_plans")) } ?? false
            if discounted, let node = fields["discounted_by_plans"], !isCrisis || risk != .possible {
                report(.invalidValue(location(of: node), key: fields.path("discounted_by_plans"),
                                     "only a 'risk: possible' crisis variant can be discounted by a harmless plan: never a definite crisis"))
            }
            let answers = fields["answers_question"].flatMap { bool($0, path: fields.path("answers_question")) } ?? false
            if answers, let node = fields["answers_question"], !isCrisis || learned || risk != .definite {
                report(.invalidValue(location(of: node), key: fields.path("answers_question"),
                                     "only a definite crisis variant with match rules can answer the question a possible crisis asks (a possible one would ask it again)"))
            }
            let match = learned ? MatchRules()
                : require(fields, "match", expected: "the variant's match rules (or learned: true)").flatMap { matchRules($0, path: fields.path("match")) }
            let contextLevel = fields["context_at"].flatMap { riskLevel($0, path: fields.path("context_at"), example: "1.5 (more than one warning sign)") }
            if contextLevel != nil, let node = fields["context_at"], !isCrisis || match?.context.isEmpty != false {
                report(.invalidValue(location(of: node), key: fields.path("context_at"),
                                     "only a crisis variant with context rules can set the risk level they count from"))
            }
            let response = fields["response"].flatMap { self.response($0, path: fields.path("response"), partial: true) } ?? ResponseTemplate()
            guard let id, let match, let risk else { return nil }
            var variant = Intent.Variant(id: id, risk: risk, match: match, response: response)
            variant.learned = learned
            variant.discountedByPlans = discounted
            variant.answersQuestion = answers
            variant.contextRiskLevel = contextLevel
            variant.location = location(of: item)
            return variant
        }
    }

    /// A conversation's risk level as a setting: above 0 and at most `RiskMemory.maximumLevel`.
    private mutating func riskLevel(_ node: Node, path: String, example: String) -> Double? {
        guard node.scalar?.style == .plain, let value = node.float, value > 0, value <= RiskMemory.maximumLevel else {
            report(.wrongType(location(of: node), key: path, expected: "a number above 0 and at most \(Int(RiskMemory.maximumLevel)), such as \(example)"))
            return nil
        }
        return value
    }

    private mutating func replacements(_ node: Node, path: String) -> [(word: String, replacement: String)] {
        guard let mapping = node.mapping else {
            report(.wrongType(location(of: node), key: path, expected: "a mapping from a word to what replaces it, such as 'cant: can not'"))
            return []
        }
        var seen: [String: String] = [:]
        return mapping.compactMap { keyNode, value in
            guard let word = keyNode.scalar?.string, let replacement = string(value, path: "\(path).\(word)") else { return nil }
            if TextNormalizer.words(in: word).count != 1 {
                report(.invalidValue(location(of: keyNode), key: "\(path).\(word)", "the word to replace must be a single word"))
                return nil
            }
            let key = Lexicon.squeezed(word)
            if let first = seen[key] {
                report(.invalidValue(location(of: keyNode), key: "\(path).\(word)",
                                     "reads the same as '\(first)' once repeated letters count once; keep one of them"))
                return nil
            }
            seen[key] = word
            return (word, replacement)
        }
    }
}
