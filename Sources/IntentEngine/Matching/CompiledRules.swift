import Foundation
import Synchronization
import YAMLReader

/// Every intent's rules as flat arrays of numbers, built once. A class, so that a scan holds
/// one reference to it, not a copy of each array: a message costs no retains beyond that.
///
/// A rule text becomes a *pattern*: a sequence of elements, each a word's key (0 or more) or a
/// concept (`-2 - index`). A concept is itself a set of patterns. A pattern's match is for its
/// *owner*: a rule (0 or more) or a concept (`-1 - index`), whose match may complete others.
final class CompiledRules: Sendable {
    let lexicon: Lexicon
    let settings: CommonSettings

    // MARK: Patterns

    /// Pattern `p`'s elements are `elements[patternStart[p]..<patternStart[p + 1]]`.
    let patternStart: FrozenArray<Int32>
    let elements: FrozenArray<Int32>
    let patternOwner: FrozenArray<Int32>
    /// The patterns whose first element is word `w`: `byFirstWord.list[byFirstWord.start[w]..<byFirstWord.start[w + 1]]`.
    let byFirstWord: Index
    /// The patterns whose first element is concept `c`, likewise.
    let byFirstConcept: Index
    /// Named concepts first (as in the catalog), then the unnamed ones `together` terms need.
    let conceptCount: Int

    // MARK: Rules

    let ruleTarget: FrozenArray<Int32>
    let ruleKind: FrozenArray<Evidence.Kind>
    /// The rule as written, for evidence.
    let ruleText: [String]
    /// `together` rules: rule number, window, and terms (concepts)
    /// `togetherTerms[togetherTermStart[t]..<togetherTermStart[t + 1]]`; the terms as written alike.
    let togetherRule: FrozenArray<Int32>
    let togetherWithin: FrozenArray<Int32>
    let togetherTermStart: FrozenArray<Int32>
    let togetherTerms: FrozenArray<Int32>
    let togetherTermText: [String]
    /// The `together` rules whose first term is concept `c`: `togetherByFirstTerm.list[...]`.
    let togetherByFirstTerm: (start: FrozenArray<Int32>, list: FrozenArray<Int32>)

    // MARK: Targets

    /// A target is what a rule can make true: an intent, one of its variants, or crisis's warning
    /// signs or harmless plans. An intent's targets are `intentTargetStart[i]..<intentTargetStart[i + 1]`;
    /// warning signs and harmless plans come last.
    let targetIntent: FrozenArray<Int32>
    let intentTargetStart: FrozenArray<Int32>
    /// The variant's index in its intent, `-1` for the intent itself, `-2` for warning signs, `-3` for harmless plans.
    let targetVariant: FrozenArray<Int32>
    /// Crisis targets: 1 possible, 2 definite; 0 for every other intent.
    let targetRisk: FrozenArray<UInt8>
    /// Crisis variants marked `discounted_by_plans`.
    let targetDiscountedByPlans: FrozenArray<Bool>
    /// Crisis variants marked `answers_question`.
    let targetAnswersQuestion: FrozenArray<Bool>
    let targetNegationApplies: FrozenArray<Bool>
    let targetHasRequire: FrozenArray<Bool>
    /// The risk level from which a target's `context` rules count.
    let targetContextLevel: FrozenArray<Double>
    let targetPatterns: [[MatchRules.Pattern]]
    /// Whether any target that is not an answer to the direct question has patterns, and
    /// whether an answer has: a message is read by regular expressions only when one may count.
    let hasPatterns: Bool
    let hasAnswerPatterns: Bool

    // MARK: Intents, for candidates

    let intentIDs: [String]
    let priorities: FrozenArray<Int>
    let escalations: [Intent.Escalation]
    /// Per intent, its variants' ids.
    let variantIDs: [[String]]
    /// The intent that answers when nothing matches.
    let fallback: Int
    /// The learned crisis model and the crisis variant it matches, when the rules have both.
    let learned: (model: CrisisModel, intent: Int, variant: String, discountedByPlans: Bool)?
    /// The learned topic model, and per intent it knows, the intent it may answer with (nil:
    /// crisis, fallback, one that escalates, or one the rules no longer have).
    let topics: (model: TopicModel, intents: [Int?])?
    /// Both models' features, as a message is read by them.
    let learnedFeatures: LearnedFeatures
    /// Per intent: a message read as it is a warning sign (crisis's `warning_intents`).
    let isWarningIntent: [Bool]

    static let mainTarget: Int32 = -1
    static let warningSignsTarget: Int32 = -2
    static let harmlessPlansTarget: Int32 = -3

    /// For each rule word: 1 if it is a negation, 2 if it ends a clause.
    let wordFlags: FrozenArray<UInt8>
    /// The most keys one word of a message can become.
    let longestReplacement: Int

