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
    /// The weights by feature hash: open addressing over the hash itself (already well mixed),
    /// a few nanoseconds a lookup, for the words of every message the rules find no risk in.
    private let keys: [UInt64]
    private let values: [Double]
    private let mask: Int

    /// Knows no word and reads nothing as a crisis: stands in while a model is trained.
    static let untrained = CrisisModel(prior: 0, threshold: .infinity, features: [])

    init(prior: Double, threshold: Double, features: [(text: String, weight: Double)]) {
        self.prior = prior
        self.threshold = threshold
        self.features = features.sorted { $0.weight > $1.weight || ($0.weight == $1.weight && $0.text < $1.text) }
        var capacity = 16
        while capacity < features.count * 2 { capacity *= 2 }
        var keys = [UInt64](repeating: 0, count: capacity), values = [Double](repeating: 0, count: capacity)
        for feature in features {
            let key = Self.key(Self.hash(ofFeature: feature.text))
            var slot = Int(truncatingIfNeeded: key) & (capacity - 1)
            while keys[slot] != 0, keys[slot] != key { slot = (slot + 1) & (capacity - 1) }
            keys[slot] = key
            values[slot] = feature.weight
        }
        self.keys = keys
        self.values = values
        mask = capacity - 1
    }

    /// Zero marks an empty slot, so a hash of zero is stored as one.
    private static func key(_ hash: UInt64) -> UInt64 { hash == 0 ? 1 : hash }

    private func weight(_ hash: UInt64) -> Double? {
        let key = Self.key(hash)
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let found = keys[slot]
            if found == key { return values[slot] }
            if found == 0 { return nil }
            slot = (slot + 1) & mask
        }
    }

    /// The message's score: the prior plus the weight of each known feature, counted once.
    public func score(_ message: String) -> Double {
        TextNormalizer.withScannableUTF8(message) { score(bytes: $0) }
    }

    func score(bytes: UnsafeBufferPointer<UInt8>) -> Double {
        var total = prior
        // Each known feature counts once. A message knows few: a short list finds one counted
        // already; past that (a very long message), a set does, so the cost stays linear.
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: Self.shortList) { counted in
            var count = 0
            var many = Set<UInt64>()
            Self.forEachFeature(bytes) { hash, _ in
                guard let weight = weight(hash) else { return }
                if count < counted.count {
                    guard !counted[0..<count].contains(hash) else { return }
                    counted[count] = hash
                    count += 1
                } else {
                    guard !counted.contains(hash), many.insert(hash).inserted else { return }
                }
                total += weight
            }
        }
        return total
    }

    /// How many known features a message has before a set takes over from the short list.
    private static let shortList = 48

    /// The features of a message that count for crisis, strongest first: what `--explain` shows.
    public func evidence(_ message: String, limit: Int = 4) -> [String] {
        var found: [(String, Double)] = []
        TextNormalizer.withScannableUTF8(message) { bytes in
            Self.forEachFeature(bytes, texts: true) { hash, text in
                if let weight = weight(hash), weight > 0, !found.contains(where: { $0.0 == text }) { found.append((text, weight)) }
            }
        }
        return found.sorted { $0.1 > $1.1 }.prefix(limit).map(\.0)
    }

    // MARK: - Features

    /// Calls `body` with each word's and each pair of neighbouring words' hash (and text, when
    /// `texts`): words lowercased, without apostrophes, a plural or possessive -s dropped.
    static func forEachFeature(_ bytes: UnsafeBufferPointer<UInt8>, texts: Bool = false, _ body: (UInt64, String) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: TextNormalizer.maximumWordLength) { buffer in
            var previous: (hash: UInt64, text: String)?
            TextNormalizer.scanWords(bytes) { range, _ in
                var count = TextNormalizer.foldWord(bytes, range, maximumRun: 2, into: buffer)
                if count > 4, buffer[count - 1] == UInt8(ascii: "s") { count -= 1 }
                let word = UnsafeBufferPointer(rebasing: buffer[0..<count])
                let hash = fnv(word)
                let text = texts ? String(decoding: word, as: UTF8.self) : ""
                body(hash, text)
                if let previous { body(pair(previous.hash, hash), texts ? previous.text + " " + text : "") }
                previous = (hash, text)
            }
        }
    }

    /// The hash of a feature as written in the model file: one word, or two with a space.
    static func hash(ofFeature text: String) -> UInt64 {
        let words = text.split(separator: " ").map { word in Array(word.utf8).withUnsafeBufferPointer(fnv) }
        return words.count == 2 ? pair(words[0], words[1]) : words.first ?? 0
    }

    private static func fnv(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }

    private static func pair(_ first: UInt64, _ second: UInt64) -> UInt64 {
        (first &* 0x9e37_79b9_7f4a_7c15) ^ second
    }
}
