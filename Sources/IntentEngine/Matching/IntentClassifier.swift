import YAMLReader

/// Reads a message as one of the catalog's intents. Pure and `Sendable`: build it once from
/// the rules, then call `classify` from anywhere, as often as needed.
///
/// Every rule's words are numbered once at build time; a message is then scanned in a single
/// pass over its bytes, and each word looks up only the rules that start with it.
public struct IntentClassifier: Sendable {
    public let catalog: IntentCatalog
    private let lexicon: Lexicon
    private let rules: [CompiledRule]
    private let ruleKeys: [Int32]
    /// For each word number, the rules whose first word it is.
    private let rulesByFirstKey: [[Int32]]
    private let targets: [Target]
    /// For each word number: 1 if it is a negation, 2 if it ends a clause.
    private let wordFlags: [UInt8]
    private let longestReplacement: Int
    private let fallback: Int

    /// What a rule can make true: an intent, or one of its variants.
    private struct Target: Sendable {
        let intent: Int
        let variant: Int?
        let negationApplies: Bool
        let hasRequire: Bool
        let patterns: [MatchRules.Pattern]
    }

    private struct CompiledRule: Sendable {
        let target: Int
        let kind: Evidence.Kind
        let keys: Range<Int>
        let text: String
    }

    public init(catalog: IntentCatalog) {
        self.catalog = catalog
        var lexicon = Lexicon(settings: catalog.settings)
        var targets: [Target] = []
        var rules: [CompiledRule] = []
        var ruleKeys: [Int32] = []

        func add(_ match: MatchRules, intent: Int, variant: Int?) {
            let target = targets.count
            targets.append(Target(
                intent: intent, variant: variant,
                negationApplies: catalog.intents[intent].negation == .applies,
                hasRequire: !match.require.isEmpty, patterns: match.patterns
            ))
            let lists: [(Evidence.Kind, [Located<String>])] = [
                (.phrase, match.phrases), (.hint, match.hints), (.require, match.require), (.exclude, match.exclude),
            ]
            for (kind, entries) in lists {
                for entry in entries {
                    let keys = lexicon.keys(of: entry.value)
                    guard !keys.isEmpty else { continue }
                    rules.append(CompiledRule(target: target, kind: kind, keys: ruleKeys.count..<ruleKeys.count + keys.count, text: entry.value))
                    ruleKeys += keys
                }
            }
        }
        for (index, intent) in catalog.intents.enumerated() {
            if let match = intent.match { add(match, intent: index, variant: nil) }
            for (variant, definition) in intent.variants.enumerated() {
                add(definition.match, intent: index, variant: variant)
            }
        }

        let vocabularySize = lexicon.vocabularySize
        var byFirstKey = Array(repeating: [Int32](), count: vocabularySize)
        for (index, rule) in rules.enumerated() {
            byFirstKey[Int(ruleKeys[rule.keys.lowerBound])].append(Int32(index))
        }
        self.wordFlags = (0..<Int32(vocabularySize)).map { id in
            (lexicon.isNegation(id) ? 1 : 0) | (lexicon.isClauseBreak(id) ? 2 : 0)
        }
        self.lexicon = lexicon
        self.rules = rules
        self.ruleKeys = ruleKeys
        self.rulesByFirstKey = byFirstKey
        self.targets = targets
        self.longestReplacement = max(1, lexicon.longestReplacement)
        self.fallback = catalog.intents.firstIndex { $0.id == IntentCatalog.fallbackID } ?? 0
    }

    // MARK: - Classifying

    /// A word of the message, as the matcher sees it.
    private struct Token {
        var key: Int32
        var start: Int32
        var end: Int32
        /// Words since the last negation in the same clause; `Int32.max` when there is none.
        var sinceNegation: Int32
    }

    private struct Hit {
        var rule: Int
        var start: Int
        var end: Int
    }

    public func classify(_ message: String) -> Classification {
        TextNormalizer.withScannableUTF8(message) { bytes in
            let capacity = (bytes.count / 2 + 1) * longestReplacement
            return withUnsafeTemporaryAllocation(of: Token.self, capacity: capacity) { tokens in
                let count = tokenize(bytes, into: tokens)
                let hits = findHits(in: UnsafeBufferPointer(rebasing: tokens[0..<count]))
                return rank(hits, tokens: UnsafeBufferPointer(rebasing: tokens[0..<count]), bytes: bytes, message: message)
            }
        }
    }

