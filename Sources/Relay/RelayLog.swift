/// The event log and what is derived from it. Rebuilt on start by applying saved events in order.
///
/// A room keeps at most `history` of its newest events in memory, and always its current state.
/// Memory then stays level however long the relay runs, while positions (and so sync tokens)
/// keep counting up. Without a database older events are gone; with one they are read from it.
/// A transaction id is remembered for a day, as Synapse de-duplicates sends, however long ago its
/// event left memory: to-device sends, which leave no event in the log, are remembered here too.
struct RelayLog: Sendable {
    /// Events a room keeps in memory.
    let history: Int
    static let transactionLifetimeMilliseconds = 24 * 60 * 60 * 1000
    /// How many positions back a sync may read the log itself; an older token reads rooms instead.
    private static let recentPositions = 4096

    /// The position of the newest event: a log with none is at 0.
    private(set) var lastPosition = 0
    private(set) var events: [Int: RelayEvent] = [:]
    var rooms: [String: RelayRoom] = [:]
    /// Rooms where each user has a membership of any kind.
    var roomsOfUser: [String: Set<String>] = [:]
    /// `device/txnId` → the event it made (empty for a to-device send, which makes none), and when.
    private var transactions: [TransactionDigest: (eventID: String, sentAt: Int)] = [:]
    /// When each remembered transaction was sent, oldest first, from `firstTransaction` on.
    private var transactionTimes: [(milliseconds: Int, key: TransactionDigest)] = []
    private var firstTransaction = 0
    /// The room of each position from `firstRecentPosition` on.
    private var recentRooms: [String] = []
    private var firstRecentPosition = 1

    init(history: Int) {
        self.history = history
    }

    /// The event at `position`, which a room's positions or state names: those are kept.
    func event(at position: Int) -> RelayEvent {
        guard let event = events[position] else { preconditionFailure("position \(position) is no longer kept") }
        return event
    }

    /// The event a send with this `device/txnId` made, while it is remembered.
    func eventID(forTransaction key: String) -> String? { transactions[TransactionDigest(key)]?.eventID }

    /// Remembers a send that makes no event (a to-device send), so that its retry sends nothing.
    mutating func remember(transaction key: String, sentAt milliseconds: Int) {
        remember(key, eventID: "", sentAt: milliseconds)
    }

    /// The rooms of the events after `position`, or nil when that reaches further back than the
    /// recent log: then the caller asks each room instead.
    func roomsOfEvents(after position: Int) -> [String]? {
        guard position + 1 >= firstRecentPosition else { return nil }
        return Array(recentRooms[min(position + 1 - firstRecentPosition, recentRooms.count)...])
    }

    /// Adds an event; a redaction strips the content of the event it names (so replaying the
    /// journal redacts again what was redacted).
    mutating func apply(_ event: RelayEvent) {
        lastPosition = event.position
        events[event.position] = event
        if event.type == "m.room.redaction", let target = event.content["redacts"]?.string { redact(target, in: event.roomID) }
        // The room is changed in place: copying a long room out and back would cost its length.
        let forgotten = Self.record(event, in: &rooms[event.roomID, default: RelayRoom(id: event.roomID)], history: history, events: events)
        for position in forgotten { events.removeValue(forKey: position) }
        if event.type == "m.room.member", let member = event.stateKey, event.content["membership"]?.string != nil {
            roomsOfUser[member, default: []].insert(event.roomID)
        }
        if let key = event.transactionKey { remember(key, eventID: event.eventID, sentAt: event.originServerTS) }
        recentRooms.append(event.roomID)
        if recentRooms.count > 2 * Self.recentPositions {
            recentRooms.removeFirst(Self.recentPositions)
            firstRecentPosition += Self.recentPositions
        }
    }

    /// The event `eventID` of `roomID` while it is kept, looked for from the newest: in the
    /// timeline, then among the room's state (kept however old).
    func event(_ eventID: String, in roomID: String) -> RelayEvent? {
        guard let room = rooms[roomID] else { return nil }
        let position = room.positions.last { events[$0]?.eventID == eventID }
            ?? room.state.values.first { events[$0]?.eventID == eventID }
        return position.flatMap { events[$0] }
    }

    /// Strips what a person wrote from a redacted event, keeping what the specification's
    /// redaction algorithm keeps (what makes room state work); returns the event as it now is.
    @discardableResult
    mutating func redact(_ eventID: String, in roomID: String) -> RelayEvent? {
        guard let event = event(eventID, in: roomID) else { return nil }
        let redacted = Self.redacted(event)
        events[event.position] = redacted
        return redacted
    }

    /// `event` as a redaction leaves it.
    static func redacted(_ event: RelayEvent) -> RelayEvent {
        var event = event
        let kept = keptWhenRedacted[event.type] ?? []
        event.content = .object((event.content.object ?? [:]).filter { kept.contains($0.key) })
        return event
    }

    private static let keptWhenRedacted: [String: Set<String>] = [
        "m.room.member": ["membership", "join_authorised_via_users_server"],
        "m.room.join_rules": ["join_rule", "allow"],
        "m.room.power_levels": ["ban", "events", "events_default", "invite", "kick", "redact", "state_default", "users", "users_default"],
        "m.room.history_visibility": ["history_visibility"],
        "m.room.create": ["creator", "room_version", "type", "predecessor", "m.federate"],
    ]

    /// Adds `event` to its room's timeline and state; returns the positions no longer needed:
    /// a state event replaced after it left the timeline, and the oldest event beyond the
    /// history bound unless it is still part of the room's state.
    private static func record(_ event: RelayEvent, in room: inout RelayRoom, history: Int, events: [Int: RelayEvent]) -> [Int] {
        var forgotten: [Int] = []
        room.positions.append(event.position)
        if let stateKey = event.stateKey {
            let key = RelayRoom.stateKey(event.type, stateKey)
            if let replaced = room.state[key], !room.holds(replaced) { forgotten.append(replaced) }
            room.state[key] = event.position
            if event.type == "m.room.member", let membership = event.content["membership"]?.string {
                room.membership[stateKey] = membership
            }
        }
        if room.positions.count > history {
            let oldest = room.positions.removeFirst()
            room.lastDropped = oldest
            let stillState = events[oldest].flatMap { old in old.stateKey.map { room.state[RelayRoom.stateKey(old.type, $0)] == oldest } }
            if stillState != true { forgotten.append(oldest) }
        }
        return forgotten
    }

    private mutating func remember(_ transaction: String, eventID: String, sentAt milliseconds: Int) {
        let key = TransactionDigest(transaction)
        transactions[key] = (eventID, milliseconds)
        transactionTimes.append((milliseconds, key))
        let expired = milliseconds - Self.transactionLifetimeMilliseconds
        while firstTransaction < transactionTimes.count, transactionTimes[firstTransaction].milliseconds < expired {
            let (sentAt, old) = transactionTimes[firstTransaction]
            // The same id sent again after it was forgotten is a newer entry: that one stays.
            if transactions[old]?.sentAt == sentAt { transactions.removeValue(forKey: old) }
            firstTransaction += 1
        }
        if firstTransaction > transactionTimes.count / 2 {
            transactionTimes.removeFirst(firstTransaction)
            firstTransaction = 0
        }
    }
}
