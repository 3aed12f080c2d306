import Foundation

extension CrisisModel {
    /// What the model learns from: every intent's examples (crisis's are crisis), crisis's
    /// counterexamples (not crisis), and each labelled set's single messages. Other intents'
    /// counterexamples say only what an intent is not, and conversation lines are crisis or not
    /// because of the lines before them: neither is used.
    public static func trainingMessages(catalog: IntentCatalog, sets: [EvaluationSet]) -> [(text: String, crisis: Bool)] {
        var messages: [(text: String, crisis: Bool)] = []
        for intent in catalog.intents {
            let isCrisis = intent.id == IntentCatalog.crisisID
            messages += intent.examples.map { ($0.value, isCrisis) }
            if isCrisis { messages += intent.counterexamples.map { ($0.value, false) } }
        }
        for set in sets {
            messages += set.messages.map { ($0.text, $0.accepted.first == IntentCatalog.crisisID) }
        }
        return messages
    }

    /// Learns from labelled messages, and sets the threshold by `folds`-fold cross-validation:
    /// each message that is not a crisis is scored by a model that never saw it.
    public static func train(_ messages: [(text: String, crisis: Bool)], folds: Int = 5) -> CrisisModel {
        var unseen: [Double] = []
        for fold in 0..<folds {
            let model = fit(messages.enumerated().filter { $0.offset % folds != fold }.map(\.element), threshold: 0)
            for (index, message) in messages.enumerated() where index % folds == fold && !message.crisis {
                unseen.append(model.score(message.text))
            }
        }
        unseen.sort(by: >)
        let threshold = unseen.isEmpty ? 0 : unseen[min(unseen.count - 1, Int(Double(unseen.count) * falseAlarmBudget))]
        return fit(messages, threshold: rounded(threshold))
    }

    /// Naive Bayes with add-one smoothing over the features each message has (counted once).
    private static func fit(_ messages: [(text: String, crisis: Bool)], threshold: Double) -> CrisisModel {
        var counts: [UInt64: (text: String, crisis: Int, other: Int)] = [:]
        for message in messages {
            for (hash, text) in WordFeatures.distinct(message.text) {
                var count = counts[hash] ?? (text, 0, 0)
                if message.crisis { count.crisis += 1 } else { count.other += 1 }
                counts[hash] = count
            }
        }
        let kept = counts.values.filter { $0.crisis + $0.other >= minimumCount }
        let vocabulary = Double(kept.count)
        let crisisTotal = Double(kept.reduce(0) { $0 + $1.crisis }), otherTotal = Double(kept.reduce(0) { $0 + $1.other })
        let crisisMessages = Double(messages.filter(\.crisis).count), otherMessages = Double(messages.count) - crisisMessages
        let features = kept.map { count in
            (text: count.text, weight: rounded(log((Double(count.crisis) + 1) / (crisisTotal + vocabulary))
                - log((Double(count.other) + 1) / (otherTotal + vocabulary))))
        }
        return CrisisModel(prior: rounded(log(max(crisisMessages, 1) / max(otherMessages, 1))), threshold: threshold, features: features)
    }

    /// Four decimals: what the file keeps, so a trained model and the same model read back agree.
    private static func rounded(_ value: Double) -> Double {
        (value * 10_000).rounded() / 10_000
    }
}
