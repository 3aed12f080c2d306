import IntentEngine

/// What an escalation is about, as the queue stores it: the intent, and its variant when that
/// says more to an ambassador ("crisis/possible": ask them directly; "crisis/overdose").
struct EscalationReason: Equatable {
    let intentID: String
    let variantID: String?

    init(_ reply: Reply) {
        intentID = reply.intentID
        variantID = reply.variantID
    }

    init(text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        intentID = parts.first ?? text
        variantID = parts.count > 1 ? parts[1] : nil
    }

    var text: String { variantID.map { "\(intentID)/\($0)" } ?? intentID }

    /// The patient's answer to the bot's direct question (a crisis variant marked `answers_question`).
    func answersQuestion(in catalog: IntentCatalog) -> Bool {
        guard intentID == IntentCatalog.crisisID, let variantID else { return false }
        return catalog.intent(withID: intentID)?.variants.first { $0.id == variantID }?.answersQuestion ?? false
    }

    /// How ambassadors see it: the intent's title, and for a possible risk what to do.
    func title(in catalog: IntentCatalog) -> String {
        guard let intent = catalog.intent(withID: intentID) else { return text }
        guard let variantID, let variant = intent.variants.first(where: { $0.id == variantID }) else { return intent.title }
        if intentID == IntentCatalog.crisisID, variant.risk == .possible {
            // Ambassadors need what to do, not which rule matched.
            return "Possible crisis — ask them directly whether they are thinking about ending their life"
        }
        return "\(intent.title) (\(variantID))"
    }
}
