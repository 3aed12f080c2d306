/// One pass of the rules over one message's words, in scratch space the caller provides:
/// finds where each concept occurs, which rules match, and adds up every target's score.
///
/// Positions are visited from the last word to the first, so that when a pattern continues
/// with a concept at a later word, every occurrence there is already known; occurrences at the
/// current word complete the patterns that start with their concept as they are found.
struct MessageScan {
    /// A word of the message, as the matcher sees it.
    struct Token {
        var key: Int32
        /// The word's bytes in the message.
        var start: Int32
        var end: Int32
        /// Words since the last negation in the same clause; `Int32.max` when there is none.
        var sinceNegation: Int32
        /// Which sentence of the message the word is in.
        var sentence: Int32
        /// The fuzzy word a misspelling stands for, or -1.
        var typoOf: Int32
    }

    /// A concept found at words `start..<end`; `next` links the others found at `start`.
    struct Occurrence {
        var concept: Int32
        var start: Int32
        var end: Int32
        var next: Int32
    }

    /// A rule that matched, kept as evidence.
    struct Hit {
        var rule: Int32
        var start: Int32
        var end: Int32
        var negated: Bool
        var outOfContext: Bool
        /// A `together` rule: its number among them, and where its chosen occurrences are in
        /// `chosen`; -1 for other rules.
        var together: Int32
        var chosenStart: Int32
    }

    /// The buffers a scan works in, from `ScratchSpace`.
    struct Scratch {
        let scores: UnsafeMutableBufferPointer<Double>
        /// One byte per target (bit 0 excluded, bit 1 a required word is there), then one byte per
        /// rule (bit 0 counted, bit 1 kept as uncounted evidence).
        let flags: UnsafeMutableBufferPointer<UInt8>
        let hits: UnsafeMutableBufferPointer<Hit>
        let occurrences: UnsafeMutableBufferPointer<Occurrence>
        /// The first occurrence at each word, or -1.
        let heads: UnsafeMutableBufferPointer<Int32>
        /// One byte per concept: it occurs somewhere in the message.
        let conceptSeen: UnsafeMutableBufferPointer<UInt8>
        /// The concepts that occur, in the order first found (as many as concepts at most).
        let seenConcepts: UnsafeMutableBufferPointer<Int32>
        /// The occurrences each matched `together` rule chose, one per term.
        let chosen: UnsafeMutableBufferPointer<Int32>
        /// One byte per intent: a rule of it matched (filled when ranking).
        let intentTouched: UnsafeMutableBufferPointer<UInt8>
    }

    let rules: CompiledRules
    let tokens: UnsafeBufferPointer<Token>
    /// The conversation's risk level: a target's `context` rules count from its `targetContextLevel`.
    let riskLevel: Double
    let scores: UnsafeMutableBufferPointer<Double>
    let flags: UnsafeMutableBufferPointer<UInt8>
    let hits: UnsafeMutableBufferPointer<Hit>
    private(set) var hitCount = 0
    let occurrences: UnsafeMutableBufferPointer<Occurrence>
    private(set) var occurrenceCount = 0
    let heads: UnsafeMutableBufferPointer<Int32>
    let conceptSeen: UnsafeMutableBufferPointer<UInt8>
    let seenConcepts: UnsafeMutableBufferPointer<Int32>
    private var seenConceptCount = 0
    let chosen: UnsafeMutableBufferPointer<Int32>
    private var chosenCount = 0
    let intentTouched: UnsafeMutableBufferPointer<UInt8>

    static let excluded: UInt8 = 1, required: UInt8 = 2, counted: UInt8 = 1, shownUncounted: UInt8 = 2
    /// An answer to the bot's question starts within this many words ("yes", "honestly? yes",
    /// "its embarrassing but yes"); later in a message the same words are about something else.
    static let answerReach = 6

    /// How much scratch space a message of `tokenCount` words needs for occurrences.
    static func occurrenceCapacity(tokenCount: Int) -> Int { tokenCount * 8 + 64 }

