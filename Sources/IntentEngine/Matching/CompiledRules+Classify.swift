import Foundation

/// Classifying one message with the compiled rules: tokenize, scan (`MessageScan`), rank.
/// Methods of the class, so the closures around the scratch space capture one reference.
extension CompiledRules {
    /// At most this many rule matches are kept as evidence for one message; all of them count.
    static let maximumEvidence = 64

    /// - Parameters:
    ///   - planIsRecent: the patient told of a harmless plan lately (see `Intent.harmlessPlans`).
    ///   - questionIsRecent: the bot asked them lately whether they are thinking about ending
    ///     their life (see `Intent.Variant.answersQuestion`).
    func classify(_ message: String, riskLevel: Double, planIsRecent: Bool, questionIsRecent: Bool, evidence detail: EvidenceDetail) -> Classification {
        let raised = riskLevel >= settings.raisedRiskLevel
        // A recent harmless plan explains a finality line, unless the risk is raised: after a
        // warning sign, the plan may be the cover, and a question costs a moment.
        let discounting = planIsRecent && !raised
        return TextNormalizer.withScannableUTF8(message) { bytes in
            withUnsafeTemporaryAllocation(of: MessageScan.Token.self, capacity: (bytes.count / 2 + 1) * longestReplacement) { tokenBuffer in
                let tokens = UnsafeBufferPointer(rebasing: tokenBuffer[0..<tokenize(bytes, into: tokenBuffer)])
                return withScratch(tokenCount: tokens.count) { scratch, standings in
                    var scan = MessageScan(rules: self, tokens: tokens, riskLevel: riskLevel, scratch: scratch)
                    scan.matchPatterns()
                    scan.matchTogether()
                    var found = UnsafeMutableBufferPointer(rebasing: scratch.hits[0..<scan.hitCount])
                    found.sort { $0.start < $1.start }
                    let ranked = rank(UnsafeBufferPointer(found), scan: scan, standings: standings, bytes: bytes, message: message, riskLevel: riskLevel,
                                      raised: raised, discounting: discounting, questionIsRecent: questionIsRecent, evidence: detail)
                    var read = readingLearned(ranked, bytes: bytes, message: message, discounting: discounting, evidence: detail)
                    read.questionWasOpen = questionIsRecent
                    read.answeredNo = questionIsRecent && answersNo(tokens, hits: UnsafeBufferPointer(found))
                    return read
                }
            }
        }
    }

    /// Whether a message answers the bot's direct question no: a negation among its first
    /// words ("no", "nope, just tired", "of course not"), or an answer's words under one ("it
    /// never crossed my mind"). It only closes the question; it never vetoes a crisis.
    private func answersNo(_ tokens: UnsafeBufferPointer<MessageScan.Token>, hits: UnsafeBufferPointer<MessageScan.Hit>) -> Bool {
        tokens.prefix(MessageScan.answerReach).contains { $0.key >= 0 && wordFlags[Int($0.key)] & 1 != 0 }
            || hits.contains { $0.negated && targetAnswersQuestion[Int(ruleTarget[Int($0.rule)])] }
    }

