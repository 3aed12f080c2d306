import Foundation
import YAMLReader

/// A second reader of crisis, learned rather than written: naive Bayes over the words and word
/// pairs of every labelled message (the intents' examples and counterexamples, and the
/// development set), trained by `supportbot intents train` into `Intents/crisis-model.txt`.
///
/// Rules find what moderators foresaw; this finds crisis told in words nobody wrote a rule
/// for, from how crisis messages differ from all the others. It only ever adds a *possible*
/// crisis (a direct question and the resources), never takes one away. Its threshold is set
/// by cross-validation so that at most `falseAlarmBudget` of messages that are not a crisis
/// would be read as one.
public struct CrisisModel: Sendable {
    /// The file in a rules folder that holds the model.
    public static let fileName = "crisis-model.txt"
    /// The share of other messages, held out in cross-validation, the threshold lets through.
    public static let falseAlarmBudget = 0.01
    /// A word or pair must be seen in this many messages to be kept.
    static let minimumCount = 2

    /// The log-odds of crisis before any word is read.
    public let prior: Double
    /// A message is a possible crisis when its score is above this.
    public let threshold: Double
    /// Each feature's text (a word, or two words with a space) and its weight, strongest first.
    public let features: [(text: String, weight: Double)]
    /// The weights by feature hash.
    let weights: FeatureTable<Double>

    /// Knows no word and reads nothing as a crisis: stands in while a model is trained.
    static let untrained = CrisisModel(prior: 0, threshold: .infinity, features: [])

    init(prior: Double, threshold: Double, features: [(text: String, weight: Double)]) {
        self.prior = prior
        self.threshold = threshold
        self.features = features.sorted { $0.weight > $1.weight || ($0.weight == $1.weight && $0.text < $1.text) }
        weights = FeatureTable(features.map { (WordFeatures.hash(ofFeature: $0.text), $0.weight) })
    }

    /// The message's score: the prior plus the weight of each known feature, counted once.
    public func score(_ message: String) -> Double {
        TextNormalizer.withScannableUTF8(message) { score(bytes: $0) }
    }

    func score(bytes: UnsafeBufferPointer<UInt8>) -> Double {
        var total = prior
        weights.forEachKnownFeature(in: bytes) { total += $0 }
        return total
    }

    /// The features of a message that count for crisis, strongest first: what `--explain` shows.
    public func evidence(_ message: String, limit: Int = 4) -> [String] {
        var found: [(String, Double)] = []
        TextNormalizer.withScannableUTF8(message) { bytes in
            WordFeatures.forEach(bytes, texts: true) { hash, text in
                if let weight = weights[hash], weight > 0, !found.contains(where: { $0.0 == text }) { found.append((text, weight)) }
            }
        }
        return found.sorted { $0.1 > $1.1 }.prefix(limit).map(\.0)
    }
}
