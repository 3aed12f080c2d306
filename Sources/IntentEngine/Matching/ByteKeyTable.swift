/// A hash set of short byte strings that numbers its keys 0, 1, 2, ... in insertion order.
/// Looking up a word straight from a message's bytes needs no `String` and no allocation,
/// which keeps classification within its budget of microseconds.
struct ByteKeyTable: Sendable {
    /// Per slot: 0 when empty, else the key's number + 1 in the low half and the high half of
    /// its hash in the high half, so that a lookup passes other keys without reading them (the
    /// table holds every misspelling of the fuzzy words, and each read of a key was a cache miss).
    private var slots: [UInt64] = Array(repeating: 0, count: 64)
    private var storage: [UInt8] = []
    /// Key `n`'s bytes are `storage[starts[n]..<starts[n + 1]]`.
    private var starts: [Int32] = [0]

    var count: Int { starts.count - 1 }

    func number(of key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while true {
            let entry = slots[slot]
            if entry == 0 { return nil }
            if entry & Self.hashHalf == hash & Self.hashHalf {
                let number = Int32(truncatingIfNeeded: entry) - 1
                if equals(number, key) { return number }
            }
            slot = (slot + 1) & (slots.count - 1)
        }
    }

    /// The key's number, adding the key if it is new.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> Int32 {
        if let existing = number(of: key) { return existing }
        if (count + 1) * 2 > slots.count { grow() }
        let number = Int32(count)
        storage.append(contentsOf: key)
        starts.append(Int32(storage.count))
        place(number, hash: Self.hash(key))
        return number
    }

    func key(_ number: Int32) -> [UInt8] {
        Array(storage[Int(starts[Int(number)])..<Int(starts[Int(number) + 1])])
    }

    private static let hashHalf: UInt64 = 0xFFFF_FFFF_0000_0000

    private func equals(_ number: Int32, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(starts[Int(number)])
        guard Int(starts[Int(number) + 1]) - start == key.count else { return false }
        for offset in 0..<key.count where storage[start + offset] != key[offset] { return false }
        return true
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        for number in 0..<Int32(count) {
            let hash = storage.withUnsafeBufferPointer { Self.hash(UnsafeBufferPointer(rebasing: $0[Int(starts[Int(number)])..<Int(starts[Int(number) + 1])])) }
            place(number, hash: hash)
        }
    }

    private mutating func place(_ number: Int32, hash: UInt64) {
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while slots[slot] != 0 { slot = (slot + 1) & (slots.count - 1) }
        slots[slot] = hash & Self.hashHalf | UInt64(number + 1)
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
