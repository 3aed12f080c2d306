import YAMLReader

/// Problems that only show across files: duplicate ids and concept names, concepts that are
/// unknown or refer to themselves, and the safety rules that the special intents must keep.
extension IntentCatalog {
    func problems(folder: String) -> [YAMLProblem] {
        intentProblems(folder: folder) + crisisProblems(folder: folder) + conceptProblems() + fuzzyProblems(folder: folder)
    }

    private func intentProblems(folder: String) -> [YAMLProblem] {
        var problems: [YAMLProblem] = []
        var firstSeen: [String: SourceLocation] = [:]
        for intent in intents {
            if let first = firstSeen[intent.id] {
                problems.append(.duplicateID(intent.source, id: intent.id, first: first))
            } else {
                firstSeen[intent.id] = intent.source
            }
        }
        if firstSeen[Self.fallbackID] == nil {
            problems.append(.missingIntent(SourceLocation(file: folder, line: 0, column: 0), id: Self.fallbackID, why: "it answers when nothing else matches"))
        }
        return problems
    }

    /// Safety rules 1 and 2 (DESIGN.md): no setting may hide or delay a crisis.
    private func crisisProblems(folder: String) -> [YAMLProblem] {
        guard let crisis = intent(withID: Self.crisisID) else {
            return [.missingIntent(SourceLocation(file: folder, line: 0, column: 0), id: Self.crisisID, why: "crisis is checked on every message first")]
        }
        var problems: [YAMLProblem] = []
        if let rival = intents.first(where: { $0.id != Self.crisisID && $0.priority >= crisis.priority }) {
            problems.append(.invalidValue(rival.source, key: "priority", "must be below the crisis intent's priority (\(crisis.priority)): crisis outranks every other intent"))
        }
        if crisis.negation != .ignore {
            problems.append(.invalidValue(crisis.source, key: "negation", "crisis must have 'negation: ignore': \"I don't want to be here anymore\" must never be cancelled by its own \"don't\""))
        }
        if crisis.escalate != .urgent {
            problems.append(.invalidValue(crisis.source, key: "escalate", "crisis must have 'escalate: urgent': an ambassador is always asked to reach out"))
        }
        if let exclude = crisis.match?.exclude.first {
            problems.append(.invalidValue(exclude.location, key: "match.exclude", "crisis cannot have exclusions: one word must never veto a crisis"))
        }
        for variant in crisis.variants where variant.risk == .definite {
            if let exclude = variant.match.exclude.first {
                problems.append(.invalidValue(exclude.location, key: "variants.\(variant.id).match.exclude",
                                              "only a 'risk: possible' variant can have exclusions: one word must never veto a definite crisis"))
            }
        }
        for variant in crisis.variants {
            if let level = variant.contextRiskLevel, level <= settings.raisedRiskLevel {
                problems.append(.invalidValue(variant.location ?? crisis.source, key: "variants.\(variant.id).context_at",
                                              "\(level) is not above memory.raised_at (\(settings.raisedRiskLevel)), so it would change nothing: raise it or remove it"))
            }
        }
        let learned = crisis.variants.filter(\.learned)
        for variant in learned {
            let location = variant.location ?? crisis.source
            if variant.risk != .possible {
                problems.append(.invalidValue(location, key: "variants.\(variant.id).risk", "a learned variant is a possible risk: the model asks, it never decides alone"))
            }
            if crisisModel == nil {
                problems.append(.invalidValue(location, key: "variants.\(variant.id).learned",
                                              "needs \(CrisisModel.fileName) beside the rules: run supportbot intents train"))
            }
        }
        if learned.count > 1, let second = learned.last {
            problems.append(.invalidValue(second.location ?? crisis.source, key: "variants.\(second.id).learned", "only one crisis variant can be learned"))
        }
        for id in crisis.warningIntents where intent(withID: id.value) == nil || [Self.crisisID, Self.fallbackID].contains(id.value) {
            problems.append(.invalidValue(id.location, key: "warning_intents", "'\(id.value)' is not an intent that can be a warning sign (crisis and fallback cannot)"))
        }
        if crisis.response.resources["default"] == nil {
            problems.append(.invalidValue(crisis.source, key: "response.resources", "crisis needs a 'default' list of resources for locales without their own"))
        }
        // A variant's resources replace the whole list, so they need their own default too.
        for variant in crisis.variants where !variant.response.resources.isEmpty && variant.response.resources["default"] == nil {
            problems.append(.invalidValue(variant.location ?? crisis.source, key: "variants.\(variant.id).response.resources",
                                          "needs a 'default' list too: its resources replace crisis's for every locale"))
        }
        return problems
    }

