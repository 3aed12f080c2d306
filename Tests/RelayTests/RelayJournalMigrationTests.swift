import Foundation
import GRDB
import MatrixClient
import Testing

/// An operator's relay database from before events were kept by room and id (migration v2) is
/// upgraded when the relay starts, and what it held is found as if it had been written since.
@Suite struct RelayJournalMigrationTests {
    private let v3 = "/_matrix/client/v3"

    @Test func aDatabaseFromBeforeV2IsUpgradedAndItsOldEventsAreFoundByRoomAndById() async throws {
        try await withRelayDatabase { database in
            var saved: (token: String, room: String, sent: [String])?
            try await RelayHarness.with(database: database, history: 4) { relay in
                let alice = try await relay.user("alice")
                let room = try await alice.client.createRoom(["preset": "public_chat"])
                var sent: [String] = []
                for index in 0 ..< 8 {
                    sent.append(try await alice.client.send(roomID: room, transactionID: "m\(index)", content: ["msgtype": "m.text", "body": .string("\(index)")]))
                }
                saved = (alice.token, room, sent)
            }
            try Self.rewindToV1(database)
            let (token, room, sent) = try #require(saved)
            try await RelayHarness.with(database: database, history: 4) { relay in
                let alice = MatrixClient(homeserver: relay.url, accessToken: token, logger: .init(label: "alice"))
                let page = try await alice.messages(roomID: room, from: nil, to: nil, limit: 20)
                let bodies = page.events.filter { $0.type == "m.room.message" }.compactMap(\.body)
                #expect(bodies == (0 ..< 8).reversed().map(String.init), "every message, the older ones read from the upgraded file")
                let old = try await relay.call("GET", "\(v3)/rooms/\(room)/event/\(sent[0])", token: token)
                #expect(old.status == 200 && old.json["content"]?["body"]?.string == "0", "an event older than memory is found by its id")
            }
            let upgraded = try DatabaseQueue(path: database)
            let unfilled = try await upgraded.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event WHERE room_id IS NULL OR event_id IS NULL") }
            #expect(unfilled == 0, "every saved event has its room and id filled in")
        }
    }

    /// Turns a database the relay wrote into the layout of migration v1: events kept by
    /// position only, and v2 not yet applied.
    private static func rewindToV1(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                DROP INDEX event_by_room;
                DROP INDEX event_by_id;
                ALTER TABLE event DROP COLUMN room_id;
                ALTER TABLE event DROP COLUMN event_id;
                DELETE FROM grdb_migrations WHERE identifier LIKE 'v2:%';
                """)
        }
        try queue.close()
    }
}
