/// The result of classifying one message: the winning intent and every candidate, with why.
public struct Classification: Sendable {
    /// The intent the message is read as: the best matching candidate, or the fallback.
    public let best: Candidate
    /// Every intent that any rule touched, matched ones first (by priority, then score).
    public let candidates: [Candidate]

    public var intentID: String { best.intentID }
}

/// One intent's standing for a message.
public struct Candidate: Sendable {
    public let intentID: String
    /// The variant that matched, such as `overdose` for `crisis`.
    public let variantID: String?
    public let priority: Int
    public let escalate: Intent.Escalation
    /// 0–1: what the matched rules add up to.
    public let score: Double
    /// The score reached the threshold, no exclusion vetoed it, and any required word is there.
    public let matched: Bool
    /// Which rule matched which words.
    public let evidence: [Evidence]
}

/// One rule that touched a message.
public struct Evidence: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case phrase, hint, require, exclude, pattern
    }

    public let kind: Kind
    /// The rule as the moderator wrote it.
    public let rule: String
    /// The message's words that it matched.
    public let words: String
    /// Cancelled by a negation word before it ("not depressed").
    public let negated: Bool
}