    var ruleCount: Int { ruleKind.count }
    var targetCount: Int { targetIntent.count }

    deinit {
        for array in [patternStart, elements, patternOwner, ruleTarget, togetherRule, togetherWithin, togetherTermStart, togetherTerms,
                      targetIntent, intentTargetStart, targetVariant] {
            array.deallocate()
        }
        byFirstWord.deallocate()
        byFirstConcept.deallocate()
        togetherByFirstTerm.start.deallocate()
        togetherByFirstTerm.list.deallocate()
        ruleKind.deallocate()
        targetRisk.deallocate()
        wordFlags.deallocate()
        targetNegationApplies.deallocate()
        targetDiscountedByPlans.deallocate()
        targetAnswersQuestion.deallocate()
        targetHasRequire.deallocate()
        targetContextLevel.deallocate()
        priorities.deallocate()
        learnedFeatures.deallocate()
    }

    /// Lists of pattern numbers by a key, flattened, each with the pattern's second element
    /// beside it and sorted by it (concepts and one-element patterns first, then words): a scan
    /// finds the patterns whose second word is the next one by a binary search, without
    /// touching the others (those reads, scattered over memory, were most of its time).
    struct Index: Sendable {
        let start: FrozenArray<Int32>
        /// Per key, the first slot of its list whose second element is a word.
        let wordsStart: FrozenArray<Int32>
        let list: FrozenArray<Int32>
        /// The pattern's second element, or `Index.single` when it has one element.
        let second: FrozenArray<Int32>

        static let single = Int32.min

        init(_ lists: [[Int32]], elements: [Int32], patternStart: [Int32]) {
            func second(of pattern: Int32) -> Int32 {
                let index = Int(patternStart[Int(pattern)]) + 1
                return index < Int(patternStart[Int(pattern) + 1]) ? elements[index] : Self.single
            }
            var start: [Int32] = [0]
            for list in lists { start.append(start.last! + Int32(list.count)) }
            let list = lists.flatMap { $0.sorted { (second(of: $0), $0) < (second(of: $1), $1) } }
            let seconds = list.map(second(of:))
            self.start = FrozenArray(start)
            wordsStart = FrozenArray(lists.indices.map { key in
                Int32(seconds[Int(start[key])..<Int(start[key + 1])].firstIndex { $0 >= 0 } ?? Int(start[key + 1]))
            })
            self.list = FrozenArray(list)
            self.second = FrozenArray(seconds)
        }

        /// The first slot in `range` whose second element is at least `value`, found without
        /// branching on the comparisons (which a processor cannot foresee).
        func firstSlot(atLeast value: Int32, in range: Range<Int>) -> Int {
            var low = range.lowerBound, count = range.count
            while count > 0 {
                let half = count / 2
                let below = second[low + half] < value
                low = below ? low + half + 1 : low
                count = below ? count - half - 1 : half
            }
            return low
        }

        func deallocate() {
            start.deallocate()
            wordsStart.deallocate()
            list.deallocate()
            second.deallocate()
        }
    }

