/// A hash set of short byte strings that numbers its keys 0, 1, 2, ... in insertion order.
/// Looking up a word straight from a message's bytes needs no `String` and no allocation,
/// which keeps classification within its budget of microseconds.
struct ByteKeyTable: Sendable {
    private var slots: [Int32] = Array(repeating: -1, count: 64)
    private var storage: [UInt8] = []
    private var bounds: [Range<Int>] = []
    private var hashes: [UInt64] = []

    var count: Int { bounds.count }

    func number(of key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while true {
            let entry = slots[slot]
            if entry < 0 { return nil }
            if hashes[Int(entry)] == hash, equals(Int(entry), key) { return entry }
            slot = (slot + 1) & (slots.count - 1)
        }
    }

    /// The key's number, adding the key if it is new.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> Int32 {
        if let existing = number(of: key) { return existing }
        if (bounds.count + 1) * 2 > slots.count { grow() }
        let entry = Int32(bounds.count)
        let start = storage.count
        storage.append(contentsOf: key)
        bounds.append(start..<storage.count)
        hashes.append(Self.hash(key))
        place(entry)
        return entry
    }

    func key(_ number: Int32) -> [UInt8] {
        Array(storage[bounds[Int(number)]])
    }

    private func equals(_ entry: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let range = bounds[entry]
        guard range.count == key.count else { return false }
        for offset in 0..<key.count where storage[range.lowerBound + offset] != key[offset] { return false }
        return true
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        for entry in 0..<Int32(bounds.count) { place(entry) }
    }

    private mutating func place(_ entry: Int32) {
        var slot = Int(truncatingIfNeeded: hashes[Int(entry)]) & (slots.count - 1)
        while slots[slot] >= 0 { slot = (slot + 1) & (slots.count - 1) }
        slots[slot] = entry
    }

    /// FNV-1a: simple and fast for keys of a few bytes.
    private static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key {
            hash = (hash ^ UInt64(byte)) &* 0x0100_0000_01b3
        }
        return hash ^ (hash >> 29)
    }
}
