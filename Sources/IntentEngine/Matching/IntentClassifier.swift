/// Reads a message as one of the catalog's intents. Pure and `Sendable`: build it once from
/// the rules, then call `classify` from anywhere, as often as needed.
///
/// Every rule's words are numbered once at build time; a message is then scanned in a single
/// pass over its bytes, each word looks up only the rules that start with it, and scores add
/// up in scratch space on the stack.
public struct IntentClassifier: Sendable {
    public let catalog: IntentCatalog
    private let rules: CompiledRules
    private let fallback: Int
    /// Per intent, what a candidate shows, so no `Intent` is copied per message.
    private let intentIDs: [String]
    private let priorities: [Int]
    private let escalations: [Intent.Escalation]

    /// At most this many rule matches are kept as evidence for one message; all of them count.
    static let maximumEvidence = 64

    public init(catalog: IntentCatalog) {
        self.catalog = catalog
        rules = CompiledRules(catalog: catalog)
        fallback = catalog.intents.firstIndex { $0.id == IntentCatalog.fallbackID } ?? 0
        intentIDs = catalog.intents.map(\.id)
        priorities = catalog.intents.map(\.priority)
        escalations = catalog.intents.map(\.escalate)
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

    /// A rule that matched, kept as evidence.
    private struct Hit {
        var rule: Int32
        var start: Int32
        var end: Int32
        var negated: Bool
    }

    public func classify(_ message: String) -> Classification {
        TextNormalizer.withScannableUTF8(message) { bytes in
            withUnsafeTemporaryAllocation(of: Token.self, capacity: (bytes.count / 2 + 1) * rules.longestReplacement) { tokenBuffer in
                let tokens = UnsafeBufferPointer(rebasing: tokenBuffer[0..<tokenize(bytes, into: tokenBuffer)])
                return withUnsafeTemporaryAllocation(of: Hit.self, capacity: Self.maximumEvidence) { hits in
                    withUnsafeTemporaryAllocation(of: Double.self, capacity: rules.targetCount) { scores in
                        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: rules.targetCount + 2 * rules.ruleCount) { flags in
                            scores.initialize(repeating: 0)
                            flags.initialize(repeating: 0)
                            let hitCount = score(tokens, scores: scores, flags: flags, hits: hits)
                            return rank(UnsafeBufferPointer(rebasing: hits[0..<hitCount]), tokens: tokens, bytes: bytes,
                                        message: message, scores: scores, flags: flags)
                        }
                    }
                }
            }
        }
    }