    init(rules: CompiledRules, tokens: UnsafeBufferPointer<Token>, riskLevel: Double, scratch: Scratch) {
        self.rules = rules
        self.tokens = tokens
        self.riskLevel = riskLevel
        scores = scratch.scores
        flags = scratch.flags
        hits = scratch.hits
        occurrences = scratch.occurrences
        heads = scratch.heads
        conceptSeen = scratch.conceptSeen
        seenConcepts = scratch.seenConcepts
        chosen = scratch.chosen
        intentTouched = scratch.intentTouched
        intentTouched.initialize(repeating: 0)
        scores.initialize(repeating: 0)
        flags.initialize(repeating: 0)
        heads.initialize(repeating: -1)
        conceptSeen.initialize(repeating: 0)
    }

    // MARK: - Patterns

    mutating func matchPatterns() {
        var position = tokens.count - 1
        while position >= 0 {
            let key = tokens[position].key
            if key >= 0 { extendAll(rules.byFirstWord, key: Int(key), at: position + 1, from: position) }
            position -= 1
        }
    }

    /// Matches pattern `pattern` from its element `element` at word `position`; every way it
    /// completes is a match for its owner from word `start`.
    private mutating func extend(pattern: Int, element: Int, at position: Int, from start: Int) {
        let index = Int(rules.patternStart[pattern]) + element
        guard index < Int(rules.patternStart[pattern + 1]) else {
            return found(owner: rules.patternOwner[pattern], start: start, end: position)
        }
        guard position < tokens.count else { return }
        let next = rules.elements[index]
        if next >= 0 {
            if tokens[position].key == next { extend(pattern: pattern, element: element + 1, at: position + 1, from: start) }
            return
        }
        let concept = -2 - next
        var occurrence = heads[position]
        while occurrence >= 0 {
            let found = occurrences[Int(occurrence)]
            if found.concept == concept { extend(pattern: pattern, element: element + 1, at: Int(found.end), from: start) }
            occurrence = found.next
        }
    }

    private mutating func found(owner: Int32, start: Int, end: Int) {
        if owner >= 0 { return record(rule: Int(owner), start: start, end: end, together: -1, chosenStart: -1) }
        let concept = -1 - owner
        var occurrence = heads[start]
        while occurrence >= 0 {
            let other = occurrences[Int(occurrence)]
            if other.concept == concept, Int(other.end) == end { return }
            occurrence = other.next
        }
        guard occurrenceCount < occurrences.count else { return }
        occurrences[occurrenceCount] = Occurrence(concept: concept, start: Int32(start), end: Int32(end), next: heads[start])
        heads[start] = Int32(occurrenceCount)
        occurrenceCount += 1
        if conceptSeen[Int(concept)] == 0 {
            conceptSeen[Int(concept)] = 1
            seenConcepts[seenConceptCount] = concept
            seenConceptCount += 1
        }
        extendAll(rules.byFirstConcept, key: Int(concept), at: end, from: start)
    }

    /// Goes on with every pattern listed under `key`, from its second element at word
    /// `position`; those whose second word is not the word there are skipped unread.
    private mutating func extendAll(_ index: CompiledRules.Index, key: Int, at position: Int, from start: Int) {
        let slots = Int(index.start[key])..<Int(index.start[key + 1])
        guard !slots.isEmpty else { return }
        let words = Int(index.wordsStart[key])
        for slot in slots.lowerBound..<words {
            extend(pattern: Int(index.list[slot]), element: 1, at: position, from: start)
        }
        let next = position < tokens.count ? tokens[position].key : Lexicon.unknown
        guard next >= 0 else { return }
        var slot = index.firstSlot(atLeast: next, in: words..<slots.upperBound)
        while slot < slots.upperBound, index.second[slot] == next {
            extend(pattern: Int(index.list[slot]), element: 1, at: position, from: start)
            slot += 1
        }
    }

    // MARK: - Together

