/// A learned model's values by feature hash: open addressing over the hash itself (already
/// well mixed), a few nanoseconds a lookup, for the words of every message the rules leave to a model.
struct FeatureTable<Value: Sendable>: Sendable {
    private let keys: [UInt64]
    private let values: [Value?]
    private let mask: Int

    init(_ entries: [(hash: UInt64, value: Value)]) {
        var capacity = 16
        while capacity < entries.count * 2 { capacity *= 2 }
        var keys = [UInt64](repeating: 0, count: capacity), values = [Value?](repeating: nil, count: capacity)
        for entry in entries {
            let key = Self.key(entry.hash)
            var slot = Int(truncatingIfNeeded: key) & (capacity - 1)
            while keys[slot] != 0, keys[slot] != key { slot = (slot + 1) & (capacity - 1) }
            keys[slot] = key
            values[slot] = entry.value
        }
        self.keys = keys
        self.values = values
        mask = capacity - 1
    }

    /// Zero marks an empty slot, so a hash of zero is stored as one.
    static func key(_ hash: UInt64) -> UInt64 { hash == 0 ? 1 : hash }

    subscript(hash: UInt64) -> Value? {
        let key = Self.key(hash)
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let found = keys[slot]
            if found == key { return values[slot] }
            if found == 0 { return nil }
            slot = (slot + 1) & mask
        }
    }

    /// Calls `body` once for each distinct feature of a message that the table knows.
    func forEachKnownFeature(in bytes: UnsafeBufferPointer<UInt8>, _ body: (Value) -> Void) {
        WordFeatures.forEachKnown(in: bytes, lookup: { self[$0] }, body)
    }

    /// Every stored feature: its key (the hash, or 1 for a hash of zero) and its value.
    func forEachEntry(_ body: (_ key: UInt64, Value) -> Void) {
        for slot in keys.indices where keys[slot] != 0 { body(keys[slot], values[slot]!) }
    }
}