    init(catalog: IntentCatalog) {
        let crisis = catalog.intents.firstIndex { $0.id == IntentCatalog.crisisID }
        let learned = catalog.crisisModel.flatMap { model in
            crisis.flatMap { crisis in
                catalog.intents[crisis].variants.first(where: \.learned).map { (model, crisis, $0.id, $0.discountedByPlans) }
            }
        }
        let answerable = catalog.topicsToLearn
        let topics = catalog.topicModel.map { model in
            (model, model.intents.map { id in answerable.contains(id) ? catalog.intents.firstIndex { $0.id == id } : nil })
        }
        (self.learned, self.topics) = (learned, topics)
        // The rules, the fuzzy words' misspellings and the learned models' table are each built
        // on whichever core is free.
        let (crisisModel, topicModel) = (learned?.0, topics?.0)
        let built = Mutex<Builder?>(nil), typos = Mutex(Lexicon.Typos()), features = Mutex<LearnedFeatures?>(nil)
        DispatchQueue.concurrentPerform(iterations: 3) { task in
            switch task {
            case 0:
                var builder = Builder(catalog: catalog)
                builder.addRules()
                built.withLock { $0 = builder }
            case 1:
                let found = Lexicon(settings: catalog.settings).typos(of: catalog.fuzzyWords.map(\.value), knownWords: catalog.knownWords)
                typos.withLock { $0 = found }
            default:
                let table = LearnedFeatures(crisis: crisisModel, topics: topicModel)
                features.withLock { $0 = table }
            }
        }
        var builder = built.withLock { $0! }
        builder.lexicon.addTypos(typos.withLock { $0 })
        learnedFeatures = features.withLock { $0! }
        let lexicon = builder.lexicon

        let wordCount = lexicon.ruleWordCount
        var byWord = Array(repeating: [Int32](), count: wordCount)
        var byConcept = Array(repeating: [Int32](), count: builder.conceptCount)
        for pattern in 0..<builder.patternOwner.count {
            let first = builder.elements[Int(builder.patternStart[pattern])]
            if first >= 0 { byWord[Int(first)].append(Int32(pattern)) } else { byConcept[Int(-2 - first)].append(Int32(pattern)) }
        }
        let starts = builder.patternStart + [Int32(builder.elements.count)]
        byFirstWord = Index(byWord, elements: builder.elements, patternStart: starts)
        byFirstConcept = Index(byConcept, elements: builder.elements, patternStart: starts)
        conceptCount = builder.conceptCount
        patternStart = FrozenArray(starts)
        elements = FrozenArray(builder.elements)
        patternOwner = FrozenArray(builder.patternOwner)
        ruleTarget = FrozenArray(builder.ruleTarget)
        ruleKind = FrozenArray(builder.ruleKind)
        ruleText = builder.ruleText
        togetherRule = FrozenArray(builder.togetherRule)
        togetherWithin = FrozenArray(builder.togetherWithin)
        togetherTermStart = FrozenArray(builder.togetherTermStart + [Int32(builder.togetherTerms.count)])
        togetherTerms = FrozenArray(builder.togetherTerms)
        var togetherByConcept = Array(repeating: [Int32](), count: builder.conceptCount)
        for (together, first) in builder.togetherTermStart.enumerated() {
            togetherByConcept[Int(builder.togetherTerms[Int(first)])].append(Int32(together))
        }
        var togetherStart: [Int32] = [0]
        for rules in togetherByConcept { togetherStart.append(togetherStart.last! + Int32(rules.count)) }
        togetherByFirstTerm = (FrozenArray(togetherStart), FrozenArray(togetherByConcept.flatMap { $0 }))
        togetherTermText = builder.togetherTermText
        targetIntent = FrozenArray(builder.targetIntent)
        var intentTargetStart = Array(repeating: Int32(builder.targetIntent.count), count: catalog.intents.count + 1)
        for (target, intent) in builder.targetIntent.enumerated().reversed() { intentTargetStart[Int(intent)] = Int32(target) }
        for intent in stride(from: catalog.intents.count - 1, through: 0, by: -1) {
            intentTargetStart[intent] = min(intentTargetStart[intent], intentTargetStart[intent + 1])
        }
        self.intentTargetStart = FrozenArray(intentTargetStart)
        targetVariant = FrozenArray(builder.targetVariant)
        targetRisk = FrozenArray(builder.targetRisk)
        targetDiscountedByPlans = FrozenArray(builder.discountedByPlans)
        targetAnswersQuestion = FrozenArray(builder.answersQuestion)
        targetNegationApplies = FrozenArray(builder.negation)
        targetHasRequire = FrozenArray(builder.hasRequire)
        targetContextLevel = FrozenArray(builder.contextLevel)
        targetPatterns = builder.patterns
        hasPatterns = zip(builder.patterns, builder.answersQuestion).contains { !$0.isEmpty && !$1 }
        hasAnswerPatterns = zip(builder.patterns, builder.answersQuestion).contains { !$0.isEmpty && $1 }
        wordFlags = FrozenArray((0..<Int32(wordCount)).map { id in
            (lexicon.isNegation(id) ? 1 : 0) | (lexicon.isClauseBreak(id) ? 2 : 0)
        })
        longestReplacement = max(1, lexicon.longestReplacement)
        self.lexicon = lexicon
        settings = catalog.settings
        intentIDs = catalog.intents.map(\.id)
        priorities = FrozenArray(catalog.intents.map(\.priority))
        escalations = catalog.intents.map(\.escalate)
        variantIDs = catalog.intents.map { $0.variants.map(\.id) }
        fallback = catalog.intents.firstIndex { $0.id == IntentCatalog.fallbackID } ?? 0
        let warningIntents = Set(catalog.intent(withID: IntentCatalog.crisisID)?.warningIntents.map(\.value) ?? [])
        isWarningIntent = catalog.intents.map { warningIntents.contains($0.id) }
    }

    /// Gathers the arrays while the catalog is walked.
    private struct Builder {
        let catalog: IntentCatalog
        var lexicon: Lexicon
        var conceptIndex: [String: Int32] = [:]
        var conceptCount = 0
        var patternStart: [Int32] = [], elements: [Int32] = [], patternOwner: [Int32] = []
        var ruleTarget: [Int32] = [], ruleKind: [Evidence.Kind] = [], ruleText: [String] = []
        var togetherRule: [Int32] = [], togetherWithin: [Int32] = [], togetherTermStart: [Int32] = [], togetherTerms: [Int32] = []
        var togetherTermText: [String] = []
        var targetIntent: [Int32] = [], targetVariant: [Int32] = [], targetRisk: [UInt8] = [], negation: [Bool] = [], hasRequire: [Bool] = []
        var discountedByPlans: [Bool] = [], answersQuestion: [Bool] = [], contextLevel: [Double] = []
        var patterns: [[MatchRules.Pattern]] = []

