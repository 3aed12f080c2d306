import Foundation
import Yams
import YAMLReader

extension IntentCatalog {
    /// The file in a rules folder that holds the shared settings rather than an intent.
    public static let settingsFileName = "common.yaml"

    /// Loads and validates every `*.yaml` file of a rules folder. Any problem in any file
    /// throws them all, and nothing is half-loaded.
    public static func load(from directory: URL) throws(YAMLProblems) -> IntentCatalog {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                .sorted()
        } catch {
            throw YAMLProblems([.unreadable(directory.path, reason: "not a readable folder")])
        }
        var files: [(name: String, text: String)] = []
        var problems: [YAMLProblem] = []
        for name in names {
            let url = directory.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                problems.append(.unreadable(url.path, reason: "permission denied or not a file"))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                problems.append(.unreadable(url.path, reason: "not UTF-8 text"))
                continue
            }
            files.append((url.path, text))
        }
        if !names.contains(settingsFileName) {
            problems.append(.unreadable(directory.appendingPathComponent(settingsFileName).path, reason: "the shared settings file is missing"))
        }
        do {
            let catalog = try parse(files: files, folder: directory.path)
            if problems.isEmpty { return catalog }
        } catch {
            problems += error.problems
        }
        throw YAMLProblems(problems)
    }

    /// Validates rule files given as texts; `name` is the path shown in messages.
    public static func parse(files: [(name: String, text: String)], folder: String = ".") throws(YAMLProblems) -> IntentCatalog {
        var problems: [YAMLProblem] = []
        var settings = CommonSettings()
        var intents: [Intent] = []
        for file in files {
            var reader = YAMLReader(file: file.name)
            if (file.name as NSString).lastPathComponent == settingsFileName {
                if let parsed = reader.settings(file.text) { settings = parsed }
            } else if let intent = reader.intent(file.text) {
                intents.append(intent)
            }
            problems += reader.problems
        }
        // Checks across files would only echo a broken file's problems, so they come after.
        if problems.isEmpty { problems = catalogProblems(intents, folder: folder) }
        guard problems.isEmpty else { throw YAMLProblems(problems) }
        return IntentCatalog(settings: settings, intents: intents)
    }

    /// Problems that only show across files: duplicate ids, the special intents.
    private static func catalogProblems(_ intents: [Intent], folder: String) -> [YAMLProblem] {
        var problems: [YAMLProblem] = []
        var firstSeen: [String: SourceLocation] = [:]
        for intent in intents {
            if let first = firstSeen[intent.id] {
                problems.append(.duplicateID(intent.source, id: intent.id, first: first))
            } else {
                firstSeen[intent.id] = intent.source
            }
        }
        let folder = SourceLocation(file: folder, line: 0, column: 0)
        if firstSeen[fallbackID] == nil {
            problems.append(.missingIntent(folder, id: fallbackID, why: "it answers when nothing else matches"))
        }
        if let crisis = intents.first(where: { $0.id == crisisID }) {
            if let rival = intents.first(where: { $0.id != crisisID && $0.priority >= crisis.priority }) {
                problems.append(.invalidValue(rival.source, key: "priority", "must be below the crisis intent's priority (\(crisis.priority)): crisis outranks every other intent"))
            }
            // Safety rules 1 and 2 (DESIGN.md): no setting may hide or delay a crisis.
            if crisis.negation != .ignore {
                problems.append(.invalidValue(crisis.source, key: "negation", "crisis must have 'negation: ignore': \"I don't want to be here anymore\" must never be cancelled by its own \"don't\""))
            }
            if crisis.escalate != .urgent {
                problems.append(.invalidValue(crisis.source, key: "escalate", "crisis must have 'escalate: urgent': an ambassador is always asked to reach out"))
            }
            if let exclude = crisis.match?.exclude.first {
                problems.append(.invalidValue(exclude.location, key: "match.exclude", "crisis cannot have exclusions: one word must never veto a crisis"))
            }
            if crisis.response.resources["default"] == nil {
                problems.append(.invalidValue(crisis.source, key: "response.resources", "crisis needs a 'default' list of resources for locales without their own"))
            }
        } else {
            problems.append(.missingIntent(folder, id: crisisID, why: "crisis is checked on every message first"))
        }
        return problems
    }
}

