import YAMLReader

/// The rules that decide whether a message is of an intent. See `Intents/README.md`.
///
/// Every rule text may name concepts as `<name>`: "take all my <medication>".
public struct MatchRules: Sendable {
    /// Any one is enough for a match.
    public var phrases: [Located<String>] = []
    /// Each adds `hint_weight` to the score.
    public var hints: [Located<String>] = []
    /// Any one is enough, wherever its words stand in a sentence.
    public var together: [Together] = []
    /// Like phrases, but only from a patient whose conversation's risk level is raised
    /// ("i've got everything ready" after messages about being a burden).
    public var context: [Located<String>] = []
    /// When not empty, at least one must be in the message.
    public var require: [Located<String>] = []
    /// Any one in the message vetoes the intent.
    public var exclude: [Located<String>] = []
    /// Regular expressions over the normalized text; each match is enough.
    public var patterns: [Pattern] = []

    public init() {}

    /// A co-occurrence: one of each term's words within `within` words of each other in one
    /// sentence, in any order. It catches the meaning, not one wording: `<amount>` +
    /// `<medication>` + `<never_wake>` finds "would a whole bottle of my gabapentin be enough
    /// to never wake up".
    public struct Together: Sendable {
        /// Each a word, a phrase or a `<concept>`; at least two.
        public var terms: [Located<String>]
        /// How far apart, in words, the first words of the terms may stand; at least 1.
        public var within: Int
        public var location: SourceLocation

        public init(terms: [Located<String>], within: Int, location: SourceLocation) {
            self.terms = terms
            self.within = within
            self.location = location
        }

        /// How the rule is shown in explanations: `<amount> + <medication> within 10`.
        public var text: String {
            terms.map(\.value).joined(separator: " + ") + " within \(within)"
        }
    }

    /// A moderator's regular expression, compiled once when the rules are loaded.
    public struct Pattern: @unchecked Sendable {
        // `Regex<AnyRegexOutput>` is immutable after construction but not marked Sendable.
        public let source: Located<String>
        let regex: Regex<AnyRegexOutput>
    }

    /// Every rule text that can name concepts, for checks that go through them all.
    var texts: [Located<String>] {
        phrases + hints + context + require + exclude + together.flatMap(\.terms)
    }
}