    private func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, into tokens: UnsafeMutableBufferPointer<MessageScan.Token>) -> Int {
        var count = 0
        var lastNegation = -1
        var sentence: Int32 = 0
        lexicon.forEachWord(bytes) { word in
            let flags = word.key >= 0 ? wordFlags[Int(word.key)] : 0
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

    /// Scratch space for one scan and its ranking, in one allocation.
    private func withScratch<Result>(tokenCount: Int, _ body: (MessageScan.Scratch, UnsafeMutableBufferPointer<Standing>) -> Result) -> Result {
        var space = ScratchSpace()
        let scores = space.add(Double.self, count: targetCount)
        let hits = space.add(MessageScan.Hit.self, count: Self.maximumEvidence)
        let occurrences = space.add(MessageScan.Occurrence.self, count: MessageScan.occurrenceCapacity(tokenCount: tokenCount))
        let heads = space.add(Int32.self, count: tokenCount + 1)
        let chosen = space.add(Int32.self, count: togetherTerms.count)
        let flags = space.add(UInt8.self, count: targetCount + ruleCount)
        let seen = space.add(UInt8.self, count: conceptCount)
        let seenConcepts = space.add(Int32.self, count: conceptCount)
        let intentTouched = space.add(UInt8.self, count: intentIDs.count)
        let standings = space.add(Standing.self, count: intentIDs.count)
        return space.withAllocation { raw in
            body(MessageScan.Scratch(
                scores: scores.bound(in: raw), flags: flags.bound(in: raw), hits: hits.bound(in: raw), occurrences: occurrences.bound(in: raw),
                heads: heads.bound(in: raw), conceptSeen: seen.bound(in: raw), seenConcepts: seenConcepts.bound(in: raw), chosen: chosen.bound(in: raw),
                intentTouched: intentTouched.bound(in: raw)
            ), standings.bound(in: raw))
        }
    }

    // MARK: - Ranking

    /// How one intent stands, before its evidence is written out. Plain numbers, so that the
    /// standings sit in scratch space rather than in an array of their own.
    private struct Standing {
        let intent: Int
        let members: Range<Int>
        /// The matched variant's index in its intent, or -1.
        var variant = -1
        var risk: RiskLevel?
        var score = 0.0
        var matched = false
    }

    /// One candidate per intent that any rule touched, matched ones first, with the evidence
    /// `detail` asks for.
    private func rank(_ hits: UnsafeBufferPointer<MessageScan.Hit>, scan: MessageScan, standings space: UnsafeMutableBufferPointer<Standing>,
                      bytes: UnsafeBufferPointer<UInt8>, message: String, riskLevel: Double, raised: Bool, discounting: Bool,
                      questionIsRecent: Bool, evidence detail: EvidenceDetail) -> Classification {
        let patternEvidence = hasPatterns || (questionIsRecent && hasAnswerPatterns)
            ? matchPatterns(message, scores: scan.scores, questionIsRecent: questionIsRecent) : []
        guard !hits.isEmpty || !patternEvidence.isEmpty else {
            return Classification(best: candidate(fallback, variant: nil, risk: nil, score: 0, matched: true, evidence: []), candidates: [],
                                  priorRiskLevel: riskLevel, riskWasRaised: raised, warningSigns: [], readAsWarningSign: false)
        }
        var standingCount = 0
        var warningSigns: [Evidence] = []
        var plan = Classification.Plan()
        let touchedIntents = scan.intentTouched
        for hit in hits { touchedIntents[Int(targetIntent[Int(ruleTarget[Int(hit.rule)])])] = 1 }
        for entry in patternEvidence { touchedIntents[Int(targetIntent[entry.target])] = 1 }
        for intent in 0..<intentIDs.count where touchedIntents[intent] != 0 {
            let target = Int(intentTargetStart[intent]), end = Int(intentTargetStart[intent + 1])
            // Crisis's warning signs and harmless plans come last among its targets, and are not part of the candidate.
            var membersEnd = end
            while membersEnd > target, targetVariant[membersEnd - 1] < CompiledRules.mainTarget { membersEnd -= 1 }
            let members = target..<membersEnd
            let touched = hits.contains { members.contains(Int(ruleTarget[Int($0.rule)])) }
                || patternEvidence.contains { members.contains($0.target) }
            var standing = Standing(intent: intent, members: members)
            var bestStanding = -1
            for member in target..<end {
                let memberScore = min(1, scan.scores[member])
                var memberMatched = memberScore >= settings.threshold && scan.flags[member] & MessageScan.excluded == 0
                    && (!targetHasRequire[member] || scan.flags[member] & MessageScan.required != 0)
                    && (questionIsRecent || !targetAnswersQuestion[member])
                let variantIndex = Int(targetVariant[member])
                if targetVariant[member] == CompiledRules.warningSignsTarget {
                    if memberMatched { warningSigns = evidence(hits, targets: member..<member + 1, scan: scan, bytes: bytes) }
                    continue
                }
                if targetVariant[member] == CompiledRules.harmlessPlansTarget {
                    if memberMatched {
                        plan.told = true
                        if detail != .none { plan.evidence = evidence(hits, targets: member..<member + 1, scan: scan, bytes: bytes) }
                    }
                    continue
                }
                if memberMatched, discounting, targetDiscountedByPlans[member] {
                    memberMatched = false
                    plan.discounted.append(variantIDs[intent][variantIndex])
                }
                // The surest risk wins; at the same risk a variant says more than the intent itself.
                let rank = Int(targetRisk[member]) * 2 + (variantIndex >= 0 ? 1 : 0)
                if memberMatched, rank > bestStanding {
                    bestStanding = rank
                    standing.variant = variantIndex
                    standing.risk = targetRisk[member] == 2 ? .definite : targetRisk[member] == 1 ? .possible : nil
                }
                standing.score = max(standing.score, memberScore)
                standing.matched = standing.matched || memberMatched
            }
            if touched {
                space[standingCount] = standing
                standingCount += 1
            }
        }
        var standings = UnsafeMutableBufferPointer(rebasing: space[0..<standingCount])
        standings.sort { a, b in
            if a.matched != b.matched { return a.matched }
            if a.matched, priorities[a.intent] != priorities[b.intent] { return priorities[a.intent] > priorities[b.intent] }
            return a.score > b.score
        }
        let candidates = standings.enumerated().map { index, standing in
            let written = detail == .all || (detail == .result && index == 0 && standing.matched)
            var evidence: [Evidence] = []
            if written {
                evidence = self.evidence(hits, targets: standing.members, scan: scan, bytes: bytes)
                for entry in patternEvidence where standing.members.contains(entry.target) { evidence.append(entry.evidence) }
            }
            return candidate(standing.intent, variant: standing.variant >= 0 ? variantIDs[standing.intent][standing.variant] : nil, risk: standing.risk, score: standing.score, matched: standing.matched, evidence: evidence)
        }
        let best = candidates.first.flatMap { $0.matched ? $0 : nil }
            ?? candidate(fallback, variant: nil, risk: nil, score: 0, matched: true, evidence: [])
        let readAsWarningSign = standings.first.map { $0.matched && isWarningIntent[$0.intent] } ?? false
        return Classification(best: best, candidates: candidates, priorRiskLevel: riskLevel, riskWasRaised: raised, warningSigns: warningSigns,
                              readAsWarningSign: readAsWarningSign, plan: plan)
    }

    /// The learned models read a message the rules do not read as a crisis: the crisis model,
    /// then the topic model if it is still left to fallback.
    private func readingLearned(_ ranked: Classification, bytes: UnsafeBufferPointer<UInt8>, message: String, discounting: Bool,
                                evidence detail: EvidenceDetail) -> Classification {
        guard ranked.best.risk == nil, learnedFeatures.readsAnything else { return ranked }
        return learnedFeatures.withKnownFeatures(in: bytes) { known in
            readingLearnedTopic(readingLearnedCrisis(ranked, known: known, message: message, discounting: discounting, evidence: detail),
                                known: known, message: message, evidence: detail)
        }
    }

    /// A message the rules do not read as a crisis, that the learned model does, is a possible
    /// crisis (the `learned` variant) ahead of what the rules found. The model never lowers a risk.
    private func readingLearnedCrisis(_ ranked: Classification, known: UnsafeBufferPointer<Int32>, message: String, discounting: Bool,
                                      evidence detail: EvidenceDetail) -> Classification {
        guard let score = learnedFeatures.crisisScore(known), score > learnedFeatures.crisisThreshold, let learned else { return ranked }
        guard !(discounting && learned.discountedByPlans) else {
            var discounted = ranked
            discounted.plan.discounted.append(learned.variant)
            return discounted
        }
        let evidence = detail == .none ? [] : [Evidence(kind: .learned, rule: "\(CrisisModel.fileName): score \(String(format: "%.2f", score)) above \(learned.model.threshold)",
                                                        words: learned.model.evidence(message).joined(separator: ", "), negated: false)]
        let best = candidate(learned.intent, variant: learned.variant, risk: .possible, score: 1, matched: true, evidence: evidence)
        return Classification(best: best, candidates: [best] + ranked.candidates.filter { $0.intentID != best.intentID },
                              priorRiskLevel: ranked.priorRiskLevel, riskWasRaised: ranked.riskWasRaised, warningSigns: ranked.warningSigns,
                              readAsWarningSign: false, plan: ranked.plan)
    }

    /// A message the rules leave to fallback, and the crisis model too, that the topic model
    /// reads as an everyday topic with at least its threshold's probability is answered as that
    /// topic; a warning intent read this way raises the conversation's risk, as a rule's would.
    private func readingLearnedTopic(_ ranked: Classification, known: UnsafeBufferPointer<Int32>, message: String,
                                     evidence detail: EvidenceDetail) -> Classification {
        guard ranked.best.risk == nil, ranked.best.intentID == intentIDs[fallback], let reading = learnedFeatures.topicReading(known),
              reading.probability >= learnedFeatures.topicThreshold, let topics, let intent = topics.intents[reading.index] else { return ranked }
        let evidence = detail == .none ? [] : [Evidence(kind: .learned, rule: "\(TopicModel.fileName): \(intentIDs[intent]) \(String(format: "%.2f", reading.probability)), at least \(topics.model.threshold)",
                                                        words: topics.model.evidence(message, for: intentIDs[intent]).joined(separator: ", "), negated: false)]
        let best = candidate(intent, variant: nil, risk: nil, score: reading.probability, matched: true, evidence: evidence)
        return Classification(best: best, candidates: [best] + ranked.candidates.filter { $0.intentID != best.intentID },
                              priorRiskLevel: ranked.priorRiskLevel, riskWasRaised: ranked.riskWasRaised, warningSigns: ranked.warningSigns,
                              readAsWarningSign: isWarningIntent[intent], plan: ranked.plan)
    }

    /// What the hits of some targets (an intent and its variants) show a moderator.
    private func evidence(_ hits: UnsafeBufferPointer<MessageScan.Hit>, targets: Range<Int>, scan: MessageScan, bytes: UnsafeBufferPointer<UInt8>) -> [Evidence] {
        var evidence: [Evidence] = []
        for hit in hits where targets.contains(Int(ruleTarget[Int(hit.rule)])) {
            let tokens = scan.tokens
            func text(_ start: Int, _ end: Int) -> String {
                let lower = Int(tokens[start].start), upper = Int(tokens[end - 1].end)
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[lower..<upper]), as: UTF8.self)
            }
            let rule = Int(hit.rule)
            var terms: [Evidence.TermMatch] = []
            var distance: Int?
            if hit.together >= 0 {
                let together = Int(hit.together)
                let termRange = Int(togetherTermStart[together])..<Int(togetherTermStart[together + 1])
                var picks: [(term: Int, occurrence: MessageScan.Occurrence)] = []
                for (slot, term) in termRange.enumerated() {
                    picks.append((term, scan.occurrences[Int(scan.chosen[Int(hit.chosenStart) + slot])]))
                }
                picks.sort { $0.occurrence.start < $1.occurrence.start }
                terms = picks.map { Evidence.TermMatch(term: togetherTermText[$0.term], words: text(Int($0.occurrence.start), Int($0.occurrence.end))) }
                distance = Int(picks.last!.occurrence.start - picks.first!.occurrence.start)
            }
            var entry = Evidence(kind: ruleKind[rule], rule: ruleText[rule],
                                 words: terms.isEmpty ? text(Int(hit.start), Int(hit.end)) : terms.map(\.words).joined(separator: " … "),
                                 negated: hit.negated)
            entry.outOfContext = hit.outOfContext
            if hit.outOfContext { entry.neededRiskLevel = targetContextLevel[Int(ruleTarget[rule])] }
            entry.terms = terms
            entry.distance = distance
            for position in Int(hit.start)..<Int(hit.end) where tokens[position].typoOf >= 0 {
                entry.typos.append(Evidence.Typo(written: text(position, position + 1),
                                                 readAs: lexicon.fuzzyWords[Int(tokens[position].typoOf)]))
            }
            evidence.append(entry)
        }
        return evidence
    }

    /// The escape hatch: moderators' regular expressions over the normalized text (before
    /// replacements: `^ya$` is a bare yes, though "ya" is read as "you" everywhere else).
    private func matchPatterns(_ message: String, scores: UnsafeMutableBufferPointer<Double>, questionIsRecent: Bool) -> [(target: Int, evidence: Evidence)] {
        let text = TextNormalizer.normalize(message)
        var found: [(target: Int, evidence: Evidence)] = []
        for (target, patterns) in targetPatterns.enumerated() where questionIsRecent || !targetAnswersQuestion[target] {
            for pattern in patterns {
                guard let match = try? pattern.regex.firstMatch(in: text) else { continue }
                scores[target] += 1
                found.append((target, Evidence(kind: .pattern, rule: pattern.source.value, words: String(text[match.range]), negated: false)))
            }
        }
        return found
    }

    func candidate(_ intent: Int, variant: String?, risk: RiskLevel?, score: Double, matched: Bool, evidence: [Evidence]) -> Candidate {
        Candidate(
            intentID: intentIDs[intent], variantID: variant, priority: priorities[intent], escalate: escalations[intent],
            risk: risk, score: score, matched: matched, evidence: evidence
        )
    }
}