    // MARK: - Concepts

    /// Every list of rule texts in the catalog, with the key it is written under.
    private var ruleTexts: [(key: String, texts: [Located<String>])] {
        var lists: [(String, [Located<String>])] = []
        for intent in intents {
            lists.append(("match", intent.match?.texts ?? []))
            for variant in intent.variants { lists.append(("variants.\(variant.id).match", variant.match.texts)) }
            lists.append(("warning_signs", intent.warningSigns?.texts ?? []))
            lists.append(("harmless_plans", intent.harmlessPlans?.texts ?? []))
        }
        for concept in concepts { lists.append(("concepts.\(concept.name)", concept.terms)) }
        return lists
    }

    private func conceptProblems() -> [YAMLProblem] {
        var problems: [YAMLProblem] = []
        var byName: [String: Concept] = [:]
        for concept in concepts {
            if let first = byName[concept.name] {
                problems.append(.invalidValue(concept.location, key: "concepts.\(concept.name)",
                                              "concept '\(concept.name)' is already defined at \(first.location); define each concept once"))
            } else {
                byName[concept.name] = concept
            }
        }
        var used: Set<String> = []
        for (key, texts) in ruleTexts {
            for text in texts {
                for name in RuleText.conceptNames(in: text.value) {
                    used.insert(name)
                    if byName[name] == nil {
                        problems.append(.invalidValue(text.location, key: key,
                                                      "unknown concept <\(name)>; define it under 'concepts:' in common.yaml or in this file"))
                    }
                }
            }
        }
        for concept in concepts where !used.contains(concept.name) {
            problems.append(.invalidValue(concept.location, key: "concepts.\(concept.name)",
                                          "concept '\(concept.name)' is used by no rule; use it as <\(concept.name)> or remove it"))
        }
        for concept in concepts where byName[concept.name]?.location == concept.location {
            if let cycle = cycle(from: concept.name, byName: byName) {
                problems.append(.invalidValue(concept.location, key: "concepts.\(concept.name)",
                                              "concept '\(concept.name)' refers to itself (\(cycle.map { "<\($0)>" }.joined(separator: " → "))); a concept cannot contain itself"))
            }
        }
        return problems
    }

    /// The path back to `start` through the concepts it uses, if there is one.
    private func cycle(from start: String, byName: [String: Concept]) -> [String]? {
        var visited: Set<String> = []
        func walk(_ name: String, path: [String]) -> [String]? {
            for term in byName[name]?.terms ?? [] {
                for used in RuleText.conceptNames(in: term.value) {
                    if used == start { return path + [used] }
                    guard visited.insert(used).inserted else { continue }
                    if let found = walk(used, path: path + [used]) { return found }
                }
            }
            return nil
        }
        return walk(start, path: [start])
    }

    private func fuzzyProblems(folder: String) -> [YAMLProblem] {
        guard let first = fuzzyWords.first, knownWords.isEmpty else { return [] }
        return [.invalidValue(first.location, key: "fuzzy",
                              "typo tolerance needs the English word list \(Self.wordListFileName) in \(folder), so that real words are never read as misspellings")]
    }
}
