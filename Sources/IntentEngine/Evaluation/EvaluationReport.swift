import Foundation

/// How well the rules read an evaluation set: precision, recall and F1 per intent, accuracy,
/// macro-F1, crisis recall and false positives, and every message read wrongly. What
/// `supportbot intents evaluate` prints, and what the test command gates on.
public struct EvaluationReport: Sendable {
    /// One message as the rules read it.
    public struct Outcome: Sendable {
        public let message: EvaluationSet.Message
        public let predicted: String
        public let risk: RiskLevel?
        /// The conversation it is a line of, if any.
        public let conversation: String?

        public var correct: Bool { message.accepted.contains(predicted) }
        /// The label it is scored against: what it was read as when that is accepted, else the main one.
        public var gold: String { correct ? predicted : message.accepted[0] }
        public var isCrisis: Bool { message.accepted[0] == IntentCatalog.crisisID }
    }

    public struct IntentScore: Sendable, Codable {
        public let intent: String
        /// Messages labelled with it.
        public let support: Int
        /// Messages read as it.
        public let predicted: Int
        public let correct: Int
        public var precision: Double { predicted == 0 ? 0 : Double(correct) / Double(predicted) }
        public var recall: Double { support == 0 ? 0 : Double(correct) / Double(support) }
        public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
    }

    /// The safety bar (DESIGN.md rule 1, issue 10): every crisis found, at most 2% false alarms.
    public static let requiredCrisisRecall = 1.0
    public static let allowedCrisisFalsePositiveRate = 0.02

    public let outcomes: [Outcome]
    public let intents: [IntentScore]
    public let messageCount: Int
    public let conversationCount: Int

    public init(set: EvaluationSet, classifier: IntentClassifier) {
        var outcomes = set.messages.map { message in
            let result = classifier.classify(message.text, evidence: .none)
            return Outcome(message: message, predicted: result.intentID, risk: result.risk, conversation: nil)
        }
        // A conversation's lines come minutes apart, each read with the memory of the ones before.
        let start = Date(timeIntervalSinceReferenceDate: 0)
        for conversation in set.conversations {
            var memory = RiskMemory.calm
            for (index, line) in conversation.lines.enumerated() {
                let (result, after) = classifier.classify(line.text, remembering: memory, at: start.addingTimeInterval(Double(index) * 120), evidence: .none)
                memory = after
                outcomes.append(Outcome(message: line, predicted: result.intentID, risk: result.risk, conversation: conversation.id))
            }
        }
        let labels = Set(outcomes.map(\.gold) + outcomes.map(\.predicted))
        intents = classifier.catalog.intents.map(\.id).filter(labels.contains).map { id in
            IntentScore(intent: id, support: outcomes.count { $0.gold == id }, predicted: outcomes.count { $0.predicted == id },
                        correct: outcomes.count { $0.correct && $0.predicted == id })
        }
        self.outcomes = outcomes
        messageCount = set.messages.count
        conversationCount = set.conversations.count
    }

    // MARK: - Figures

    public var accuracy: Double { ratio(outcomes.count(where: \.correct), outcomes.count) }
    public var macroF1: Double { intents.isEmpty ? 0 : intents.map(\.f1).reduce(0, +) / Double(intents.count) }

    public var crises: [Outcome] { outcomes.filter(\.isCrisis) }
    public var missedCrises: [Outcome] { crises.filter { $0.predicted != IntentCatalog.crisisID } }
    /// Messages that are not a crisis but were read as one.
    public var falseCrises: [Outcome] { outcomes.filter { !$0.isCrisis && $0.predicted == IntentCatalog.crisisID } }
    public var crisisRecall: Double { ratio(crises.count - missedCrises.count, crises.count) }
    public var crisisFalsePositiveRate: Double { ratio(falseCrises.count, outcomes.count - crises.count) }

    public var meetsSafetyBar: Bool {
        crisisRecall >= Self.requiredCrisisRecall && crisisFalsePositiveRate <= Self.allowedCrisisFalsePositiveRate
    }

    public func score(of intent: String) -> IntentScore? { intents.first { $0.intent == intent } }

    /// Messages read wrongly, crisis ones excepted (they have lists of their own).
    public var misread: [Outcome] { outcomes.filter { !$0.correct && !$0.isCrisis && $0.predicted != IntentCatalog.crisisID } }

    /// Wrong readings by label and reading, most frequent first.
    public var confusions: [(gold: String, predicted: String, count: Int)] {
        var counts: [String: (String, String, Int)] = [:]
        for outcome in outcomes where !outcome.correct {
            counts["\(outcome.gold)→\(outcome.predicted)", default: (outcome.gold, outcome.predicted, 0)].2 += 1
        }
        return counts.values.map { (gold: $0.0, predicted: $0.1, count: $0.2) }
            .sorted { ($0.count, $1.gold, $1.predicted) > ($1.count, $0.gold, $0.predicted) }
    }

    /// Crisis recall per kind of crisis message (the `tag`s).
    public var crisisRecallByTag: [(tag: String, found: Int, total: Int)] {
        Dictionary(grouping: crises) { $0.message.tag ?? "untagged" }
            .map { (tag: $0.key, found: $0.value.count { $0.predicted == IntentCatalog.crisisID }, total: $0.value.count) }
            .sorted { $0.tag < $1.tag }
    }

    private func ratio(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 1 : Double(part) / Double(whole) }
}
