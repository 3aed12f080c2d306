import Foundation
import Logging
import MatrixClient
import Synchronization
import Testing

/// The bot's client never writes plaintext into an encrypted room: it refuses until it can
/// encrypt, then encrypts every event there, and leaves plaintext rooms plaintext.
@Suite("Sending into encrypted rooms")
struct EncryptedRoomsTests {
    static let encryptionState = ScriptedTransport.Answer(status: 200, body: #"{"algorithm":"m.megolm.v1.aes-sha2"}"#)

    func client(_ transport: ScriptedTransport) -> MatrixClient {
        MatrixClient(homeserver: URL(string: "http://127.0.0.1:8008")!, accessToken: "secret-token", transport: transport,
                     refusingEncryptedRooms: true, logger: Logger(label: "test"))
    }

    @Test func refusesAnEncryptedRoomUntilItCanEncrypt() async throws {
        let transport = ScriptedTransport([Self.encryptionState])
        let client = client(transport)
        for _ in 0..<2 {
            let error = await #expect(throws: MatrixError.self) {
                try await client.send(roomID: "!chat:localhost", transactionID: "t1", content: ["msgtype": "m.text", "body": "hello"])
            }
            #expect(error?.isRefusal == true)
        }
        #expect(transport.requests.count == 1, "the room's state is looked up once, and nothing is sent")
    }

    @Test func encryptsEveryEventOfAnEncryptedRoom() async throws {
        let transport = ScriptedTransport([Self.encryptionState, .init(status: 200, body: #"{"event_id":"$sealed"}"#)])
        let client = client(transport)
        let encryptor = RecordingEncryptor()
        client.encryptEvents(with: encryptor)
        let eventID = try await client.send(roomID: "!chat:localhost", transactionID: "t1", content: ["msgtype": "m.text", "body": "hello"])
        #expect(eventID == "$sealed")
        #expect(transport.requests.last?.request.path?.contains("/send/m.room.encrypted/t1") == true)
        #expect(encryptor.asked == ["m.room.message in !chat:localhost"])
    }

    @Test func leavesAPlaintextRoomPlaintext() async throws {
        let transport = ScriptedTransport([
            .init(status: 404, body: #"{"errcode":"M_NOT_FOUND","error":"no such state"}"#), .init(status: 200, body: #"{"event_id":"$plain"}"#),
        ])
        let client = client(transport)
        let encryptor = RecordingEncryptor()
        client.encryptEvents(with: encryptor)
        _ = try await client.send(roomID: "!community:localhost", transactionID: "t1", content: ["msgtype": "m.text", "body": "hello"])
        #expect(transport.requests.last?.request.path?.contains("/send/m.room.message/t1") == true)
        #expect(encryptor.asked.isEmpty)
    }

    @Test func anInvitationTellsTheEncryptorWhoIsInTheRoomNow() async throws {
        let transport = ScriptedTransport([.init(status: 200, body: "{}")])
        let client = client(transport)
        let encryptor = RecordingEncryptor()
        client.encryptEvents(with: encryptor)
        try await client.invite("@patient:localhost", to: "!claim:localhost")
        #expect(encryptor.asked == ["members of !claim:localhost"])
    }

    @Test func aRoomItCreatesWithoutEncryptionIsStillLookedUp() async throws {
        // A server may encrypt every new private room by itself.
        let transport = ScriptedTransport([.init(status: 200, body: #"{"room_id":"!new:localhost"}"#), Self.encryptionState,
                                           .init(status: 200, body: #"{"event_id":"$sealed"}"#)])
        let client = client(transport)
        client.encryptEvents(with: RecordingEncryptor())
        let room = try await client.createRoom(["preset": "private_chat"])
        _ = try await client.send(roomID: room, transactionID: "t1", content: ["msgtype": "m.text", "body": "hello"])
        #expect(transport.requests.map { $0.request.path ?? "" }.contains { $0.contains("/state/m.room.encryption") })
        #expect(transport.requests.last?.request.path?.contains("/send/m.room.encrypted/t1") == true)
    }

    @Test func aRoomItCreatesEncryptedIsEncryptedWithoutALookUp() async throws {
        let transport = ScriptedTransport([.init(status: 200, body: #"{"room_id":"!new:localhost"}"#), .init(status: 200, body: #"{"event_id":"$sealed"}"#)])
        let client = client(transport)
        client.encryptEvents(with: RecordingEncryptor())
        let room = try await client.createRoom(["initial_state": [["type": "m.room.encryption", "state_key": "", "content": ["algorithm": "m.megolm.v1.aes-sha2"]]]])
        _ = try await client.send(roomID: room, transactionID: "t1", content: ["msgtype": "m.text", "body": "hello"])
        #expect(transport.requests.count == 2)
        #expect(transport.requests.last?.request.path?.contains("/send/m.room.encrypted/t1") == true)
    }
}

extension EncryptedRoomsTests {
    @Test func aSyncShowsEncryptionByItsStateOrByAnEncryptedMessageAndCarriesKeys() async throws {
        let body = #"""
        {"next_batch": "s2",
         "rooms": {"join": {
           "!turned:x": {"timeline": {"events": [{"event_id": "$1", "type": "m.room.encryption", "sender": "@p:x", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}]}},
           "!sealed:x": {"timeline": {"events": [{"event_id": "$2", "type": "m.room.encrypted", "sender": "@p:x", "content": {"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "c"}}]}},
           "!plain:x": {"timeline": {"events": [{"event_id": "$3", "type": "m.room.message", "sender": "@p:x", "content": {"body": "hi"}}]}}}},
         "to_device": {"events": [{"type": "m.room.encrypted", "sender": "@p:x", "content": {"algorithm": "m.olm.v1.curve25519-aes-sha2"}}, {"type": "broken"}]},
         "device_lists": {"changed": ["@p:x"], "left": []}}
        """#
        let response = try await client(ScriptedTransport([.init(status: 200, body: body)])).sync(since: "s1", filter: nil, timeout: .zero, userID: "@bot:x")
        let encrypted = Dictionary(uniqueKeysWithValues: response.joinedRooms.map { ($0.roomID, $0.turnsOnEncryption) })
        #expect(encrypted == ["!turned:x": true, "!sealed:x": true, "!plain:x": false])
        #expect(response.toDeviceEvents.map(\.sender) == ["@p:x"], "a to-device message without a content is left out")
        #expect(response.deviceListsChanged == ["@p:x"])
    }
}

/// Stands in for the bot's device: says what it was asked to encrypt.
private final class RecordingEncryptor: RoomEventEncrypting {
    private let log = Mutex<[String]>([])
    var asked: [String] { log.withLock { $0 } }

    func encrypt(_ content: JSONValue, type: String, roomID: String) async throws -> JSONValue {
        log.withLock { $0.append("\(type) in \(roomID)") }
        return ["algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "sealed"]
    }

    func membershipChanged(in roomID: String) async {
        log.withLock { $0.append("members of \(roomID)") }
    }
}