    /// Each `together` rule is looked at only if its first term occurs, and matched if all do.
    mutating func matchTogether() {
        let index = rules.togetherByFirstTerm
        for seen in 0..<seenConceptCount {
            let concept = Int(seenConcepts[seen])
            for slot in Int(index.start[concept])..<Int(index.start[concept + 1]) {
                matchTogether(Int(index.list[slot]))
            }
        }
    }

    private mutating func matchTogether(_ together: Int) {
        let terms = Int(rules.togetherTermStart[together])..<Int(rules.togetherTermStart[together + 1])
        guard terms.allSatisfy({ conceptSeen[Int(rules.togetherTerms[$0])] != 0 }), chosenCount + terms.count <= chosen.count else { return }
        let window = Int(rules.togetherWithin[together])
        for anchor in 0..<occurrenceCount where terms.contains(where: { rules.togetherTerms[$0] == occurrences[anchor].concept }) {
            guard choose(terms, from: Int(occurrences[anchor].start), window: window) else { continue }
            var start = Int.max, end = 0
            for slot in chosenCount..<chosenCount + terms.count {
                start = min(start, Int(occurrences[Int(chosen[slot])].start))
                end = max(end, Int(occurrences[Int(chosen[slot])].end))
            }
            let chosenStart = chosenCount
            chosenCount += terms.count
            record(rule: Int(rules.togetherRule[together]), start: start, end: end, together: together, chosenStart: chosenStart)
            return
        }
    }

    /// Picks, into `chosen` after `chosenCount`, one occurrence of each term that starts in the
    /// same sentence at most `window` words after `first`; whether every term had one.
    private func choose(_ terms: Range<Int>, from first: Int, window: Int) -> Bool {
        let sentence = tokens[first].sentence
        for (slot, term) in terms.enumerated() {
            var pick = -1
            for candidate in 0..<occurrenceCount {
                let occurrence = occurrences[candidate]
                let start = Int(occurrence.start)
                guard occurrence.concept == rules.togetherTerms[term], start >= first, start - first <= window,
                      tokens[start].sentence == sentence else { continue }
                if pick < 0 || start < Int(occurrences[pick].start) { pick = candidate }
            }
            guard pick >= 0 else { return false }
            chosen[chosenCount + slot] = Int32(pick)
        }
        return true
    }

    // MARK: - Scores

    /// Adds what a rule's match is worth, once per rule, and keeps it as evidence if there is room.
    private mutating func record(rule: Int, start: Int, end: Int, together: Int, chosenStart: Int) {
        let target = Int(rules.ruleTarget[rule])
        guard start < Self.answerReach || !rules.targetAnswersQuestion[target] else { return }
        let kind = rules.ruleKind[rule]
        let negated = rules.targetNegationApplies[target] && kind.isNegatable && tokens[start].sinceNegation <= rules.settings.negationWindow
        let outOfContext = kind == .context && riskLevel < rules.targetContextLevel[target]
        let seen = negated || outOfContext ? Self.shownUncounted : Self.counted
        let ruleFlag = rules.targetCount + rule
        guard flags[ruleFlag] & seen == 0 else { return }
        flags[ruleFlag] |= seen
        if seen == Self.counted {
            switch kind {
            case .phrase, .pattern, .together, .context: scores[target] += 1
            case .hint: scores[target] += rules.settings.hintWeight
            case .require: flags[target] |= Self.required
            case .exclude: flags[target] |= Self.excluded
            case .learned: break // not a rule: the model is read after the scan
            }
        }
        guard hitCount < hits.count else { return }
        hits[hitCount] = Hit(rule: Int32(rule), start: Int32(start), end: Int32(end), negated: negated, outOfContext: outOfContext,
                             together: Int32(together), chosenStart: Int32(chosenStart))
        hitCount += 1
    }
}

extension Evidence.Kind {
    /// A negation word before it cancels it, where the intent's negation applies.
    var isNegatable: Bool {
        switch self {
        case .phrase, .hint, .together, .context: true
        case .require, .exclude, .pattern, .learned: false
        }
    }
}
