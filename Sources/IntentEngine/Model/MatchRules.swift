import YAMLReader

/// The rules that decide whether a message is of an intent. See `Intents/README.md`.
public struct MatchRules: Sendable {
    /// Any one is enough for a match.
    public var phrases: [Located<String>] = []
    /// Each adds `hint_weight` to the score.
    public var hints: [Located<String>] = []
    /// When not empty, at least one must be in the message.
    public var require: [Located<String>] = []
    /// Any one in the message vetoes the intent.
    public var exclude: [Located<String>] = []
    /// Regular expressions over the normalized text; each match is enough.
    public var patterns: [Pattern] = []

    public init() {}

    /// A moderator's regular expression, compiled once when the rules are loaded.
    public struct Pattern: @unchecked Sendable {
        // `Regex<AnyRegexOutput>` is immutable after construction but not marked Sendable.
        public let source: Located<String>
        let regex: Regex<AnyRegexOutput>
    }
}
