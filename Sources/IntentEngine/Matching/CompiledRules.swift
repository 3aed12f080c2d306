import YAMLReader

/// Every intent's rules as flat arrays of word numbers. Nothing that matching reads holds a
/// reference, so scanning a message neither retains nor allocates.
struct CompiledRules: Sendable {
    let lexicon: Lexicon

    // Per rule: its words are `keys[keyStart[r]..<keyStart[r + 1]]`.
    let keyStart: [Int32]
    let keys: [Int32]
    let ruleTarget: [Int32]
    let ruleKind: [Evidence.Kind]
    /// The rule as written, for evidence.
    let ruleText: [String]

    /// The rules whose first word is `w`: `firstKeyRules[firstKeyStart[w]..<firstKeyStart[w + 1]]`.
    let firstKeyStart: [Int32]
    let firstKeyRules: [Int32]

    /// A target is what a rule can make true: an intent, or one of its variants.
    let targetIntent: [Int32]
    /// The variant's index in its intent, or -1 for the intent itself.
    let targetVariant: [Int32]
    let targetNegationApplies: [Bool]
    let targetHasRequire: [Bool]
    let targetPatterns: [[MatchRules.Pattern]]
    let hasPatterns: Bool

    /// For each word number: 1 if it is a negation, 2 if it ends a clause.
    let wordFlags: [UInt8]
    /// The most keys one word of a message can become.
    let longestReplacement: Int

    var ruleCount: Int { ruleKind.count }
    var targetCount: Int { targetIntent.count }

    init(catalog: IntentCatalog) {
        var lexicon = Lexicon(settings: catalog.settings)
        var keyStart: [Int32] = [], keys: [Int32] = [], ruleTarget: [Int32] = [], ruleKind: [Evidence.Kind] = [], ruleText: [String] = []
        var targetIntent: [Int32] = [], targetVariant: [Int32] = [], negation: [Bool] = [], hasRequire: [Bool] = []
        var patterns: [[MatchRules.Pattern]] = []

        func add(_ match: MatchRules, intent: Int, variant: Int) {
            let target = Int32(targetIntent.count)
            targetIntent.append(Int32(intent))
            targetVariant.append(Int32(variant))
            negation.append(catalog.intents[intent].negation == .applies)
            hasRequire.append(!match.require.isEmpty)
            patterns.append(match.patterns)
            let lists: [(Evidence.Kind, [Located<String>])] = [
                (.phrase, match.phrases), (.hint, match.hints), (.require, match.require), (.exclude, match.exclude),
            ]
            for (kind, entries) in lists {
                for entry in entries {
                    let words = lexicon.keys(of: entry.value)
                    guard !words.isEmpty else { continue }
                    keyStart.append(Int32(keys.count))
                    keys += words
                    ruleTarget.append(target)
                    ruleKind.append(kind)
                    ruleText.append(entry.value)
                }
            }
        }
        for (index, intent) in catalog.intents.enumerated() {
            if let match = intent.match { add(match, intent: index, variant: -1) }
            for (variant, definition) in intent.variants.enumerated() {
                add(definition.match, intent: index, variant: variant)
            }
        }
        keyStart.append(Int32(keys.count))

        let vocabularySize = lexicon.vocabularySize
        var byFirstKey = Array(repeating: [Int32](), count: vocabularySize)
        for rule in 0..<ruleKind.count {
            byFirstKey[Int(keys[Int(keyStart[rule])])].append(Int32(rule))
        }
        var firstKeyStart: [Int32] = [0]
        for rules in byFirstKey { firstKeyStart.append(firstKeyStart.last! + Int32(rules.count)) }

        self.firstKeyStart = firstKeyStart
        self.firstKeyRules = byFirstKey.flatMap { $0 }
        self.wordFlags = (0..<Int32(vocabularySize)).map { id in
            (lexicon.isNegation(id) ? 1 : 0) | (lexicon.isClauseBreak(id) ? 2 : 0)
        }
        self.longestReplacement = max(1, lexicon.longestReplacement)
        self.lexicon = lexicon
        self.keyStart = keyStart
        self.keys = keys
        self.ruleTarget = ruleTarget
        self.ruleKind = ruleKind
        self.ruleText = ruleText
        self.targetIntent = targetIntent
        self.targetVariant = targetVariant
        self.targetNegationApplies = negation
        self.targetHasRequire = hasRequire
        self.targetPatterns = patterns
        self.hasPatterns = patterns.contains { !$0.isEmpty }
    }
}
