import MatrixClient

/// `/sync` and `/messages`: what a user sees of the log. Tokens are `s<position>`, "after that
/// many events of the log".
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

    static func token(_ position: Int) -> String { "s\(position)" }

    static func position(_ token: String) throws(RelayError) -> Int {
        guard token.first == "s", let position = Int(token.dropFirst()), position >= 0 else {
            throw .invalidParameter("Unknown pagination token \(token)")
        }
        return position
    }

    /// The sync response for `user` since `since` (`nil`: everything), or `nil` when nothing is new.
    func syncResponse(user: String, since: Int?, filter: TimelineFilter) -> JSONValue? {
        let now = position
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
                timeline["prev_batch"] = .string(Self.token((shown.first ?? now + 1) - 1))
                var entry: [String: JSONValue] = ["timeline": .object(timeline), "ephemeral": ["events": []]]
                if fresh { entry["state"] = ["events": .array(stateEvents(roomID).map { $0.clientJSON(for: user) })] }
                join[roomID] = .object(entry)
            case "invite":
                let stripped = stateEvents(roomID).filter { ["m.room.create", "m.room.name", "m.room.join_rules", "m.room.canonical_alias"].contains($0.type) || $0.stateKey == user }
                invite[roomID] = ["invite_state": ["events": .array(stripped.map(\.strippedJSON))]]
            case "leave":
                if let since, let left = room.state[RelayRoom.stateKey("m.room.member", user)], left > since {
                    leave[roomID] = ["timeline": ["events": [event(at: left).clientJSON(for: user)]]]
                }
            default:
                continue
            }
        }
        if since != nil, join.isEmpty, invite.isEmpty, leave.isEmpty { return nil }
        return [
            "next_batch": .string(Self.token(now)),
            "rooms": ["join": .object(join), "invite": .object(invite), "leave": .object(leave)],
            "presence": ["events": []], "account_data": ["events": []],
        ]
    }

    /// Long-polls: answers at once when there is news, else waits for it up to `timeout`.
    func sync(user: String, since: Int?, timeout: Duration, filter: TimelineFilter) async -> JSONValue {
        let deadline = ContinuousClock.now + timeout
        // A token from the future (another relay's, or made up) reads as "now".
        var from = since.map { min($0, position) }
        while true {
            if let response = syncResponse(user: user, since: from, filter: filter) { return response }
            let remaining = deadline - .now
            guard remaining > .zero, !Task.isCancelled else { break }
            // Nothing up to here was for this user (no event the filter lets through, no join,
            // invite or leave), so after waiting only what came later is read: the bot's own
            // replies, which its filter leaves out, would otherwise be read again at every wake.
            let seen = position
            await waitForEvents(after: seen, timeout: remaining, user: user)
            if position == seen { break }
            from = seen
        }
        return ["next_batch": .string(Self.token(max(position, from ?? 0))), "rooms": ["join": [:], "invite": [:], "leave": [:]]]
    }

    /// `/messages`: events of a room from a token, backwards (`b`) or forwards (`f`).
    func messages(_ roomID: String, user: String, from: Int?, to: Int?, backwards: Bool, limit: Int, filter: TimelineFilter) throws(RelayError) -> JSONValue {
        guard let room = room(roomID) else { throw .notFound("Unknown room \(roomID)") }
        guard room.membership[user] == "join" || room.membership[user] == "leave" else { throw .forbidden("You are not in this room") }
        let limit = max(1, min(limit, 1000))
        let chunk: [Int]
        let start = from ?? (backwards ? position : 0)
        let wanted = { (position: Int) in filter.allows(self.event(at: position)) }
        if backwards {
            chunk = Array(room.positions(after: to ?? 0, through: start).reversed().lazy.filter(wanted).prefix(limit))
        } else {
            chunk = Array(room.positions(after: start, through: to ?? Int.max).lazy.filter(wanted).prefix(limit))
        }
        var response: [String: JSONValue] = [
            "chunk": .array(chunk.map { event(at: $0).clientJSON(for: user, includeRoomID: true) }),
            "start": .string(Self.token(start)),
        ]
        if chunk.count == limit, let last = chunk.last {
            response["end"] = .string(Self.token(backwards ? last - 1 : last))
        }
        return .object(response)
    }
}
