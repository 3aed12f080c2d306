import MatrixClient

/// `/sync` and `/messages`: what a user sees of the log, and a device of the device stream.
/// Pagination tokens are `s<position>`, "after that many events of the log"; sync tokens add
/// the device stream's position, `s<position>_<device stream position>` (see `SyncToken`).
extension RelayStore {
    /// What a filter asks of room timelines.
    struct TimelineFilter: Sendable {
        var limit = 10
        var types: [String]?
        var notTypes: [String] = []
        var senders: Set<String>?
        var notSenders: Set<String> = []

        /// A sync filter's `room.timeline`.
        init(_ filter: JSONValue?) {
            self.init(roomEvents: filter?["room"]?["timeline"])
        }

        /// A room event filter, as `/messages` takes it.
        init(roomEvents timeline: JSONValue?) {
            if let limit = timeline?["limit"]?.int, limit > 0 { self.limit = min(limit, 1000) }
            types = timeline?["types"]?.array?.compactMap(\.string)
            notTypes = timeline?["not_types"]?.array?.compactMap(\.string) ?? []
            senders = timeline?["senders"]?.array.map { Set($0.compactMap(\.string)) }
            notSenders = Set(timeline?["not_senders"]?.array?.compactMap(\.string) ?? [])
        }

        func allows(_ event: RelayEvent) -> Bool {
            let type = event.type
            func matches(_ pattern: String) -> Bool { pattern == "*" || pattern == type || (pattern.hasSuffix("*") && type.hasPrefix(pattern.dropLast())) }
            if notSenders.contains(event.sender) || senders.map({ !$0.contains(event.sender) }) == true { return false }
            if notTypes.contains(where: matches) { return false }
            return types.map { $0.contains(where: matches) } ?? true
        }
    }

    /// Where a sync stands in both streams it reads: the room event log and the device stream
    /// (to-device messages, key changes). Written `s<events>_<devices>`, so that a sync token is
    /// also a pagination token; `s<events>` alone (a pagination token, or a sync token from
    /// before the device stream) is at the device stream's beginning: it acknowledges no
    /// to-device message, and every key change since the relay started is news to it.
    struct SyncToken: Equatable, Sendable, CustomStringConvertible {
        var events: Int
        var devices: Int

        init(events: Int, devices: Int) {
            self.events = events
            self.devices = devices
        }

        init(_ token: String) throws(RelayError) {
            let parts = token.dropFirst().split(separator: "_", omittingEmptySubsequences: false)
            guard token.first == "s", parts.count <= 2, let events = Int(parts[0]), let devices = parts.count == 2 ? Int(parts[1]) : 0,
                  events >= 0, devices >= 0
            else { throw .invalidParameter("Unknown pagination token \(token)") }
            self.init(events: events, devices: devices)
        }

        var description: String { "s\(events)_\(devices)" }
    }

    static func token(_ position: Int) -> String { "s\(position)" }

    /// The log position of a pagination or sync token.
    static func position(_ token: String) throws(RelayError) -> Int {
        try SyncToken(token).events
    }

    /// The sync response for `session` since `since` (`nil`: everything), or `nil` when nothing is new.
    func syncResponse(session: RelayJournal.Session, since token: SyncToken?, filter: TimelineFilter) -> JSONValue? {
        let user = session.userID, since = token?.events
        let now = streamPosition
        var join: [String: JSONValue] = [:], invite: [String: JSONValue] = [:], leave: [String: JSONValue] = [:]
        let candidates = since.map { roomsWithEvents(of: user, after: $0) } ?? rooms(of: user)
        for roomID in candidates.sorted() {
            guard let room = room(roomID) else { continue }
            switch room.membership[user] {
            case "join":
                let joinedAt = room.state[RelayRoom.stateKey("m.room.member", user)] ?? 0
                let fresh = since.map { joinedAt > $0 } ?? true
                // Newest first, one past the limit: enough to know whether the timeline is cut.
                let start = fresh ? 0 : since ?? 0
                let window = room.positions(after: start).reversed().lazy
                    .filter { filter.allows(self.event(at: $0)) }.prefix(filter.limit + 1)
                let shown = Array(window.prefix(filter.limit)).reversed()
                // Nothing here the filter lets through: the room is left out, as Synapse does,
                // and a long-poll goes on waiting.
                guard fresh || !shown.isEmpty else { continue }
                var timeline: [String: JSONValue] = [
                    "events": .array(shown.map { event(at: $0).clientJSON(for: user) }),
                    // Cut by the filter's limit, or by the history bound since `start`.
                    "limited": .bool(window.count > filter.limit || start < room.lastDropped),
                ]
                timeline["prev_batch"] = .string(Self.token((shown.first ?? now.events + 1) - 1))
                var entry: [String: JSONValue] = ["timeline": .object(timeline), "ephemeral": ["events": []]]
                if fresh { entry["state"] = ["events": .array(stateEvents(roomID).map { $0.clientJSON(for: user) })] }
                join[roomID] = .object(entry)
            case "invite":
                let stripped = stateEvents(roomID).filter { ["m.room.create", "m.room.name", "m.room.join_rules", "m.room.canonical_alias", "m.room.encryption"].contains($0.type) || $0.stateKey == user }
                invite[roomID] = ["invite_state": ["events": .array(stripped.map(\.strippedJSON))]]
            case "leave":
                if let since, let left = room.state[RelayRoom.stateKey("m.room.member", user)], left > since {
                    leave[roomID] = ["timeline": ["events": [event(at: left).clientJSON(for: user)]]]
                }
            default:
                continue
            }
        }
        let (toDevice, keysChanged) = deviceNews(for: session, since: token?.devices)
        if since != nil, join.isEmpty, invite.isEmpty, leave.isEmpty, toDevice.isEmpty, keysChanged.isEmpty { return nil }
        return [
            "next_batch": .string(now.description),
            "rooms": ["join": .object(join), "invite": .object(invite), "leave": .object(leave)],
            "presence": ["events": []], "account_data": ["events": .array(since == nil ? accountDataEvents(of: user) : [])],
            "to_device": ["events": .array(toDevice)],
            "device_lists": ["changed": .array(keysChanged.map(JSONValue.string)), "left": []],
        ]
    }

