import Foundation
import MatrixClient
import Testing

/// A message taken back is gone from the relay, in memory and on disk, as Synapse removes it;
/// only its sender or a moderator may take it back.
@Suite("Relay redactions")
struct RelayRedactionTests {
    @Test func aRedactedMessageLosesItsWordsEverywhereAndOnlyItsSenderOrAModeratorMayRedact() async throws {
        try await withRelayDatabase { database in
            let folder = URL(fileURLWithPath: database).deletingLastPathComponent()
            let words = "something i wish i had not said \(UUID().uuidString.prefix(8))"
            var saved: (token: String, room: String, event: String)?
            try await RelayHarness.with(database: database) { relay in
                let creator = try await relay.user("creator"), patient = try await relay.user("patient"), other = try await relay.user("other")
                let room = try await creator.client.createRoom(["preset": "public_chat"])
                try await patient.client.join(room)
                try await other.client.join(room)
                let message = try await patient.client.send(roomID: room, transactionID: "m", content: ["msgtype": "m.text", "body": .string(words)])
                let byOther = try await relay.call("PUT", "/_matrix/client/v3/rooms/\(room)/redact/\(message)/r1", token: other.token, json: [:])
                #expect(byOther.status == 403, "a member without the power may not take back another's words")
                try await patient.client.redact(roomID: room, eventID: message, transactionID: "r2")
                let shown = try await relay.call("GET", "/_matrix/client/v3/rooms/\(room)/event/\(message)", token: creator.token)
                #expect(shown.json["content"] == [:], "the event stays, its words do not")
                let page = try await creator.client.messages(roomID: room, from: nil, to: nil, limit: 10)
                #expect(page.events.first { $0.eventID == message }?.body == nil)
                let reply = try await other.client.send(roomID: room, transactionID: "o", content: ["msgtype": "m.text", "body": "hm"])
                #expect(try await relay.call("PUT", "/_matrix/client/v3/rooms/\(room)/redact/\(reply)/r3", token: creator.token, json: [:]).status == 200,
                        "the room's creator (power 100) may")
                saved = (creator.token, room, message)
            }
            for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
                let bytes = try Data(contentsOf: folder.appendingPathComponent(file))
                #expect(bytes.range(of: Data(words.utf8)) == nil, "the words are gone from \(file)")
            }
            let (token, room, message) = try #require(saved)
            try await RelayHarness.with(database: database) { relay in
                let shown = try await relay.call("GET", "/_matrix/client/v3/rooms/\(room)/event/\(message)", token: token)
                #expect(shown.status == 200 && shown.json["content"] == [:], "and stay gone after a restart")
            }
        }
    }
}