        init(catalog: IntentCatalog) {
            self.catalog = catalog
            lexicon = Lexicon(settings: catalog.settings)
        }

        /// Every concept's and intent's rules, in the catalog's order.
        mutating func addRules() {
            addConcepts()
            for (index, intent) in catalog.intents.enumerated() {
                let risk: UInt8 = intent.id == IntentCatalog.crisisID ? 2 : 0
                if let match = intent.match { add(match, intent: index, variant: CompiledRules.mainTarget, risk: risk) }
                for (variant, definition) in intent.variants.enumerated() {
                    add(definition.match, intent: index, variant: Int32(variant), risk: risk == 0 ? 0 : (definition.risk == .definite ? 2 : 1),
                        discountedByPlans: definition.discountedByPlans, answersQuestion: definition.answersQuestion,
                        contextLevel: definition.contextRiskLevel)
                }
                if let signs = intent.warningSigns { add(signs, intent: index, variant: CompiledRules.warningSignsTarget, risk: 0) }
                if let plans = intent.harmlessPlans { add(plans, intent: index, variant: CompiledRules.harmlessPlansTarget, risk: 0) }
            }
        }

        private mutating func addConcepts() {
            for concept in catalog.concepts where conceptIndex[concept.name] == nil {
                conceptIndex[concept.name] = Int32(conceptCount)
                conceptCount += 1
            }
            for concept in catalog.concepts {
                let owner = -1 - conceptIndex[concept.name]!
                for term in concept.terms { addPattern(term.value, owner: owner) }
            }
        }

        /// The pattern of a rule text, owned by `owner`; nothing for a text without words.
        mutating func addPattern(_ text: String, owner: Int32) {
            guard case let .success(parts) = RuleText.parts(of: text) else { return }
            var sequence: [Int32] = []
            for part in parts {
                switch part {
                case let .words(words): sequence += lexicon.keys(of: words)
                case let .concept(name):
                    // The loader has checked every name; an unknown one cannot match.
                    guard let index = conceptIndex[name] else { return }
                    sequence.append(-2 - index)
                }
            }
            guard !sequence.isEmpty else { return }
            patternStart.append(Int32(elements.count))
            elements += sequence
            patternOwner.append(owner)
        }

        /// The concept a `together` term stands for: a `<name>` alone is that concept; any
        /// other text becomes a concept of its own.
        mutating func termConcept(_ text: String) -> Int32 {
            if case let .success(parts) = RuleText.parts(of: text), parts.count == 1, case let .concept(name) = parts[0],
               let index = conceptIndex[name] {
                return index
            }
            let index = Int32(conceptCount)
            conceptCount += 1
            addPattern(text, owner: -1 - index)
            return index
        }

        mutating func add(_ match: MatchRules, intent: Int, variant: Int32, risk: UInt8, discountedByPlans discounted: Bool = false,
                          answersQuestion answers: Bool = false, contextLevel level: Double? = nil) {
            let target = Int32(targetIntent.count)
            targetIntent.append(Int32(intent))
            targetVariant.append(variant)
            targetRisk.append(risk)
            discountedByPlans.append(discounted)
            answersQuestion.append(answers)
            contextLevel.append(max(level ?? 0, catalog.settings.raisedRiskLevel))
            // An answer is negatable even in crisis: "it never crossed my mind" answers no.
            negation.append(catalog.intents[intent].negation == .applies || answers)
            hasRequire.append(!match.require.isEmpty)
            patterns.append(match.patterns)
            let lists: [(Evidence.Kind, [Located<String>])] = [
                (.phrase, match.phrases), (.hint, match.hints), (.context, match.context), (.require, match.require), (.exclude, match.exclude),
            ]
            for (kind, entries) in lists {
                for entry in entries {
                    let rule = Int32(ruleKind.count)
                    ruleTarget.append(target)
                    ruleKind.append(kind)
                    ruleText.append(entry.value)
                    addPattern(entry.value, owner: rule)
                }
            }
            for together in match.together {
                let rule = Int32(ruleKind.count)
                ruleTarget.append(target)
                ruleKind.append(.together)
                ruleText.append(together.text)
                togetherRule.append(rule)
                togetherWithin.append(Int32(together.within))
                togetherTermStart.append(Int32(togetherTerms.count))
                for term in together.terms {
                    togetherTerms.append(termConcept(term.value))
                    togetherTermText.append(term.value)
                }
            }
        }
    }
}
