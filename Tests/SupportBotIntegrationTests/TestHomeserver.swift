import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import MatrixClient

/// A homeserver the scenarios run against, with a way to make users on it.
protocol TestHomeserver: Sendable {
    var url: URL { get }
    var serverName: String { get }
    /// A new user with a unique name, logged in.
    func register(_ prefix: String) async throws -> TestUser
    /// The password `register` gave the user with this local part.
    func password(of localpart: String) -> String
}

extension TestHomeserver {
    /// The same user on a new device (a password login), as a second phone or a laptop.
    func logIn(_ user: TestUser) async throws -> TestUser {
        let localpart = String(user.userID.dropFirst().prefix { $0 != ":" })
        var request = URLRequest(url: url.appendingPathComponent("_matrix/client/v3/login"))
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: [
            "type": "m.login.password", "identifier": ["type": "m.id.user", "user": localpart], "password": password(of: localpart),
        ])
        let (data, _) = try await URLSession.shared.data(for: request)
        guard let token = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["access_token"] as? String else {
            throw TestFailure("login failed: \(String(decoding: data, as: UTF8.self))")
        }
        return TestUser(userID: user.userID, accessToken: token, homeserver: url)
    }
}

/// A user of a test homeserver, with a client of their own.
struct TestUser: Sendable {
    let userID: String
    let accessToken: String
    let client: MatrixClient

    init(userID: String, accessToken: String, homeserver: URL) {
        self.userID = userID
        self.accessToken = accessToken
        self.client = MatrixClient(homeserver: homeserver, accessToken: accessToken, logger: Logger(label: "test.\(userID)"))
    }

    /// Sends a text message and returns its event id.
    @discardableResult
    func say(_ text: String, in roomID: String) async throws -> String {
        try await client.send(roomID: roomID, transactionID: UUID().uuidString, content: ["msgtype": "m.text", "body": .string(text)])
    }

    /// Every message event in a room, oldest first.
    func history(of roomID: String) async throws -> [ClientEvent] {
        var events: [ClientEvent] = []
        var from: String?
        while true {
            let page = try await client.messages(roomID: roomID, from: from, to: nil, limit: 500)
            events += page.events
            guard let end = page.end, !page.events.isEmpty, end != from else { break }
            from = end
        }
        return events.reversed().filter { $0.type == "m.room.message" }
    }
}

/// What the bot answered in a room: its replies by the event each answers.
struct Replies {
    let byEvent: [String: [ClientEvent]]
    /// Bot messages that answer no event.
    let unattached: [ClientEvent]

    init(history: [ClientEvent], bot: String) {
        var byEvent: [String: [ClientEvent]] = [:]
        var unattached: [ClientEvent] = []
        for event in history where event.sender == bot {
            if let target = event.content["m.relates_to"]?["m.in_reply_to"]?["event_id"]?.string {
                byEvent[target, default: []].append(event)
            } else {
                unattached.append(event)
            }
        }
        self.byEvent = byEvent
        self.unattached = unattached
    }

    func to(_ eventID: String) -> [ClientEvent] { byEvent[eventID] ?? [] }
}

/// Waits until `condition` holds, checking every `interval`, or fails after `timeout`.
func eventually(timeout: Duration = .seconds(30), every interval: Duration = .milliseconds(100), _ what: String,
                _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: interval)
    }
    throw TestFailure("timed out after \(timeout): \(what)")
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
