/// The result of classifying one message: the winning intent and every candidate, with why.
public struct Classification: Sendable {
    /// The intent the message is read as: the best matching candidate, or the fallback.
    public let best: Candidate
    /// Every intent that any rule touched, matched ones first (by priority, then score), with
    /// the evidence the classification was asked for (`EvidenceDetail`).
    public let candidates: [Candidate]
    /// The conversation's risk level before this message (see `RiskMemory`).
    public let priorRiskLevel: Double
    /// Whether that level counted as raised, so that `context` rules counted.
    public let riskWasRaised: Bool
    /// The warning signs found: they raise the level but never make a crisis alone.
    public let warningSigns: [Evidence]
    /// Read as an intent that is a warning sign itself (crisis's `warning_intents`).
    public let readAsWarningSign: Bool
    /// What the message says of a harmless plan, and what a recent one discounted.
    public var plan = Plan()
    /// The bot had asked directly lately, unanswered: the message was read as a possible answer.
    public var questionWasOpen = false
    /// It answered that question no: a negation among its first words, or an answer's words under one.
    public var answeredNo = false

    /// Crisis's harmless plans in this message (`Intent.harmlessPlans`).
    public struct Plan: Sendable {
        /// The message tells of a harmless plan: the conversation remembers when.
        public var told = false
        /// The rules that found it, when evidence was asked for.
        public var evidence: [Evidence] = []
        /// Crisis variants that matched and did not count, because a plan told of lately explains them.
        public var discounted: [String] = []
    }

    public var intentID: String { best.intentID }
    /// Set when the message is a crisis: how sure it is.
    public var risk: RiskLevel? { best.risk }

    /// The reply asks the patient directly whether they are thinking about ending their life,
    /// as a possible crisis's does: what they write next may be their answer.
    public var asksDirectly: Bool { best.risk == .possible }

    /// What this message adds to the conversation's risk level.
    public var riskRaise: Double {
        switch best.risk {
        case .definite: RiskMemory.Raise.definite
        case .possible: RiskMemory.Raise.possible
        case nil: warningSigns.isEmpty && !readAsWarningSign ? 0 : RiskMemory.Raise.warningSign
        }
    }
}

/// Which candidates' evidence a classification writes: the words it matched are strings, the
/// costliest part of a classification, and the bot needs none of them.
public enum EvidenceDetail: Sendable {
    /// None: what the message is read as, and how sure.
    case none
    /// The result's (`classify --json`, tests).
    case result
    /// Every candidate's (`classify --explain`).
    case all
}

/// One intent's standing for a message.
public struct Candidate: Sendable {
    public let intentID: String
    /// The variant that matched, such as `overdose` for `crisis`.
    public let variantID: String?
    public let priority: Int
    public let escalate: Intent.Escalation
    /// Crisis only: how sure the match is.
    public let risk: RiskLevel?
    /// 0–1: what the matched rules add up to.
    public let score: Double
    /// The score reached the threshold, no exclusion vetoed it, and any required word is there.
    public let matched: Bool
    /// Which rule matched which words.
    public let evidence: [Evidence]
}

/// One rule that touched a message.
public struct Evidence: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, BitwiseCopyable {
        case phrase, hint, together, context, require, exclude, pattern
        /// A learned model (`CrisisModel`, `TopicModel`): its score, and the words that weighed most.
        case learned
    }

    public let kind: Kind
    /// The rule as the moderator wrote it.
    public let rule: String
    /// The message's words that it matched.
    public let words: String
    /// Cancelled by a negation word before it ("not depressed").
    public let negated: Bool
    /// A `context` rule from a patient whose risk is below its level (`memory.raised_at`, or its variant's `context_at`): shown, not counted.
    public var outOfContext = false
    /// For a `context` rule not counted: the risk level from which it counts.
    public var neededRiskLevel: Double?
    /// A `together` rule: each term and the words that matched it, in the message's order.
    public var terms: [TermMatch] = []
    /// A `together` rule: how many words apart the first words of its terms stand.
    public var distance: Int?
    /// Words of the message read as the fuzzy word they misspell.
    public var typos: [Typo] = []

    public init(kind: Kind, rule: String, words: String, negated: Bool) {
        self.kind = kind
        self.rule = rule
        self.words = words
        self.negated = negated
    }

    /// Whether the rule counted towards its intent's score.
    public var counted: Bool { !negated && !outOfContext }

    public struct TermMatch: Sendable, Equatable, Codable {
        public let term: String
        public let words: String
    }

    public struct Typo: Sendable, Equatable, Codable {
        /// The word as the patient wrote it.
        public let written: String
        /// The fuzzy word it was read as.
        public let readAs: String
    }
}