// MARK: - Reading one file

private let intentKeys = ["id", "title", "priority", "escalate", "answer_in_community", "negation", "match", "response", "variants", "examples", "counterexamples"]
private let matchKeys = ["phrases", "hints", "require", "exclude", "patterns"]
private let responseKeys = ["lead", "excerpt", "section", "encouragement", "resources"]
private let variantKeys = ["id", "match", "response"]
private let settingsKeys = ["threshold", "hint_weight", "negation_window", "disclosure", "normalization"]
private let normalizationKeys = ["replacements", "negations", "clause_breaks"]
/// At most three crisis options, the most direct first (DESIGN.md, safety rule 1).
private let maximumResources = 3

extension YAMLReader {
    mutating func intent(_ text: String) -> Intent? {
        guard let root = document(text), let fields = fields(root, path: "", allowed: intentKeys) else { return nil }
        let idNode = require(fields, "id", expected: "the intent's short name, such as sleep")
        let id = idNode.flatMap { identifier($0, path: "id") }
        if let id, let idNode {
            let name = (file as NSString).lastPathComponent
            if name != "\(id).yaml", name != "\(id).yml" {
                report(.invalidValue(location(of: idNode), key: "id", "the file must be named \(id).yaml after its id"))
            }
        }
        let title = require(fields, "title", expected: "a short title").flatMap { string($0, path: "title") }
        let priority = require(fields, "priority", expected: "a whole number from 0 to 100").flatMap { int($0, path: "priority", in: 0...100) }
        let escalate = fields["escalate"].map { choice($0, path: "escalate", as: Intent.Escalation.self) } ?? Intent.Escalation.none
        let community = fields["answer_in_community"].map { bool($0, path: "answer_in_community") } ?? true
        let negation = fields["negation"].map { choice($0, path: "negation", as: Intent.Negation.self) } ?? .applies
        let match = fields["match"].flatMap { matchRules($0, path: "match") }
        let isFallback = id == IntentCatalog.fallbackID
        if isFallback, let node = fields["match"] {
            report(.invalidValue(location(of: node), key: "match", "the fallback intent has no match rules: it answers when nothing else matches"))
        } else if !isFallback, fields["match"] == nil {
            report(.missingKey(fields.location, key: "match", expected: "match rules (phrases, hints, ...)"))
        }
        let response = require(fields, "response", expected: "a response with an excerpt or a lead, and encouragement")
            .flatMap { self.response($0, path: "response", partial: false) }
        let variants = fields["variants"].map { variantList($0, path: "variants") } ?? []
        let examples = require(fields, "examples", expected: "a list of messages that must match this intent").map { strings($0, path: "examples") } ?? []
        if let node = fields["examples"], examples.isEmpty, node.sequence?.isEmpty == true {
            report(.invalidValue(location(of: node), key: "examples", "needs at least one example"))
        }
        let counterexamples = fields["counterexamples"].map { strings($0, path: "counterexamples") } ?? []
        guard problems.isEmpty, let id, let idNode, let title, let priority, let escalate, let community, let negation, let response,
              isFallback || match != nil
        else { return nil }
        return Intent(
            id: id, title: title, priority: priority, escalate: escalate, answerInCommunity: community,
            negation: negation, match: match, response: response, variants: variants,
            examples: examples, counterexamples: counterexamples, source: location(of: idNode)
        )
    }

    mutating func settings(_ text: String) -> CommonSettings? {
        guard let root = document(text), let fields = fields(root, path: "", allowed: settingsKeys) else { return nil }
        var settings = CommonSettings()
        if let node = fields["threshold"], let value = fraction(node, path: "threshold") { settings.threshold = value }
        if let node = fields["hint_weight"], let value = fraction(node, path: "hint_weight") { settings.hintWeight = value }
        if let node = fields["negation_window"], let value = int(node, path: "negation_window", in: 0...10) { settings.negationWindow = value }
        if let value = require(fields, "disclosure", expected: "the sentence that tells a patient they are talking to a bot")
            .flatMap({ string($0, path: "disclosure") }) {
            settings.disclosure = value
        }
        if let node = fields["normalization"], let normalization = self.fields(node, path: "normalization", allowed: normalizationKeys) {
            if let node = normalization["negations"] { settings.negations = strings(node, path: "normalization.negations").map(\.value) }
            if let node = normalization["clause_breaks"] { settings.clauseBreaks = strings(node, path: "normalization.clause_breaks").map(\.value) }
            if let node = normalization["replacements"] { settings.replacements = replacements(node, path: "normalization.replacements") }
        }
        return problems.isEmpty ? settings : nil
    }

