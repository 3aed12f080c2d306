import Foundation
import Storage
import Testing

/// What the encryption store promises: a Megolm message index serves one event only, the first
/// copy of a room key is kept, and a room's outbound key and the messages waiting for keys
/// survive reopening the file.
@Suite("Encryption store")
struct EncryptionStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aMessageIndexServesOneEventOnly() throws {
        let database = try BotDatabase.inMemory()
        #expect(try database.recordMegolmIndex(sessionID: "s", index: 3, eventID: "$first"))
        #expect(try database.recordMegolmIndex(sessionID: "s", index: 3, eventID: "$first"), "the same event read again is fine")
        #expect(try !database.recordMegolmIndex(sessionID: "s", index: 3, eventID: "$replay"), "another event with the same index is a replay")
        #expect(try database.recordMegolmIndex(sessionID: "other", index: 3, eventID: "$replay"))
    }

    @Test func receivedKeysAreSavedTogetherAndTheFirstRoomKeyIsKept() throws {
        try withDatabaseFile { path in
            do {
                let database = try BotDatabase.open(path: path)
                try database.saveReceivedKeys(
                    identity: EncryptionIdentityRecord(deviceID: "DEV", account: [1], crossSigning: [2]),
                    olmSessions: [("curve", "old", [3])], roomKeys: [RoomKeyRecord(roomID: "!r", sessionID: "m", sender: "@p:x", senderKey: "curve", pickle: [4])],
                    at: now
                )
                try database.saveReceivedKeys(
                    identity: nil, olmSessions: [("curve", "new", [5])],
                    roomKeys: [RoomKeyRecord(roomID: "!r", sessionID: "m", sender: "@p:x", senderKey: "curve", pickle: [6])], at: now.addingTimeInterval(1)
                )
            }
            let reopened = try BotDatabase.open(path: path)
            #expect(try reopened.encryptionIdentities(first: "DEV").first?.account == [1])
            #expect(try reopened.olmSessions(with: "curve").map(\.sessionID) == ["new", "old"], "the last used first")
            #expect(try reopened.roomKey(roomID: "!r", sessionID: "m", sender: "@p:x")?.pickle == [4])
            #expect(try reopened.roomKey(roomID: "!other", sessionID: "m", sender: "@p:x") == nil, "a key belongs to its room")
            #expect(try reopened.roomKey(roomID: "!r", sessionID: "m", sender: "@q:x") == nil, "and to its sender")
        }
    }

    @Test func outboundKeysAndWaitingMessagesSurviveReopening() throws {
        try withDatabaseFile { path in
            do {
                let database = try BotDatabase.open(path: path)
                try database.saveOutboundRoomKey(OutboundRoomKeyRecord(roomID: "!r", pickle: [1], createdAt: now, sharedWith: ["@p:x A", "@p:x B"]))
                try database.saveOutboundRoomKey(OutboundRoomKeyRecord(roomID: "!r", pickle: [2], createdAt: now, sharedWith: ["@p:x A", "@p:x B", "@q:x C"]))
                for _ in 0..<2 {
                    try database.keepUndecrypted(UndecryptedEventRecord(eventID: "$e", roomID: "!r", event: Data("{}".utf8), arrivedAt: now))
                }
                try database.keepUndecrypted(UndecryptedEventRecord(eventID: "$f", roomID: "!r", event: Data("{}".utf8), arrivedAt: now.addingTimeInterval(1)))
            }
            let reopened = try BotDatabase.open(path: path)
            let outbound = try #require(try reopened.outboundRoomKey(roomID: "!r"))
            #expect(outbound.pickle == [2] && outbound.sharedWith == ["@p:x A", "@p:x B", "@q:x C"])
            #expect(try reopened.undecryptedEvents().map(\.eventID) == ["$e", "$f"])
            try reopened.removeUndecrypted(["$e"])
            #expect(try reopened.undecryptedEvents().map(\.eventID) == ["$f"])
        }
    }

    @Test func encryptionRecordsAreKeptUntilTheyChangeOrTheRetentionPeriodEnds() throws {
        let database = try BotDatabase.inMemory()
        try database.saveDeviceLists(["@p:x": Data("[1]".utf8), "@q:x": Data("[2]".utf8)], at: now)
        try database.saveDeviceLists(["@r:x": Data("[3]".utf8)], at: now.addingTimeInterval(100))
        try database.forgetDeviceLists(["@q:x"])
        #expect(try database.deviceLists(of: ["@p:x", "@q:x", "@r:x"]).keys.sorted() == ["@p:x", "@r:x"])
        #expect(try database.recordMegolmIndex(sessionID: "s", index: 0, eventID: "$old", at: now))
        try database.purge(before: now.addingTimeInterval(50))
        #expect(try database.deviceLists(of: ["@p:x", "@r:x"]).keys.sorted() == ["@r:x"])
        #expect(try database.recordMegolmIndex(sessionID: "s", index: 0, eventID: "$new"), "indexes are kept as long as the retention period")
    }

    @Test func forgetDeletesTheKeysOfThePatientsDirectChatOnly() throws {
        let database = try BotDatabase.inMemory()
        for room in ["!chat", "!community"] {
            try database.saveReceivedKeys(identity: nil, olmSessions: [],
                                          roomKeys: [RoomKeyRecord(roomID: room, sessionID: "m\(room)", sender: "@p:x", senderKey: "c", pickle: [1])], at: now)
            try database.saveOutboundRoomKey(OutboundRoomKeyRecord(roomID: room, pickle: [2], createdAt: now, sharedWith: []))
        }
        var inCommunity = Handling(eventID: "$1", roomID: "!community", at: now, patient: "@p:x")
        inCommunity.community = true
        inCommunity.forget = true
        try database.commit(inCommunity)
        #expect(try database.roomKey(roomID: "!community", sessionID: "m!community", sender: "@p:x") != nil, "a community room's keys serve everyone")
        var inChat = Handling(eventID: "$2", roomID: "!chat", at: now, patient: "@p:x")
        inChat.forget = true
        try database.commit(inChat)
        #expect(try database.roomKey(roomID: "!chat", sessionID: "m!chat", sender: "@p:x") == nil)
        #expect(try database.outboundRoomKey(roomID: "!chat") == nil)
        #expect(try database.outboundRoomKey(roomID: "!community") != nil)
    }
}
