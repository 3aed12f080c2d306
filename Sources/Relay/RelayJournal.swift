import Foundation
import GRDB

/// Where the relay keeps what must survive a restart: accounts, sessions, aliases and the
/// event log (rooms and their state are rebuilt from the log). `nil` journal: memory only.
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
        var json: Data
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
        try migrator.migrate(writer)
    }

    func load() throws -> (accounts: [Account], sessions: [Session], aliases: [Alias], events: [RelayEvent]) {
        try writer.read { db in
            let decoder = JSONDecoder()
            let events = try EventRow.order(Column("position")).fetchAll(db).map { try decoder.decode(RelayEvent.self, from: $0.json) }
            return (try Account.fetchAll(db), try Session.fetchAll(db), try Alias.fetchAll(db), events)
        }
    }

    func save(_ record: some PersistableRecord & Sendable) throws {
        try writer.write { db in try record.insert(db, onConflict: .replace) }
    }

    func delete(session token: String) throws {
        _ = try writer.write { db in try Session.deleteOne(db, key: token) }
    }

    func append(_ event: RelayEvent) throws {
        let row = EventRow(position: event.position, json: try JSONEncoder().encode(event))
        try writer.write { db in try row.insert(db) }
    }

    /// Writes a redacted event over what it was: what a person took back is gone from the disk too.
    func replace(_ event: RelayEvent) throws {
        let row = EventRow(position: event.position, json: try JSONEncoder().encode(event))
        try writer.write { db in try row.update(db) }
    }
}
