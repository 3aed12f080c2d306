import MatrixClient

/// The two filters the bot syncs with, and which one a sync may use.
///
/// Synapse looks through only a room's newest events (about ten times the timeline limit) for
/// ones that pass a timeline filter, and leaves the room out of the sync when none does: a
/// message followed by that many events the filter leaves out is never seen. So the timeline is
/// filtered by sender only, and only the bot's own events are ever left out (they would wake its
/// long poll: a sync for every reply); and they are left out only when the bot cannot have sent
/// a timeline's worth since the sync's position (counting its requests, far fewer than
/// the events Synapse looks through). Then any room with new events of others has one of them
/// among its newest, and is in the sync (`limited` when there is more).
struct SyncFilters {
    /// Every timeline event: after a start, and when the bot may have sent many.
    let everything: String
    /// Everyone's timeline events but the bot's own.
    let othersOnly: String
    let timelineLimit: Int
    /// `MatrixClient.eventRequestsMade` when the sync that gave the current position began (its
    /// events come after that sync's position); `nil` after a start, when what the run before
    /// sent is unknown.
    private var madeBeforePosition: Int?

    init(client: MatrixClient, userID: String, timelineLimit: Int) async throws {
        self.init(everything: try await client.createFilter(userID: userID, filter: Self.filter(timelineLimit: timelineLimit, leavingOut: nil)),
                  othersOnly: try await client.createFilter(userID: userID, filter: Self.filter(timelineLimit: timelineLimit, leavingOut: userID)),
                  timelineLimit: timelineLimit)
    }

    init(everything: String, othersOnly: String, timelineLimit: Int) {
        self.everything = everything
        self.othersOnly = othersOnly
        self.timelineLimit = timelineLimit
    }

    /// The filter for a sync that begins when the client has made `made` event requests.
    func filter(eventRequestsMade made: Int) -> String {
        trusted(made) ? othersOnly : everything
    }

    /// Whether a sync with `filter` can be used, the client having made `made` event requests
    /// by its answer: not when the bot sent a timeline's worth while it waited.
    func answer(of filter: String, isTrustedAt made: Int) -> Bool {
        filter == everything || trusted(made)
    }

    /// The position moved on to the answer of a sync that began at `made` event requests.
    mutating func moved(bySyncBeganAt made: Int) {
        madeBeforePosition = made
    }

    private func trusted(_ made: Int) -> Bool {
        madeBeforePosition.map { made - $0 < timelineLimit } ?? false
    }

    /// Only what the bot reads: no presence, receipts or account data; timeline events of every
    /// type, since one of another type is a room's news as much as a message is.
    static func filter(timelineLimit: Int, leavingOut sender: String?) -> JSONValue {
        var timeline: JSONValue = ["limit": .number(Double(timelineLimit))]
        if let sender, case var .object(fields) = timeline {
            fields["not_senders"] = [.string(sender)]
            timeline = .object(fields)
        }
        return [
            "presence": ["not_types": ["*"]],
            "account_data": ["not_types": ["*"]],
            "room": [
                "timeline": timeline,
                // Members, and encryption turned on while the timeline had a gap.
                "state": ["types": ["m.room.member", "m.room.encryption"], "lazy_load_members": true],
                "ephemeral": ["not_types": ["*"]],
                "account_data": ["not_types": ["*"]],
            ],
        ]
    }
}