    // MARK: Parts

    private mutating func identifier(_ node: Node, path: String) -> String? {
        guard let text = string(node, path: path) else { return nil }
        let valid = text.utf8.first.map { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) } == true
            && text.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_") }
        guard valid else {
            report(.invalidValue(location(of: node), key: path, "expected lowercase letters, digits and _, starting with a letter"))
            return nil
        }
        return text
    }

    private mutating func matchRules(_ node: Node, path: String) -> MatchRules? {
        guard let fields = fields(node, path: path, allowed: matchKeys) else { return nil }
        var rules = MatchRules()
        if let node = fields["phrases"] { rules.phrases = strings(node, path: fields.path("phrases")) }
        if let node = fields["hints"] { rules.hints = strings(node, path: fields.path("hints")) }
        if let node = fields["require"] { rules.require = strings(node, path: fields.path("require")) }
        if let node = fields["exclude"] { rules.exclude = strings(node, path: fields.path("exclude")) }
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
        for (name, list) in [("phrases", rules.phrases), ("hints", rules.hints), ("require", rules.require), ("exclude", rules.exclude)] {
            for (index, entry) in list.enumerated() where TextNormalizer.words(in: entry.value).isEmpty {
                report(.invalidValue(entry.location, key: fields.path(name) + "[\(index)]", "has no words to match once punctuation is removed"))
            }
        }
        if rules.phrases.isEmpty, rules.hints.isEmpty, rules.patterns.isEmpty, fields["patterns"] == nil {
            report(.missingKey(fields.location, key: fields.path("phrases"), expected: "at least one phrase, hint or pattern"))
        }
        return rules
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
        if !partial {
            if fields["excerpt"] == nil, fields["lead"] == nil {
                report(.missingKey(fields.location, key: fields.path("excerpt"), expected: "an excerpt from the article, or a lead sentence"))
            }
            if fields["encouragement"] == nil {
                report(.missingKey(fields.location, key: fields.path("encouragement"), expected: "a list of encouragement lines"))
            }
        }
        return response
    }

    private mutating func resources(_ node: Node, path: String) -> [String: [String]] {
        guard let mapping = node.mapping else {
            report(.wrongType(location(of: node), key: path, expected: "a mapping from locale (en-US, default, ...) to a list of resources"))
            return [:]
        }
        var result: [String: [String]] = [:]
        for (keyNode, value) in mapping {
            guard let locale = keyNode.scalar?.string else { continue }
            let list = strings(value, path: "\(path).\(locale)").map(\.value)
            if list.count > maximumResources {
                report(.invalidValue(location(of: value), key: "\(path).\(locale)", "at most \(maximumResources) resources, the most direct first; a person in crisis should not have to choose"))
            }
            result[locale] = list
        }
        return result
    }

    private mutating func variantList(_ node: Node, path: String) -> [Intent.Variant] {
        guard let sequence = node.sequence else {
            report(.wrongType(location(of: node), key: path, expected: "a list of variants, each with id, match and response"))
            return []
        }
        return sequence.enumerated().compactMap { index, item in
            let itemPath = "\(path)[\(index)]"
            guard let fields = fields(item, path: itemPath, allowed: variantKeys) else { return nil }
            let id = require(fields, "id", expected: "the variant's short name").flatMap { identifier($0, path: fields.path("id")) }
            let match = require(fields, "match", expected: "the variant's match rules").flatMap { matchRules($0, path: fields.path("match")) }
            let response = fields["response"].flatMap { self.response($0, path: fields.path("response"), partial: true) } ?? ResponseTemplate()
            guard let id, let match else { return nil }
            return Intent.Variant(id: id, match: match, response: response)
        }
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