    private func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, into tokens: UnsafeMutableBufferPointer<Token>) -> Int {
        var count = 0
        var lastNegation = -1
        rules.lexicon.forEachKey(bytes) { key, range, clauseBreakBefore in
            let flags = key >= 0 ? rules.wordFlags[Int(key)] : 0
            if clauseBreakBefore || flags & 2 != 0 { lastNegation = -1 }
            let since = lastNegation >= 0 ? Int32(count - lastNegation) : Int32.max
            tokens[count] = Token(key: key, start: Int32(range.lowerBound), end: Int32(range.upperBound), sinceNegation: since)
            if flags & 1 != 0 { lastNegation = count }
            count += 1
        }
        return count
    }

    // Flags: one byte per target (bit 0 excluded, bit 1 a required word is there), then one byte
    // per rule (bit 0 counted, bit 1 kept as negated evidence).
    private static let excluded: UInt8 = 1, required: UInt8 = 2, counted: UInt8 = 1, shownNegated: UInt8 = 2

    /// Adds up what every rule match is worth; returns how many matches it kept as evidence.
    private func score(_ tokens: UnsafeBufferPointer<Token>, scores: UnsafeMutableBufferPointer<Double>,
                       flags: UnsafeMutableBufferPointer<UInt8>, hits: UnsafeMutableBufferPointer<Hit>) -> Int {
        let settings = catalog.settings
        let ruleFlags = rules.targetCount
        var hitCount = 0
        for start in 0..<tokens.count {
            let key = tokens[start].key
            guard key >= 0 else { continue }
            for index in Int(rules.firstKeyStart[Int(key)])..<Int(rules.firstKeyStart[Int(key) + 1]) {
                let rule = Int(rules.firstKeyRules[index])
                let first = Int(rules.keyStart[rule]), length = Int(rules.keyStart[rule + 1]) - first
                guard start + length <= tokens.count else { continue }
                var offset = 1
                while offset < length, tokens[start + offset].key == rules.keys[first + offset] { offset += 1 }
                guard offset == length else { continue }

                let target = Int(rules.ruleTarget[rule])
                let kind = rules.ruleKind[rule]
                let negated = rules.targetNegationApplies[target] && (kind == .phrase || kind == .hint)
                    && tokens[start].sinceNegation <= settings.negationWindow
                let seen = negated ? Self.shownNegated : Self.counted
                guard flags[ruleFlags + rule] & seen == 0 else { continue }
                flags[ruleFlags + rule] |= seen
                if !negated {
                    switch kind {
                    case .phrase, .pattern: scores[target] += 1
                    case .hint: scores[target] += settings.hintWeight
                    case .require: flags[target] |= Self.required
                    case .exclude: flags[target] |= Self.excluded
                    }
                }
                if hitCount < hits.count {
                    hits[hitCount] = Hit(rule: Int32(rule), start: Int32(start), end: Int32(start + length), negated: negated)
                    hitCount += 1
                }
            }
        }
        return hitCount
    }

    /// One candidate per intent that any rule touched, matched ones first.
    private func rank(_ hits: UnsafeBufferPointer<Hit>, tokens: UnsafeBufferPointer<Token>, bytes: UnsafeBufferPointer<UInt8>,
                      message: String, scores: UnsafeMutableBufferPointer<Double>, flags: UnsafeMutableBufferPointer<UInt8>) -> Classification {
        var patternEvidence = rules.hasPatterns ? matchPatterns(message, scores: scores) : []
        guard !hits.isEmpty || !patternEvidence.isEmpty else {
            return Classification(best: candidate(fallback, variant: nil, score: 0, matched: true, evidence: []), candidates: [])
        }
        let threshold = catalog.settings.threshold
        var candidates: [Candidate] = []
        var target = 0
        while target < rules.targetCount {
            let intent = Int(rules.targetIntent[target])
            var end = target
            while end < rules.targetCount, Int(rules.targetIntent[end]) == intent { end += 1 }
            defer { target = end }
            let touched = hits.contains { (target..<end).contains(Int(rules.ruleTarget[Int($0.rule)])) }
                || patternEvidence.contains { (target..<end).contains($0.target) }
            guard touched else { continue }
            var score = 0.0, matched = false, variant: String?
            for member in target..<end {
                let memberScore = min(1, scores[member])
                let memberMatched = memberScore >= threshold && flags[member] & Self.excluded == 0
                    && (!rules.targetHasRequire[member] || flags[member] & Self.required != 0)
                let variantIndex = Int(rules.targetVariant[member])
                if memberMatched, variantIndex >= 0, variant == nil {
                    variant = catalog.intents[intent].variants[variantIndex].id
                }
                score = max(score, memberScore)
                matched = matched || memberMatched
            }
            var evidence: [Evidence] = []
            for hit in hits where (target..<end).contains(Int(rules.ruleTarget[Int(hit.rule)])) {
                let lower = Int(tokens[Int(hit.start)].start), upper = Int(tokens[Int(hit.end) - 1].end)
                evidence.append(Evidence(
                    kind: rules.ruleKind[Int(hit.rule)], rule: rules.ruleText[Int(hit.rule)],
                    words: String(decoding: UnsafeBufferPointer(rebasing: bytes[lower..<upper]), as: UTF8.self), negated: hit.negated
                ))
            }
            patternEvidence.removeAll { entry in
                guard (target..<end).contains(entry.target) else { return false }
                evidence.append(entry.evidence)
                return true
            }
            candidates.append(candidate(intent, variant: variant, score: score, matched: matched, evidence: evidence))
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

    /// The escape hatch: moderators' regular expressions over the normalized text.
    private func matchPatterns(_ message: String, scores: UnsafeMutableBufferPointer<Double>) -> [(target: Int, evidence: Evidence)] {
        let text = TextNormalizer.normalize(message)
        var found: [(target: Int, evidence: Evidence)] = []
        for (target, patterns) in rules.targetPatterns.enumerated() {
            for pattern in patterns {
                guard let match = try? pattern.regex.firstMatch(in: text) else { continue }
                scores[target] += 1
                found.append((target, Evidence(kind: .pattern, rule: pattern.source.value, words: String(text[match.range]), negated: false)))
            }
        }
        return found
    }

    /// An intent chosen by other means than its words (a patient's `!ambassador`), as a candidate.
    public func candidate(forIntent id: String) -> Candidate? {
        intentIDs.firstIndex(of: id).map { candidate($0, variant: nil, score: 1, matched: true, evidence: []) }
    }

    private func candidate(_ intent: Int, variant: String?, score: Double, matched: Bool, evidence: [Evidence]) -> Candidate {
        Candidate(
            intentID: intentIDs[intent], variantID: variant, priority: priorities[intent], escalate: escalations[intent],
            score: score, matched: matched, evidence: evidence
        )
    }
}
