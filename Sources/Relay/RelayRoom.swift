/// A room: its events in order (those still kept in memory) and its current state.
struct RelayRoom: Sendable {
    let id: String
    /// A slice, so that dropping the oldest is not a copy of the rest.
    var positions: ArraySlice<Int> = []
    /// `type` + NUL + `state_key` → position of the current state event.
    var state: [String: Int] = [:]
    var membership: [String: String] = [:]
    /// The newest position dropped from the timeline by the history bound (0: none): a sync
    /// from before it has a gap, and says `limited`.
    var lastDropped = 0

    static func stateKey(_ type: String, _ key: String) -> String { type + "\u{0}" + key }

    func joined(_ user: String) -> Bool { membership[user] == "join" }

    /// Whether `position` is among the events the room still keeps in its timeline.
    func holds(_ position: Int) -> Bool {
        guard let first = positions.first else { return false }
        return position >= first
    }

    /// The positions after `position`, found by binary search: syncs stay cheap in long rooms.
    func positions(after position: Int) -> ArraySlice<Int> {
        positions[firstIndex(after: position)...]
    }

    /// The positions in `lower + 1 ... upper`, found by binary search.
    func positions(after lower: Int, through upper: Int) -> ArraySlice<Int> {
        let start = firstIndex(after: lower), end = firstIndex(after: upper)
        return start < end ? positions[start..<end] : []
    }

    private func firstIndex(after position: Int) -> Int {
        var low = positions.startIndex, high = positions.endIndex
        while low < high {
            let middle = (low + high) / 2
            if positions[middle] <= position { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