    /// Long-polls: answers at once when there is news, else waits for it up to `timeout`.
    /// Syncing from `since` acknowledges the to-device messages sent up to there.
    func sync(session: RelayJournal.Session, since: SyncToken?, timeout: Duration, filter: TimelineFilter) async -> JSONValue {
        let deadline = ContinuousClock.now + timeout
        // A token from the future (another relay's, or made up) reads as "now".
        let now = streamPosition
        var from = since.map { SyncToken(events: min($0.events, now.events), devices: min($0.devices, now.devices)) }
        if let from { acknowledgeToDevice(session, through: from.devices) }
        while true {
            if let response = syncResponse(session: session, since: from, filter: filter) { return response }
            let remaining = deadline - .now
            guard remaining > .zero, !Task.isCancelled else { break }
            // Nothing up to here was for this device (no event the filter lets through, no join,
            // invite or leave, no message waiting, no key change), so after waiting only what came
            // later is read: the bot's own replies, which its filter leaves out, would otherwise
            // be read again at every wake.
            let seen = streamPosition
            await waitForNews(after: seen, timeout: remaining, user: session.userID)
            if streamPosition == seen { break }
            from = seen
        }
        return ["next_batch": .string(streamPosition.description), "rooms": ["join": [:], "invite": [:], "leave": [:]]]
    }

    /// `/messages`: events of a room from a token, backwards (`b`) or forwards (`f`). Events
    /// older than what memory keeps of the room come from the journal, when there is one.
    func messages(_ roomID: String, user: String, from: Int?, to: Int?, backwards: Bool, limit: Int, filter: TimelineFilter) throws(RelayError) -> JSONValue {
        guard let room = room(roomID) else { throw .notFound("Unknown room \(roomID)") }
        guard room.membership[user] == "join" || room.membership[user] == "leave" else { throw .forbidden("You are not in this room") }
        let limit = max(1, min(limit, 1000))
        let start = from ?? (backwards ? position : 0)
        let (lower, upper) = backwards ? (to ?? 0, start) : (start, to ?? Int.max)
        // Memory holds the room's newest events: backwards they come first and the journal, if
        // any, goes on below them; forwards from before them, the journal holds the whole range.
        let fromBefore = lower < room.lastDropped
        var found: [RelayEvent]
        if !backwards, fromBefore, let saved = try savedEvents(roomID, after: lower, through: upper, backwards: false, limit: limit, filter: filter) {
            found = saved
        } else {
            let positions = room.positions(after: lower, through: upper)
            let kept = (backwards ? Array(positions.reversed()) : Array(positions)).lazy.map { self.event(at: $0) }
            found = Array(kept.filter { filter.allows($0) }.prefix(limit))
        }
        if backwards, fromBefore, found.count < limit {
            let below = min(upper, (room.positions.first ?? room.lastDropped + 1) - 1)
            found += try savedEvents(roomID, after: lower, through: below, backwards: true, limit: limit - found.count, filter: filter) ?? []
        }
        var response: [String: JSONValue] = [
            "chunk": .array(found.map { $0.clientJSON(for: user, includeRoomID: true) }),
            "start": .string(Self.token(start)),
        ]
        if found.count == limit, let last = found.last?.position {
            response["end"] = .string(Self.token(backwards ? last - 1 : last))
        }
        return .object(response)
    }

    /// Up to `limit` events from the journal that `filter` lets through, read a page at a time
    /// (the filter may leave out many; a page is never tiny, so a small limit with a filter
    /// nothing passes does not cost a query an event); nil without a journal.
    private func savedEvents(_ roomID: String, after lower: Int, through upper: Int, backwards: Bool, limit: Int,
                             filter: TimelineFilter) throws(RelayError) -> [RelayEvent]? {
        let pageSize = max(limit, 200)
        var found: [RelayEvent] = []
        var (lower, upper) = (lower, upper)
        while found.count < limit {
            guard let page = try read({ try $0.events(in: roomID, after: lower, through: upper, backwards: backwards, limit: pageSize) }) else { return nil }
            found += page.lazy.filter { filter.allows($0) }.prefix(limit - found.count)
            guard page.count == pageSize, let last = page.last?.position else { break }
            if backwards { upper = last - 1 } else { lower = last }
        }
        return found
    }
}
