import Foundation
import GRDB

/// The bot's end-to-end encryption identity as stored: pickles, which the caller encrypts with
/// the store key before they reach this table.
public struct EncryptionIdentityRecord: Sendable, Equatable {
    public var deviceID: String
    /// The pickled Olm account: identity and signing keys, one-time and fallback keys.
    public var account: [UInt8]
    /// The pickled cross-signing private keys (the same for every device of the bot).
    public var crossSigning: [UInt8]

    public init(deviceID: String, account: [UInt8], crossSigning: [UInt8]) {
        self.deviceID = deviceID
        self.account = account
        self.crossSigning = crossSigning
    }
}

extension BotDatabase {
    /// Every device's identity the bot ever made, `deviceID`'s first.
    public func encryptionIdentities(first deviceID: String) throws -> [EncryptionIdentityRecord] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT device_id, account, cross_signing FROM encryption_identity ORDER BY device_id != ?, device_id",
                             arguments: [deviceID])
                .map { EncryptionIdentityRecord(deviceID: $0["device_id"], account: [UInt8]($0["account"] as Data), crossSigning: [UInt8]($0["cross_signing"] as Data)) }
        }
    }

    /// Saves the identity whole, before anything made from it is published: a key the server
    /// hands out is never one the bot has lost.
    public func saveEncryptionIdentity(_ record: EncryptionIdentityRecord) throws {
        try writer.write { db in try Self.saveIdentity(record, db) }
    }

    private static func saveIdentity(_ record: EncryptionIdentityRecord, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO encryption_identity (device_id, account, cross_signing) VALUES (?, ?, ?)
            ON CONFLICT(device_id) DO UPDATE SET account = excluded.account, cross_signing = excluded.cross_signing
            """, arguments: [record.deviceID, Data(record.account), Data(record.crossSigning)])
    }
}

/// A Megolm session the bot can decrypt a room's messages with, as stored.
public struct RoomKeyRecord: Sendable, Equatable {
    public var roomID: String
    public var sessionID: String
    /// The user whose device shared it: only that user's messages may use it.
    public var sender: String
    /// The Curve25519 key of the device that shared it.
    public var senderKey: String
    public var pickle: [UInt8]

    public init(roomID: String, sessionID: String, sender: String, senderKey: String, pickle: [UInt8]) {
        self.roomID = roomID
        self.sessionID = sessionID
        self.sender = sender
        self.senderKey = senderKey
        self.pickle = pickle
    }
}

/// The Megolm session the bot encrypts a room's messages with, and which devices hold its key.
public struct OutboundRoomKeyRecord: Sendable, Equatable {
    public var roomID: String
    public var pickle: [UInt8]
    public var createdAt: Date
    /// "user device" pairs.
    public var sharedWith: Set<String>

    public init(roomID: String, pickle: [UInt8], createdAt: Date, sharedWith: Set<String>) {
        self.roomID = roomID
        self.pickle = pickle
        self.createdAt = createdAt
        self.sharedWith = sharedWith
    }
}

/// An encrypted room event whose key has not arrived: its JSON as the server sent it.
public struct UndecryptedEventRecord: Sendable, Equatable {
    public var eventID: String
    public var roomID: String
    public var event: Data
    public var arrivedAt: Date

    public init(eventID: String, roomID: String, event: Data, arrivedAt: Date) {
        self.eventID = eventID
        self.roomID = roomID
        self.event = event
        self.arrivedAt = arrivedAt
    }
}

extension BotDatabase {
    /// What one batch of to-device messages changed, written in one transaction: the account
    /// (a one-time key used up), the Olm sessions advanced or made, the room keys received. A
    /// crash leaves all of it or none, so a one-time key is never used twice and no room key lost.
    public func saveReceivedKeys(identity: EncryptionIdentityRecord?, olmSessions: [(identityKey: String, sessionID: String, pickle: [UInt8])],
                                 roomKeys: [RoomKeyRecord], at date: Date) throws {
        try writer.write { db in
            if let identity { try Self.saveIdentity(identity, db) }
            for session in olmSessions { try Self.saveOlmSession(session, at: date, db) }
            for key in roomKeys {
                // The first copy of a session is kept: a later one could only know less of it.
                try db.execute(sql: "INSERT OR IGNORE INTO room_key (room_id, session_id, sender, sender_key, pickle, received_at) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [key.roomID, key.sessionID, key.sender, key.senderKey, Data(key.pickle), date])
            }
        }
    }

    /// Olm sessions with the device whose identity key is `identityKey`, the last used first.
    public func olmSessions(with identityKey: String) throws -> [(sessionID: String, pickle: [UInt8])] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT session_id, pickle FROM olm_session WHERE identity_key = ? ORDER BY used_at DESC", arguments: [identityKey])
                .map { ($0["session_id"], [UInt8]($0["pickle"] as Data)) }
        }
    }

    public func saveOlmSessions(_ sessions: [(identityKey: String, sessionID: String, pickle: [UInt8])], at date: Date) throws {
        try writer.write { db in
            for session in sessions { try Self.saveOlmSession(session, at: date, db) }
        }
    }

    /// The room key `sessionID` of `roomID` as `sender`'s device shared it.
    public func roomKey(roomID: String, sessionID: String, sender: String) throws -> RoomKeyRecord? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT sender_key, pickle FROM room_key WHERE room_id = ? AND session_id = ? AND sender = ?",
                             arguments: [roomID, sessionID, sender])
                .map { RoomKeyRecord(roomID: roomID, sessionID: sessionID, sender: sender, senderKey: $0["sender_key"], pickle: [UInt8]($0["pickle"] as Data)) }
        }
    }

    /// Records that `eventID` used `index` of a Megolm session; `false` when another event used
    /// it before (a replay, to be refused). The same event again (a sync read twice) is fine.
    public func recordMegolmIndex(sessionID: String, index: UInt32, eventID: String, at date: Date = Date()) throws -> Bool {
        try writer.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO megolm_index (session_id, message_index, event_id, at) VALUES (?, ?, ?, ?)",
                           arguments: [sessionID, index, eventID, date])
            let first: String? = try String.fetchOne(db, sql: "SELECT event_id FROM megolm_index WHERE session_id = ? AND message_index = ?",
                                                     arguments: [sessionID, index])
            return first == eventID
        }
    }

    public func outboundRoomKey(roomID: String) throws -> OutboundRoomKeyRecord? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT pickle, created_at, shared_with FROM outbound_room_key WHERE room_id = ?", arguments: [roomID]).map {
                OutboundRoomKeyRecord(roomID: roomID, pickle: [UInt8]($0["pickle"] as Data), createdAt: $0["created_at"],
                                      sharedWith: Set(($0["shared_with"] as String).split(separator: "\n").map(String.init)))
            }
        }
    }

    /// Saved before a message it encrypted goes out, so a crash never reuses a message index.
    public func saveOutboundRoomKey(_ record: OutboundRoomKeyRecord) throws {
        try writer.write { db in
            try db.execute(sql: """
                INSERT INTO outbound_room_key (room_id, pickle, created_at, shared_with) VALUES (?, ?, ?, ?)
                ON CONFLICT(room_id) DO UPDATE SET pickle = excluded.pickle, created_at = excluded.created_at, shared_with = excluded.shared_with
                """, arguments: [record.roomID, Data(record.pickle), record.createdAt, record.sharedWith.sorted().joined(separator: "\n")])
        }
    }

    /// Keeps an event until its key arrives (kept once, however often it is read).
    public func keepUndecrypted(_ record: UndecryptedEventRecord) throws {
        try writer.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO undecrypted_event (event_id, room_id, event, arrived_at) VALUES (?, ?, ?, ?)",
                           arguments: [record.eventID, record.roomID, record.event, record.arrivedAt])
        }
    }

    /// Every event still waiting for its key, the oldest first.
    public func undecryptedEvents() throws -> [UndecryptedEventRecord] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT event_id, room_id, event, arrived_at FROM undecrypted_event ORDER BY arrived_at").map {
                UndecryptedEventRecord(eventID: $0["event_id"], roomID: $0["room_id"], event: $0["event"], arrivedAt: $0["arrived_at"])
            }
        }
    }

    public func removeUndecrypted(_ eventIDs: [String]) throws {
        guard !eventIDs.isEmpty else { return }
        try writer.write { db in
            for eventID in eventIDs { try db.execute(sql: "DELETE FROM undecrypted_event WHERE event_id = ?", arguments: [eventID]) }
        }
    }

    /// The keys of a direct chat, to read and to write it: gone with the patient's `!forget`,
    /// with the messages that waited for them. The bot's next message there uses a new key.
    static func forgetRoomKeys(_ roomID: String, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM megolm_index WHERE session_id IN (SELECT session_id FROM room_key WHERE room_id = ?)", arguments: [roomID])
        for table in ["room_key", "outbound_room_key", "undecrypted_event"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE room_id = ?", arguments: [roomID])
        }
    }

    /// The devices of `users` as last looked up, by user: what `saveDeviceLists` stored.
    public func deviceLists(of users: [String]) throws -> [String: Data] {
        try writer.read { db in
            var lists: [String: Data] = [:]
            for userID in users {
                if let devices = try Data.fetchOne(db, sql: "SELECT devices FROM device_list WHERE user_id = ?", arguments: [userID]) { lists[userID] = devices }
            }
            return lists
        }
    }

    public func saveDeviceLists(_ lists: [String: Data], at date: Date) throws {
        try writer.write { db in
            for (userID, devices) in lists {
                try db.execute(sql: """
                    INSERT INTO device_list (user_id, devices, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT(user_id) DO UPDATE SET devices = excluded.devices, updated_at = excluded.updated_at
                    """, arguments: [userID, devices, date])
            }
        }
    }

    /// A sync said their devices changed: they are looked up again before they are used.
    public func forgetDeviceLists(_ users: [String]) throws {
        try writer.write { db in
            for userID in users { try db.execute(sql: "DELETE FROM device_list WHERE user_id = ?", arguments: [userID]) }
        }
    }

    /// Past the retention period: message indexes and device lists; sessions and room keys
    /// unused that long (sessions rotate within a week, so a key that old serves nothing new);
    /// rooms' outbound keys made that long ago (a new one is shared at the next message).
    static func purgeEncryption(before date: Date, _ db: Database) throws {
        for (table, column) in [("megolm_index", "at"), ("device_list", "updated_at"), ("olm_session", "used_at"), ("room_key", "received_at"),
                                ("outbound_room_key", "created_at")] {
            try db.execute(sql: "DELETE FROM \(table) WHERE \(column) < ?", arguments: [date])
        }
    }

    private static func saveOlmSession(_ session: (identityKey: String, sessionID: String, pickle: [UInt8]), at date: Date, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO olm_session (identity_key, session_id, pickle, used_at) VALUES (?, ?, ?, ?)
            ON CONFLICT(identity_key, session_id) DO UPDATE SET pickle = excluded.pickle, used_at = excluded.used_at
            """, arguments: [session.identityKey, session.sessionID, Data(session.pickle), date])
    }
}
