import MatrixClient

/// One event in the relay's log. Its position in the log is its place in every stream:
/// sync tokens and pagination tokens are positions.
struct RelayEvent: Codable, Sendable {
    var position: Int
    var roomID: String
    var eventID: String
    var type: String
    var sender: String
    var stateKey: String?
    var content: JSONValue
    var originServerTS: Int
    /// `device/txnId` of the send that made it, so a resend is the same event.
    var transactionKey: String?

    /// The Client-Server API shape; the sender sees their own transaction id.
    func clientJSON(for viewer: String?, includeRoomID: Bool = false) -> JSONValue {
        var object: [String: JSONValue] = [
            "event_id": .string(eventID), "type": .string(type), "sender": .string(sender),
            "origin_server_ts": .number(Double(originServerTS)), "content": content,
        ]
        if let stateKey { object["state_key"] = .string(stateKey) }
        if includeRoomID { object["room_id"] = .string(roomID) }
        if viewer == sender, let transactionKey, let txn = transactionKey.split(separator: "/", maxSplits: 1).last {
            object["unsigned"] = ["transaction_id": .string(String(txn))]
        }
        return .object(object)
    }

    /// The reduced form invitees see of a room's state.
    var strippedJSON: JSONValue {
        ["type": .string(type), "state_key": .string(stateKey ?? ""), "sender": .string(sender), "content": content]
    }
}

/// A room: its events in order and its current state.
struct RelayRoom: Sendable {
    let id: String
    var positions: [Int] = []
    /// `type` + NUL + `state_key` → position of the current state event.
    var state: [String: Int] = [:]
    var membership: [String: String] = [:]

    static func stateKey(_ type: String, _ key: String) -> String { type + "\u{0}" + key }

    func joined(_ user: String) -> Bool { membership[user] == "join" }

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
        var low = 0, high = positions.count
        while low < high {
            let middle = (low + high) / 2
            if positions[middle] <= position { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// The event log and what is derived from it. Rebuilt on start by applying saved events in order.
struct RelayLog: Sendable {
    var log: [RelayEvent] = []
    var rooms: [String: RelayRoom] = [:]
    /// Rooms where each user has a membership of any kind.
    var roomsOfUser: [String: Set<String>] = [:]
    /// `device/txnId` → event id.
    var transactions: [String: String] = [:]

    mutating func apply(_ event: RelayEvent) {
        log.append(event)
        // In place: copying a long room out and back on every event would cost its length.
        rooms[event.roomID, default: RelayRoom(id: event.roomID)].positions.append(event.position)
        if let stateKey = event.stateKey {
            rooms[event.roomID]!.state[RelayRoom.stateKey(event.type, stateKey)] = event.position
            if event.type == "m.room.member", let membership = event.content["membership"]?.string {
                rooms[event.roomID]!.membership[stateKey] = membership
                roomsOfUser[stateKey, default: []].insert(event.roomID)
            }
        }
        if let key = event.transactionKey { transactions[key] = event.eventID }
    }
}
