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
