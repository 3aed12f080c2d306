/// Settings shared by all intents, from `Intents/common.yaml`.
public struct CommonSettings: Sendable {
    /// The score a message needs to match an intent.
    public var threshold: Double = 0.5
    /// What one hint adds to an intent's score.
    public var hintWeight: Double = 0.3
    /// How many words after a negation word it reaches.
    public var negationWindow: Int = 3
    /// The sentence that tells a patient they are talking to a bot.
    public var disclosure: String = ""
    /// How to reach a person, added to the disclosure except in a crisis, where an ambassador
    /// has already been asked.
    public var ambassadorHint: String = ""
    /// Whole words replaced before matching, in file order (`cant` → `can not`).
    public var replacements: [(word: String, replacement: String)] = []
    /// Words that cancel the phrases that follow them.
    public var negations: [String] = []
    /// Words that end a negation's reach, as punctuation does.
    public var clauseBreaks: [String] = []
    /// From this level on, a conversation's risk counts as raised (see `RiskMemory`): by
    /// default, one warning sign in the last twelve hours.
    public var raisedRiskLevel: Double = 0.5
    /// How long a raised risk level takes to fade away.
    public var riskFade: Duration = .seconds(24 * 3600)
    /// How long a harmless plan a patient told of ("surgery tuesday", "flying out saturday")
    /// discounts crisis variants marked `discounted_by_plans`, while their risk is not raised.
    public var planMemory: Duration = .seconds(12 * 3600)
    /// How long after the bot asked a patient directly whether they are thinking about ending
    /// their life their messages may be the answer (crisis variants marked `answers_question`).
    public var answerWindow: Duration = .seconds(60 * 60)

    public init() {}

    /// The disclosure for a patient's first reply, with the way to reach a person or without.
    public func disclosure(withHint: Bool) -> String {
        withHint && !ambassadorHint.isEmpty ? "\(disclosure) \(ambassadorHint)" : disclosure
    }
}
