/// Both learned models as the compiled rules read them: one table from a feature's hash to its
/// crisis weight and its row of topic log-likelihoods, in memory the rules own. A message's
/// words and pairs are hashed and looked up once for both models (each model scanned the
/// message again), and reading them costs no retains (copying a model out of the rules
/// retained each of its arrays). The sums are the models' own, in the same order.
struct LearnedFeatures: Sendable {
    /// Open addressing over `FeatureTable`'s keys, both models' in one table; 0 is an empty slot.
    private let keys: FrozenArray<UInt64>
    /// Per slot: the crisis weight, or NaN where the crisis model does not know the feature
    /// (a weight is always finite).
    private let crisisWeights: FrozenArray<Double>
    /// Per slot: the feature's row in `topicLikelihoods`, or -1.
    private let topicRows: FrozenArray<Int32>
    private let topicPriors: FrozenArray<Double>
    private let topicLikelihoods: FrozenArray<Double>
    private let crisisPrior: Double?
    /// A message is a possible crisis when its score is above this.
    let crisisThreshold: Double
    /// A topic is answered when its probability is at least this.
    let topicThreshold: Double

    /// Reads with either model, or both; a missing one reads nothing.
    init(crisis: CrisisModel?, topics: TopicModel?) {
        var entries: [UInt64: (weight: Double, row: Int32)] = [:]
        crisis?.weights.forEachEntry { key, weight in entries[key, default: (.nan, -1)].weight = weight }
        topics?.rows.forEachEntry { key, row in entries[key, default: (.nan, -1)].row = Int32(row) }
        var capacity = 16
        while capacity < entries.count * 2 { capacity *= 2 }
        var keys = [UInt64](repeating: 0, count: capacity), weights = [Double](repeating: .nan, count: capacity)
        var rows = [Int32](repeating: -1, count: capacity)
        for (key, entry) in entries {
            var slot = Int(truncatingIfNeeded: key) & (capacity - 1)
            while keys[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
            keys[slot] = key
            weights[slot] = entry.weight
            rows[slot] = entry.row
        }
        self.keys = FrozenArray(keys)
        crisisWeights = FrozenArray(weights)
        topicRows = FrozenArray(rows)
        topicPriors = FrozenArray(topics?.logPriors ?? [])
        topicLikelihoods = FrozenArray(topics?.logLikelihoods ?? [])
        crisisPrior = crisis?.prior
        crisisThreshold = crisis?.threshold ?? .infinity
        topicThreshold = topics?.threshold ?? .infinity
    }

    var readsAnything: Bool { crisisPrior != nil || topicPriors.count > 0 }

    /// Calls `body` with the slots of the message's distinct known features, in the order first seen.
    func withKnownFeatures<Result>(in bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<Int32>) -> Result) -> Result {
        // A message has at most one word and one pair for every two bytes.
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: bytes.count + 1) { known in
            var count = 0
            WordFeatures.forEachKnown(in: bytes, lookup: { slot(of: $0) }) { slot in
                known[count] = Int32(slot)
                count += 1
            }
            return body(UnsafeBufferPointer(rebasing: known[0..<count]))
        }
    }

    /// `CrisisModel.score`: the prior plus the weight of each known feature; nil without the model.
    func crisisScore(_ known: UnsafeBufferPointer<Int32>) -> Double? {
        guard var total = crisisPrior else { return nil }
        for slot in known where !crisisWeights[Int(slot)].isNaN { total += crisisWeights[Int(slot)] }
        return total
    }

    /// `TopicModel.read`: the likeliest topic's index and probability; nil without the model.
    func topicReading(_ known: UnsafeBufferPointer<Int32>) -> (index: Int, probability: Double)? {
        let width = topicPriors.count
        guard width > 0 else { return nil }
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: width) { scores in
            for intent in 0..<width { scores[intent] = topicPriors[intent] }
            for slot in known where topicRows[Int(slot)] >= 0 {
                let row = Int(topicRows[Int(slot)])
                for intent in 0..<width { scores[intent] += topicLikelihoods[row * width + intent] }
            }
            return TopicModel.reading(scores)
        }
    }

    private func slot(of hash: UInt64) -> Int? {
        let key = FeatureTable<Double>.key(hash)
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let found = keys[slot]
            if found == key { return slot }
            if found == 0 { return nil }
            slot = (slot + 1) & mask
        }
    }

    func deallocate() {
        keys.deallocate()
        crisisWeights.deallocate()
        topicRows.deallocate()
        topicPriors.deallocate()
        topicLikelihoods.deallocate()
    }
}
