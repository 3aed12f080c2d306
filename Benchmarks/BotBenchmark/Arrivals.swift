import ArgumentParser
import MatrixClient

/// When the observing patient's sync saw each event, and each of the bot's replies.
actor Arrivals {
    let bot: String
    private var seen: [String: ContinuousClock.Instant] = [:]
    private var replies: [String: ContinuousClock.Instant] = [:]
    /// What each reply said: a claim counts only when confirmed.
    private var replyBodies: [String: String] = [:]
    private(set) var lastReply = ContinuousClock.now

    init(bot: String) { self.bot = bot }

    var replyCount: Int { replies.count }

    func follow(_ client: MatrixClient, userID: String) async throws {
        var since: String?
        let filter = #"{"room":{"timeline":{"limit":1000,"types":["m.room.message"]}},"presence":{"not_types":["*"]}}"#
        while !Task.isCancelled {
            let response = try await client.sync(since: since, filter: filter, timeout: .seconds(30), userID: userID)
            let now = ContinuousClock.now
            for room in response.joinedRooms {
                var events = room.events
                // A flood cuts the timeline: fetch the rest, or replies would go unseen.
                if room.limited, let previous = room.previousBatch, let since {
                    var from: String? = previous
                    while let token = from {
                        let page = try await client.messages(roomID: room.roomID, from: token, to: since, limit: 1000, filter: ["types": ["m.room.message"]])
                        events += page.events
                        from = page.events.isEmpty ? nil : page.end
                    }
                }
                for event in events {
                    seen[event.eventID] = seen[event.eventID] ?? now
                    if event.sender == bot, let target = event.content["m.relates_to"]?["m.in_reply_to"]?["event_id"]?.string, replies[target] == nil {
                        replies[target] = now
                        replyBodies[target] = event.content["body"]?.string ?? ""
                        lastReply = now
                    }
                }
            }
            since = response.nextBatch
        }
    }

    func echo(of id: String, timeout: Duration) async throws -> ContinuousClock.Instant {
        try await waitFor(timeout) { seen[id] }
    }

    func reply(to id: String, timeout: Duration) async throws -> ContinuousClock.Instant {
        try await waitFor(timeout) { replies[id] }
    }

    func replyBody(to id: String) -> String? { replyBodies[id] }

    /// When the reply to `id` was seen, if it was.
    func replied(to id: String) -> ContinuousClock.Instant? { replies[id] }

    func waitForReplies(count: Int, timeout: Duration) async throws {
        _ = try await waitFor(timeout) { replies.count >= count ? ContinuousClock.now : nil }
    }

    private func waitFor(_ timeout: Duration, _ value: () -> ContinuousClock.Instant?) async throws -> ContinuousClock.Instant {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let value = value() { return value }
            // Times are taken when events arrive, not here: polling only needs to be cheap.
            try await Task.sleep(for: .milliseconds(1))
        }
        throw ValidationError("timed out")
    }
}
