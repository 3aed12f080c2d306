import Foundation

/// Reads a message as one of the catalog's intents. Pure and `Sendable`: build it once from
/// the rules, then call `classify` from anywhere, as often as needed.
///
/// Every rule's words are numbered once at build time; a message is then scanned in a single
/// pass over its words (see `MessageScan`), and scores add up in scratch space on the stack.
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

    /// The message as one patient's, remembering their conversation: returns what it is read
    /// as and the memory after it.
    public func classify(_ message: String, remembering memory: RiskMemory, at date: Date) -> (Classification, RiskMemory) {
        let fade = catalog.settings.riskFade
        let classification = classify(message, riskLevel: memory.level(at: date, fadingOver: fade))
        return (classification, memory.after(raising: classification.riskRaise, at: date, fadingOver: fade))
    }

    /// - Parameter riskLevel: the conversation's risk level before this message (0: nothing
    ///   worrying is known, as for a message on its own).
    public func classify(_ message: String, riskLevel: Double = 0) -> Classification {
        let raised = riskLevel >= catalog.settings.raisedRiskLevel
        return TextNormalizer.withScannableUTF8(message) { bytes in
            withUnsafeTemporaryAllocation(of: MessageScan.Token.self, capacity: (bytes.count / 2 + 1) * rules.longestReplacement) { tokenBuffer in
                let tokens = UnsafeBufferPointer(rebasing: tokenBuffer[0..<tokenize(bytes, into: tokenBuffer)])
                return withScratch(tokenCount: tokens.count) { scores, flags, hits, occurrences, heads, seen, chosen in
                    var scan = MessageScan(rules: rules, settings: catalog.settings, tokens: tokens, riskRaised: raised, scores: scores, flags: flags,
                                           hits: hits, occurrences: occurrences, heads: heads, conceptSeen: seen, chosen: chosen)
                    scan.matchPatterns()
                    scan.matchTogether()
                    var found = UnsafeMutableBufferPointer(rebasing: hits[0..<scan.hitCount])
                    found.sort { $0.start < $1.start }
                    return rank(UnsafeBufferPointer(found), scan: scan, bytes: bytes, message: message, riskLevel: riskLevel, raised: raised)
                }
            }
        }
    }

    private func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, into tokens: UnsafeMutableBufferPointer<MessageScan.Token>) -> Int {
        var count = 0
        var lastNegation = -1
        var sentence: Int32 = 0
        rules.lexicon.forEachWord(bytes) { word in
            let flags = word.key >= 0 ? rules.wordFlags[Int(word.key)] : 0
            if word.breakBefore != .none || flags & 2 != 0 { lastNegation = -1 }
            if word.breakBefore == .sentence { sentence += 1 }
            let since = lastNegation >= 0 ? Int32(count - lastNegation) : Int32.max
            tokens[count] = MessageScan.Token(key: word.key, start: Int32(word.range.lowerBound), end: Int32(word.range.upperBound),
                                              sinceNegation: since, sentence: sentence, typoOf: word.typoOf)
            if flags & 1 != 0 { lastNegation = count }
            count += 1
        }
        return count
    }

    /// Scratch space for one scan, on the stack when it is small.
    private func withScratch<Result>(
        tokenCount: Int,
        _ body: (UnsafeMutableBufferPointer<Double>, UnsafeMutableBufferPointer<UInt8>, UnsafeMutableBufferPointer<MessageScan.Hit>,
                 UnsafeMutableBufferPointer<MessageScan.Occurrence>, UnsafeMutableBufferPointer<Int32>, UnsafeMutableBufferPointer<UInt8>,
                 UnsafeMutableBufferPointer<Int32>) -> Result
    ) -> Result {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: rules.targetCount) { scores in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: rules.targetCount + rules.ruleCount + rules.conceptCount) { bytes in
                withUnsafeTemporaryAllocation(of: MessageScan.Hit.self, capacity: Self.maximumEvidence) { hits in
                    withUnsafeTemporaryAllocation(of: MessageScan.Occurrence.self, capacity: MessageScan.occurrenceCapacity(tokenCount: tokenCount)) { occurrences in
                        withUnsafeTemporaryAllocation(of: Int32.self, capacity: tokenCount + 1 + rules.togetherTerms.count) { numbers in
                            let flags = UnsafeMutableBufferPointer(rebasing: bytes[0..<(rules.targetCount + rules.ruleCount)])
                            let seen = UnsafeMutableBufferPointer(rebasing: bytes[(rules.targetCount + rules.ruleCount)...])
                            let heads = UnsafeMutableBufferPointer(rebasing: numbers[0..<(tokenCount + 1)])
                            let chosen = UnsafeMutableBufferPointer(rebasing: numbers[(tokenCount + 1)...])
                            return body(scores, flags, hits, occurrences, heads, seen, chosen)
                        }
                    }
                }
            }
        }
    }

    // MARK: - Ranking

    /// One candidate per intent that any rule touched, matched ones first.
    private func rank(_ hits: UnsafeBufferPointer<MessageScan.Hit>, scan: MessageScan, bytes: UnsafeBufferPointer<UInt8>, message: String,
                      riskLevel: Double, raised: Bool) -> Classification {
        var patternEvidence = rules.hasPatterns ? matchPatterns(message, scores: scan.scores) : []
        guard !hits.isEmpty || !patternEvidence.isEmpty else {
            return Classification(best: candidate(fallback, variant: nil, risk: nil, score: 0, matched: true, evidence: []), candidates: [],
                                  priorRiskLevel: riskLevel, riskWasRaised: raised, warningSigns: [])
        }
        let threshold = catalog.settings.threshold
        var candidates: [Candidate] = []
        var warningSigns: [Evidence] = []
        var target = 0
        while target < rules.targetCount {
            let intent = Int(rules.targetIntent[target])
            var end = target
            while end < rules.targetCount, Int(rules.targetIntent[end]) == intent { end += 1 }
            defer { target = end }
            let members = target..<end
            let touched = hits.contains { members.contains(Int(rules.ruleTarget[Int($0.rule)])) }
                || patternEvidence.contains { members.contains($0.target) }
            guard touched else { continue }
            var score = 0.0, matched = false, variant: String?, risk: RiskLevel?, bestStanding = -1
            var evidence: [Evidence] = []
            for member in members {
                let memberScore = min(1, scan.scores[member])
                let memberMatched = memberScore >= threshold && scan.flags[member] & MessageScan.excluded == 0
                    && (!rules.targetHasRequire[member] || scan.flags[member] & MessageScan.required != 0)
                let variantIndex = Int(rules.targetVariant[member])
                let memberEvidence = self.evidence(hits, target: member, scan: scan, bytes: bytes)
                if variantIndex == Int(CompiledRules.warningSignsTarget) {
                    if memberMatched { warningSigns = memberEvidence }
                    continue
                }
                evidence += memberEvidence
                // The surest risk wins; at the same risk a variant says more than the intent itself.
                let standing = Int(rules.targetRisk[member]) * 2 + (variantIndex >= 0 ? 1 : 0)
                if memberMatched, standing > bestStanding {
                    bestStanding = standing
                    variant = variantIndex >= 0 ? catalog.intents[intent].variants[variantIndex].id : nil
                    risk = rules.targetRisk[member] == 2 ? .definite : rules.targetRisk[member] == 1 ? .possible : nil
                }
                score = max(score, memberScore)
                matched = matched || memberMatched
            }
            patternEvidence.removeAll { entry in
                guard members.contains(entry.target) else { return false }
                evidence.append(entry.evidence)
                return true
            }
            guard !evidence.isEmpty else { continue }
            candidates.append(candidate(intent, variant: variant, risk: risk, score: score, matched: matched, evidence: evidence))
        }
        candidates.sort { a, b in
            if a.matched != b.matched { return a.matched }
            if a.matched, a.priority != b.priority { return a.priority > b.priority }
            return a.score > b.score
        }
        let best = candidates.first.flatMap { $0.matched ? $0 : nil }
            ?? candidate(fallback, variant: nil, risk: nil, score: 0, matched: true, evidence: [])
        return Classification(best: best, candidates: candidates, priorRiskLevel: riskLevel, riskWasRaised: raised, warningSigns: warningSigns)
    }

    /// What the hits of one target show a moderator.
    private func evidence(_ hits: UnsafeBufferPointer<MessageScan.Hit>, target: Int, scan: MessageScan, bytes: UnsafeBufferPointer<UInt8>) -> [Evidence] {
        var evidence: [Evidence] = []
        for hit in hits where Int(rules.ruleTarget[Int(hit.rule)]) == target {
            let tokens = scan.tokens
            func text(_ start: Int, _ end: Int) -> String {
                let lower = Int(tokens[start].start), upper = Int(tokens[end - 1].end)
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[lower..<upper]), as: UTF8.self)
            }
            let rule = Int(hit.rule)
            var terms: [Evidence.TermMatch] = []
            var distance: Int?
            if hit.chosenStart >= 0, let together = rules.togetherRule.firstIndex(of: Int32(rule)) {
                let termRange = Int(rules.togetherTermStart[together])..<Int(rules.togetherTermStart[together + 1])
                let picks = termRange.enumerated().map { slot, term in
                    (term: term, occurrence: scan.occurrences[Int(scan.chosen[Int(hit.chosenStart) + slot])])
                }.sorted { $0.occurrence.start < $1.occurrence.start }
                terms = picks.map { Evidence.TermMatch(term: rules.togetherTermText[$0.term], words: text(Int($0.occurrence.start), Int($0.occurrence.end))) }
                distance = Int(picks.last!.occurrence.start - picks.first!.occurrence.start)
            }
            var entry = Evidence(kind: rules.ruleKind[rule], rule: rules.ruleText[rule],
                                 words: terms.isEmpty ? text(Int(hit.start), Int(hit.end)) : terms.map(\.words).joined(separator: " … "),
                                 negated: hit.negated)
            entry.outOfContext = hit.outOfContext
            entry.terms = terms
            entry.distance = distance
            for position in Int(hit.start)..<Int(hit.end) where tokens[position].typoOf >= 0 {
                entry.typos.append(Evidence.Typo(written: text(position, position + 1),
                                                 readAs: rules.lexicon.fuzzyWords[Int(tokens[position].typoOf)]))
            }
            evidence.append(entry)
        }
        return evidence
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
        intentIDs.firstIndex(of: id).map { candidate($0, variant: nil, risk: nil, score: 1, matched: true, evidence: []) }
    }

    private func candidate(_ intent: Int, variant: String?, risk: RiskLevel?, score: Double, matched: Bool, evidence: [Evidence]) -> Candidate {
        Candidate(
            intentID: intentIDs[intent], variantID: variant, priority: priorities[intent], escalate: escalations[intent],
            risk: risk, score: score, matched: matched, evidence: evidence
        )
    }
}