    private func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, into tokens: UnsafeMutableBufferPointer<Token>) -> Int {
        var count = 0
        var lastNegation = -1
        lexicon.forEachKey(bytes) { key, range, clauseBreakBefore in
            let flags = key >= 0 ? wordFlags[Int(key)] : 0
            if clauseBreakBefore || flags & 2 != 0 { lastNegation = -1 }
            let since = lastNegation >= 0 ? Int32(count - lastNegation) : Int32.max
            tokens[count] = Token(key: key, start: Int32(range.lowerBound), end: Int32(range.upperBound), sinceNegation: since)
            if flags & 1 != 0 { lastNegation = count }
            count += 1
        }
        return count
    }

    private func findHits(in tokens: UnsafeBufferPointer<Token>) -> [Hit] {
        var hits: [Hit] = []
        for start in 0..<tokens.count {
            let key = tokens[start].key
            guard key >= 0 else { continue }
            for ruleIndex in rulesByFirstKey[Int(key)] {
                let rule = rules[Int(ruleIndex)]
                let end = start + rule.keys.count
                guard end <= tokens.count else { continue }
                var offset = 1
                while offset < rule.keys.count, tokens[start + offset].key == ruleKeys[rule.keys.lowerBound + offset] {
                    offset += 1
                }
                if offset == rule.keys.count { hits.append(Hit(rule: Int(ruleIndex), start: start, end: end)) }
            }
        }
        return hits
    }

    /// What the hits add up to for each target, folded into one candidate per intent.
    private func rank(_ hits: [Hit], tokens: UnsafeBufferPointer<Token>, bytes: UnsafeBufferPointer<UInt8>, message: String) -> Classification {
        let settings = catalog.settings
        var scores = [Double](repeating: 0, count: targets.count)
        var excluded = [Bool](repeating: false, count: targets.count)
        var required = [Bool](repeating: false, count: targets.count)
        var evidence = [[Evidence]](repeating: [], count: targets.count)
        var counted = Set<Int>()

        func words(_ hit: Hit) -> String {
            let lower = Int(tokens[hit.start].start), upper = Int(tokens[hit.end - 1].end)
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[lower..<upper]), as: UTF8.self)
        }
        for hit in hits {
            let rule = rules[hit.rule]
            let target = targets[rule.target]
            let negated = target.negationApplies && (rule.kind == .phrase || rule.kind == .hint)
                && tokens[hit.start].sinceNegation <= settings.negationWindow
            if !negated {
                guard counted.insert(hit.rule).inserted else { continue }
                switch rule.kind {
                case .phrase, .pattern: scores[rule.target] += 1
                case .hint: scores[rule.target] += settings.hintWeight
                case .require: required[rule.target] = true
                case .exclude: excluded[rule.target] = true
                }
            }
            evidence[rule.target].append(Evidence(kind: rule.kind, rule: rule.text, words: words(hit), negated: negated))
        }
        addPatternMatches(message, scores: &scores, evidence: &evidence)

        var candidates: [Candidate] = []
        var intentStart = 0
        while intentStart < targets.count {
            let intent = targets[intentStart].intent
            var intentEnd = intentStart
            while intentEnd < targets.count, targets[intentEnd].intent == intent { intentEnd += 1 }
            defer { intentStart = intentEnd }
            guard (intentStart..<intentEnd).contains(where: { !evidence[$0].isEmpty }) else { continue }
            var score = 0.0, matched = false, variant: String?, proof: [Evidence] = []
            for target in intentStart..<intentEnd {
                let targetScore = min(1, scores[target])
                let targetMatched = targetScore >= settings.threshold && !excluded[target] && (!targets[target].hasRequire || required[target])
                if let index = targets[target].variant, targetMatched, variant == nil {
                    variant = catalog.intents[intent].variants[index].id
                }
                score = max(score, targetScore)
                matched = matched || targetMatched
                proof += evidence[target]
            }
            candidates.append(candidate(intent, variant: variant, score: score, matched: matched, evidence: proof))
        }
        candidates.sort { a, b in
            if a.matched != b.matched { return a.matched }
            if a.matched, a.priority != b.priority { return a.priority > b.priority }
            return a.score > b.score
        }
        let best = candidates.first.flatMap { $0.matched ? $0 : nil }
            ?? candidate(fallback, variant: nil, score: 0, matched: true, evidence: [])
        return Classification(best: best, candidates: candidates)
    }

    private func addPatternMatches(_ message: String, scores: inout [Double], evidence: inout [[Evidence]]) {
        guard targets.contains(where: { !$0.patterns.isEmpty }) else { return }
        let text = TextNormalizer.normalize(message)
        for (index, target) in targets.enumerated() {
            for pattern in target.patterns {
                guard let match = try? pattern.regex.firstMatch(in: text) else { continue }
                scores[index] += 1
                evidence[index].append(Evidence(kind: .pattern, rule: pattern.source.value, words: String(text[match.range]), negated: false))
            }
        }
    }

    private func candidate(_ intent: Int, variant: String?, score: Double, matched: Bool, evidence: [Evidence]) -> Candidate {
        let definition = catalog.intents[intent]
        return Candidate(
            intentID: definition.id, variantID: variant, priority: definition.priority, escalate: definition.escalate,
            score: score, matched: matched, evidence: evidence
        )
    }
}
