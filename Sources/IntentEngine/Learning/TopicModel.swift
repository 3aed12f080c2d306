import Foundation

/// A second reader of everyday topics, learned rather than written: naive Bayes over the words
/// and word pairs of every labelled message (the intents' examples and the development set),
/// trained by `supportbot intents train` into `Intents/topic-model.txt`.
///
/// The rules leave a message to `fallback` when none of their words are in it, and on messages
/// nobody wrote a rule for that is most of what they get wrong ("waited 9 months for 4
/// minutes" is frustration in no word a rule lists). This reads only those messages, and
/// answers only when it is sure: its threshold is set by cross-validation so that at least
/// `targetPrecision` of the messages it answers are read right. It never reads crisis (it
/// learns crisis's words so as not to take them for a topic, and leaves them to the rules and
/// the crisis model) and never answers with an intent that escalates.
public struct TopicModel: Sendable {
    /// The file in a rules folder that holds the model.
    public static let fileName = "topic-model.txt"
    /// The share of its answers, in cross-validation, that must be right.
    public static let targetPrecision = 0.9
    /// A word or pair must be seen in this many messages to be kept.
    static let minimumCount = 2

    /// The intents it learned, in the file's order.
    public let intents: [String]
    /// How many messages of each intent it learned from.
    public let messageCounts: [Int]
    /// It answers when its probability for a topic is at least this.
    public let threshold: Double
    /// Each feature's text (a word, or two words with a space) and how many messages of each intent had it.
    public let features: [(text: String, counts: [Int])]
    /// Per intent, the log-probability of a message of it before any word is read.
    let logPriors: [Double]
    /// Per feature (its row) and intent: the log-probability of the feature in a message of that intent.
    let logLikelihoods: [Double]
    let rows: FeatureTable<Int>

    init(intents: [String], messageCounts: [Int], threshold: Double, features: [(text: String, counts: [Int])]) {
        self.intents = intents
        self.messageCounts = messageCounts
        self.threshold = threshold
        // A model read back from its file is in order already; only a trained one needs sorting.
        let inOrder = zip(features, features.dropFirst()).allSatisfy { $0.text < $1.text }
        self.features = inOrder ? features : features.sorted { $0.text < $1.text }
        let messages = Double(max(messageCounts.reduce(0, +), 1))
        logPriors = messageCounts.map { log(Double(max($0, 1)) / messages) }
        // Add-one smoothing over the kept vocabulary; a word the model never kept adds nothing.
        let vocabulary = Double(features.count)
        var totals = [Double](repeating: 0, count: intents.count)
        for feature in features {
            for intent in intents.indices { totals[intent] += Double(feature.counts[intent]) }
        }
        func logLikelihood(_ count: Int, _ intent: Int) -> Double { log((Double(count) + 1) / (totals[intent] + vocabulary)) }
        // Most counts are small: each intent's log-probability of a small count is worked out once.
        let small = 64
        let smallCounts = intents.indices.map { intent in (0..<small).map { logLikelihood($0, intent) } }
        var logLikelihoods: [Double] = []
        logLikelihoods.reserveCapacity(features.count * intents.count)
        for feature in self.features {
            for (intent, count) in feature.counts.enumerated() {
                logLikelihoods.append(count < small ? smallCounts[intent][count] : logLikelihood(count, intent))
            }
        }
        self.logLikelihoods = logLikelihoods
        rows = FeatureTable(self.features.enumerated().map { (WordFeatures.hash(ofFeature: $0.element.text), $0.offset) })
    }

    /// The intent it reads the message as, and how sure it is (0–1).
    public func read(_ message: String) -> (intent: String, probability: Double) {
        let reading = TextNormalizer.withScannableUTF8(message) { read(bytes: $0) }
        return (intents[reading.index], reading.probability)
    }

    func read(bytes: UnsafeBufferPointer<UInt8>) -> (index: Int, probability: Double) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: intents.count) { scores in
            _ = scores.initialize(from: logPriors)
            let width = intents.count
            rows.forEachKnownFeature(in: bytes) { row in
                for intent in 0..<width { scores[intent] += logLikelihoods[row * width + intent] }
            }
            return Self.reading(scores)
        }
    }

    /// The likeliest intent of a message's log-probabilities (the first of equals), and its
    /// probability among all.
    static func reading(_ scores: UnsafeMutableBufferPointer<Double>) -> (index: Int, probability: Double) {
        var best = 0
        for intent in 1..<scores.count where scores[intent] > scores[best] { best = intent }
        var sum = 0.0
        for intent in 0..<scores.count { sum += exp(scores[intent] - scores[best]) }
        return (best, 1 / sum)
    }

    /// The words of a message that most favour `intent` over the others: what `--explain` shows.
    public func evidence(_ message: String, for intent: String, limit: Int = 4) -> [String] {
        guard let column = intents.firstIndex(of: intent) else { return [] }
        let width = intents.count
        var found: [(text: String, lead: Double)] = []
        TextNormalizer.withScannableUTF8(message) { bytes in
            WordFeatures.forEach(bytes, texts: true) { hash, text in
                guard let row = rows[hash], !found.contains(where: { $0.text == text }) else { return }
                // The others' mean, summed in their order without arrays: a topic answer's
                // evidence is written for every message `classify --json` reads as one.
                var others = 0.0
                for intent in 0..<width where intent != column { others += logLikelihoods[row * width + intent] }
                let lead = logLikelihoods[row * width + column] - others / Double(max(width - 1, 1))
                if lead > 0 { found.append((text, lead)) }
            }
        }
        return found.sorted { $0.lead > $1.lead }.prefix(limit).map(\.text)
    }
}
