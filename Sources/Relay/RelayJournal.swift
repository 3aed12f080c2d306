import Foundation
import GRDB

/// Where the relay keeps what must survive a restart: accounts, sessions, aliases and the
/// event log (rooms and their state are rebuilt from the log). `nil` journal: memory only.
/// Memory holds only each room's newest events; older ones are read from here, by room and
/// position (`/messages`) or by id (an event fetched or redacted).
struct RelayJournal: Sendable {
    private let writer: any DatabaseWriter

    struct Account: Codable, FetchableRecord, PersistableRecord, Sendable {
        static let databaseTableName = "account"
        var userID: String
        var passwordHash: String
        var salt: String
        enum CodingKeys: String, CodingKey { case userID = "user_id", passwordHash = "password_hash", salt }
    }

    struct Session: Codable, FetchableRecord, PersistableRecord, Sendable {
        static let databaseTableName = "session"
        var token: String
        var userID: String
        var deviceID: String
        enum CodingKeys: String, CodingKey { case token, userID = "user_id", deviceID = "device_id" }
    }

    struct Alias: Codable, FetchableRecord, PersistableRecord, Sendable {
        static let databaseTableName = "alias"
        var alias: String
        var roomID: String
        enum CodingKeys: String, CodingKey { case alias, roomID = "room_id" }
    }

    private struct EventRow: Codable, FetchableRecord, PersistableRecord {
        static let databaseTableName = "event"
        var position: Int
        var roomID: String
        var eventID: String
        var json: Data
        enum CodingKeys: String, CodingKey { case position, roomID = "room_id", eventID = "event_id", json }

        init(_ event: RelayEvent) throws {
            (position, roomID, eventID, json) = (event.position, event.roomID, event.eventID, try JSONEncoder().encode(event))
        }

        func event() throws -> RelayEvent { try JSONDecoder().decode(RelayEvent.self, from: json) }
    }

    init(path: String) throws {
        var configuration = Configuration()
        // secure_delete: the pages a redacted event's words were on are zeroed, not left free.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON") }
        writer = try DatabasePool(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: accounts, sessions, aliases, events") { db in
            try db.create(table: "account") { t in
                t.primaryKey("user_id", .text)
                t.column("password_hash", .text).notNull()
                t.column("salt", .text).notNull()
            }
            try db.create(table: "session") { t in
                t.primaryKey("token", .text)
                t.column("user_id", .text).notNull()
                t.column("device_id", .text).notNull()
            }
            try db.create(table: "alias") { t in
                t.primaryKey("alias", .text)
                t.column("room_id", .text).notNull()
            }
            try db.create(table: "event") { t in
                t.primaryKey("position", .integer)
                t.column("json", .blob).notNull()
            }
        }
        migrator.registerMigration("v2: events found by room and by id") { db in
            try db.alter(table: "event") { t in
                t.add(column: "room_id", .text)
                t.add(column: "event_id", .text)
            }
            // A thousand at a time: an old log may be long.
            var after = 0
            while true {
                let saved = try Row.fetchAll(db, sql: "SELECT position, json FROM event WHERE position > ? ORDER BY position LIMIT 1000", arguments: [after])
                guard let last = saved.last else { break }
                for row in saved {
                    let event = try JSONDecoder().decode(RelayEvent.self, from: row["json"] as Data)
                    try db.execute(sql: "UPDATE event SET room_id = ?, event_id = ? WHERE position = ?",
                                   arguments: [event.roomID, event.eventID, event.position])
                }
                after = last["position"]
            }
            try db.create(index: "event_by_room", on: "event", columns: ["room_id", "position"])
            try db.create(index: "event_by_id", on: "event", columns: ["event_id"])
        }
        try migrator.migrate(writer)
    }

    /// Reads what was saved; the events are handed to `apply` one at a time, oldest first, so
    /// that replaying a long log never holds all of it in memory.
    func load(events apply: (RelayEvent) -> Void) throws -> (accounts: [Account], sessions: [Session], aliases: [Alias]) {
        try writer.read { db in
            let events = try EventRow.order(Column("position")).fetchCursor(db)
            while let row = try events.next() { apply(try row.event()) }
            return (try Account.fetchAll(db), try Session.fetchAll(db), try Alias.fetchAll(db))
        }
    }

    /// Up to `limit` events of `roomID` with positions in `lower + 1 ... upper`, the newest
    /// first when `backwards`, else the oldest first.
    func events(in roomID: String, after lower: Int, through upper: Int, backwards: Bool, limit: Int) throws -> [RelayEvent] {
        try writer.read { db in
            let range = Column("position") > lower && Column("position") <= upper
            return try EventRow.filter(Column("room_id") == roomID && range)
                .order(backwards ? Column("position").desc : Column("position").asc)
                .limit(limit).fetchAll(db).map { try $0.event() }
        }
    }

    /// The event `eventID` of `roomID`, or nil when there is none.
    func event(_ eventID: String, in roomID: String) throws -> RelayEvent? {
        try writer.read { db in
            try EventRow.filter(Column("event_id") == eventID && Column("room_id") == roomID).fetchOne(db)?.event()
        }
    }

    func save(_ record: some PersistableRecord & Sendable) throws {
        try writer.write { db in try record.insert(db, onConflict: .replace) }
    }

    func delete(session token: String) throws {
        _ = try writer.write { db in try Session.deleteOne(db, key: token) }
    }

    /// Saves `event`; with `redacted`, a redacted event written over what it was in the same
    /// transaction: what a person took back is gone from the disk too.
    func append(_ event: RelayEvent, replacing redacted: RelayEvent? = nil) throws {
        let row = try EventRow(event), replacement = try redacted.map(EventRow.init)
        try writer.write { db in
            try row.insert(db)
            try replacement?.update(db)
        }
    }
}
