import YAMLReader

/// One kind of patient message, as a moderator describes it in `Intents/<id>.yaml`.
public struct Intent: Sendable, Identifiable {
    /// Whether a message of this kind should reach a Patient Ambassador, and how fast.
    public enum Escalation: String, Sendable, CaseIterable, Codable {
        case none, normal, urgent
    }

    /// Whether a negation word ("not", "never") cancels this intent's rules.
    public enum Negation: String, Sendable, CaseIterable {
        case applies, ignore
    }

    public var id: String
    public var title: String
    /// 0–100; the highest matching priority wins.
    public var priority: Int
    public var escalate: Escalation
    public var answerInCommunity: Bool
    public var negation: Negation
    /// `nil` only for the fallback intent, which matches when nothing else does.
    public var match: MatchRules?
    public var response: ResponseTemplate
    public var variants: [Variant]
    /// Crisis only: warning signs that are also everyday topics here (withdrawing, no sleep,
    /// unbearable pain). They never make a message a crisis; they raise the conversation's risk.
    public var warningSigns: MatchRules?
    /// Crisis only: intents that are warning signs themselves (sleep, isolation, low mood): a
    /// message read as one of them raises the conversation's risk level too.
    public var warningIntents: [Located<String>] = []
    /// Crisis only: talk of a harmless plan (a surgery, a trip, a move, a course ending). For
    /// `planMemory` after, a finality line ("you won't hear from me after today") from a
    /// patient whose risk is not raised is read as what it otherwise is: the plan explains it.
    public var harmlessPlans: MatchRules?
    public var examples: [Located<String>]
    public var counterexamples: [Located<String>]
    /// Where the intent's `id` is written, for error messages.
    public var source: SourceLocation

    /// A sub-case of an intent with its own rules and a partial response (crisis → overdose).
    public struct Variant: Sendable {
        public var id: String
        /// Crisis only: how sure a match of this variant is.
        public var risk: RiskLevel
        public var match: MatchRules
        public var response: ResponseTemplate
        /// Crisis only: matched by the learned model (`CrisisModel`), not by rules.
        public var learned = false
        /// Crisis `possible` variants only: not matched while a harmless plan the patient told
        /// of is recent and their risk is not raised (see `harmlessPlans`).
        public var discountedByPlans = false
        /// Definite crisis variants only: matched only as the patient's answer to the question
        /// a possible crisis's reply asks ("are you thinking about ending your life?"), within
        /// `memory.answer_minutes` of it: "yes" then is a crisis, "yes" alone is not.
        public var answersQuestion = false
        /// Crisis variants only: the risk level from which its `context` rules count
        /// (`context_at`), when it is higher than `memory.raised_at`: for lines that are
        /// everyday after one warning sign (a bad night) and a crisis after a possible crisis.
        public var contextRiskLevel: Double?
        /// Where it is written, for problems that concern the variant as a whole.
        public var location: SourceLocation?
    }
}
