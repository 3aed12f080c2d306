import Foundation

extension TopicModel {
    /// A labelled message: its text, the intents it may be read as (the first the one it is
    /// learned as), and whether cross-validation judges the model by it.
    public typealias Labelled = (text: String, accepted: [String], judged: Bool)

    /// What the model learns from: every intent's examples, each labelled set's single messages,
    /// and every counterexample as `fallback`: a moderator wrote it because its words look like
    /// a topic it is not, so the model learns to leave such messages alone (its threshold is not
    /// judged by them: most are read by the rules, and never reach the model). Conversation lines
    /// are read with the lines before them, and are not used.
    public static func trainingMessages(catalog: IntentCatalog, sets: [EvaluationSet]) -> [Labelled] {
        var messages: [Labelled] = []
        for intent in catalog.intents {
            messages += intent.examples.map { ($0.value, [intent.id], true) }
            messages += intent.counterexamples.map { ($0.value, [IntentCatalog.fallbackID], false) }
        }
        for set in sets { messages += set.messages.map { ($0.text, $0.accepted, true) } }
        return messages
    }

    /// Learns from labelled messages, and sets the threshold by `folds`-fold cross-validation:
    /// each message is read by a model that never saw it, and the threshold is the lowest
    /// probability at which the answers above it are still `targetPrecision` right. Only
    /// answers in `answering` (the topics the classifier may give) count.
    public static func train(_ messages: [Labelled], answering: Set<String>, folds: Int = 5) -> TopicModel {
        var unseen: [(probability: Double, right: Bool)] = []
        for fold in 0..<folds {
            let model = fit(messages.enumerated().filter { $0.offset % folds != fold }.map(\.element), threshold: 1)
            for (index, message) in messages.enumerated() where index % folds == fold && message.judged {
                let reading = model.read(message.text)
                if answering.contains(reading.intent) { unseen.append((reading.probability, message.accepted.contains(reading.intent))) }
            }
        }
        unseen.sort { $0.probability > $1.probability }
        var right = 0
        var threshold = neverAnswers
        for (count, answer) in unseen.enumerated() {
            if answer.right { right += 1 }
            if Double(right) >= targetPrecision * Double(count + 1) { threshold = answer.probability }
        }
        return fit(messages, threshold: (threshold * 10_000).rounded(.down) / 10_000)
    }

    /// A threshold no probability reaches: the model answers nothing.
    static let neverAnswers = 2.0

    /// Counts, per kept feature, the messages of each intent that have it (each counted once a message).
    private static func fit(_ messages: [Labelled], threshold: Double) -> TopicModel {
        let intents = Array(Set(messages.compactMap(\.accepted.first))).sorted()
        let column = Dictionary(uniqueKeysWithValues: intents.enumerated().map { ($1, $0) })
        var messageCounts = [Int](repeating: 0, count: intents.count)
        var counts: [UInt64: (text: String, counts: [Int])] = [:]
        for message in messages {
            guard let intent = message.accepted.first.flatMap({ column[$0] }) else { continue }
            messageCounts[intent] += 1
            for (hash, text) in WordFeatures.distinct(message.text) {
                var count = counts[hash] ?? (text, [Int](repeating: 0, count: intents.count))
                count.counts[intent] += 1
                counts[hash] = count
            }
        }
        let kept = counts.values.filter { $0.counts.reduce(0, +) >= minimumCount }
        return TopicModel(intents: intents, messageCounts: messageCounts, threshold: threshold, features: Array(kept))
    }
}

extension IntentCatalog {
    /// The intents the topic model may answer with: everyday topics that do not escalate (never
    /// crisis, never fallback: a person or the crisis rules decide those).
    public var topicsToLearn: Set<String> {
        Set(intents.filter { $0.escalate == .none && $0.id != Self.crisisID && $0.id != Self.fallbackID }.map(\.id))
    }
}
