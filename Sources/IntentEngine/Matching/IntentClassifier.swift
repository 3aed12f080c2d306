import Foundation

/// Reads a message as one of the catalog's intents. Pure and `Sendable`: build it once from
/// the rules, then call `classify` from anywhere, as often as needed.
///
/// Every rule's words are numbered once at build time; a message is then scanned in a single
/// pass over its words (see `MessageScan`), and scores add up in scratch space on the stack.
public struct IntentClassifier: Sendable {
    public let catalog: IntentCatalog
    private let rules: CompiledRules

    public init(catalog: IntentCatalog) {
        self.catalog = catalog
        rules = CompiledRules(catalog: catalog)
    }

    // MARK: - Classifying

    /// The message as one patient's, remembering their conversation: returns what it is read
    /// as and the memory after it.
    public func classify(_ message: String, remembering memory: RiskMemory, at date: Date, evidence: EvidenceDetail = .result) -> (Classification, RiskMemory) {
        let settings = catalog.settings
        let classification = rules.classify(message, riskLevel: memory.level(at: date, fadingOver: settings.riskFade),
                                            planIsRecent: memory.planIsRecent(at: date, within: settings.planMemory),
                                            questionIsRecent: memory.questionIsRecent(at: date, within: settings.answerWindow), evidence: evidence)
        // A definite crisis while the question was open answers it ("yes, i took them all" is
        // read as the overdose), and so does a no.
        let answered = classification.questionWasOpen && (classification.risk == .definite || classification.answeredNo)
        return (classification, memory.after(raising: classification.riskRaise, toldPlan: classification.plan.told, asked: classification.asksDirectly,
                                             answered: answered, at: date, fadingOver: settings.riskFade))
    }

    /// - Parameters:
    ///   - riskLevel: the conversation's risk level before this message (0: nothing worrying
    ///     is known, as for a message on its own).
    ///   - evidence: which candidates' evidence to write (the words it costs strings for).
    public func classify(_ message: String, riskLevel: Double = 0, evidence: EvidenceDetail = .result) -> Classification {
        rules.classify(message, riskLevel: riskLevel, planIsRecent: false, questionIsRecent: false, evidence: evidence)
    }

    // MARK: - Candidates

    /// An intent chosen by other means than its words (a patient's `!ambassador`), as a candidate.
    public func candidate(forIntent id: String) -> Candidate? {
        rules.intentIDs.firstIndex(of: id).map { rules.candidate($0, variant: nil, risk: nil, score: 1, matched: true, evidence: []) }
    }
}
