import BotEncryption
import Foundation
import Logging
import MatrixClient
import MatrixCrypto
import Relay
import Storage
import Testing

/// The bot's device at the protocol level, against the relay in-process, with a patient's
/// device made of MatrixCrypto parts: which room keys it takes, what it decrypts, what it
/// refuses, and that it never loses a one-time key the server still hands out. (The proof with
/// an independent client is the encrypted scenarios with matrix-nio.)
@Suite("The bot's encryption device")
struct BotDeviceTests {
    let relay: RelayServer
    let logger = Logger(label: "test")

    init() throws {
        relay = try RelayServer(serverName: "localhost", database: nil)
    }

    func client(_ token: String) -> MatrixClient {
        MatrixClient(homeserver: URL(string: "http://relay.invalid")!, accessToken: token, transport: relay.inProcessTransport(logger: logger), logger: logger)
    }

    func botDevice(database: BotDatabase? = nil) async throws -> (device: BotDevice, client: MatrixClient) {
        let bot = try await relay.provisionUser("bot", password: "pw")
        let client = client(bot.accessToken)
        let deviceID = try #require(try await client.whoamiWithDevice().deviceID)
        let device = try BotDevice(client: client, database: database ?? .inMemory(), userID: bot.userID, deviceID: deviceID, storeKey: PickleKey(), logger: logger)
        return (device, client)
    }

    /// One-time keys the server holds for the bot.
    func keysOnServer(_ client: MatrixClient) async throws -> Int {
        try await client.uploadKeys([:])["signed_curve25519"] ?? 0
    }

    @Test func newOneTimeKeysNeverPushOutOnesTheServerStillHoldsOrHandedOutLast() async throws {
        let (device, client) = try await botDevice()
        let beforeUpload = ContinuousClock.now
        try await device.publish()
        #expect(try await keysOnServer(client) == 50)
        try await device.replenish(oneTimeKeyCounts: ["signed_curve25519": 0], unusedFallbackKeyTypes: [], syncBegan: beforeUpload)
        #expect(try await keysOnServer(client) == 50, "a sync that began before the upload counts keys from before it")

        // Two rounds of fifty keys handed out and never used (clients that claimed and went away).
        let patient = try await Patient(relay: relay, client: self.client)
        var lastHandedOut: [String] = []
        for _ in 0..<2 {
            lastHandedOut = try await (0..<50).asyncMap { _ in try await patient.claimKey(of: device) }
            #expect(try await keysOnServer(client) == 0)
            try await device.replenish(oneTimeKeyCounts: ["signed_curve25519": 0], unusedFallbackKeyTypes: ["signed_curve25519"], syncBegan: .now)
            #expect(try await keysOnServer(client) == 50, "topped up")
        }
        // The last key handed out still opens a session; so does the next the server hands out.
        let session = OutboundGroupSession()
        #expect(try await device.receive([try await patient.roomKey(session, room: "!a:localhost", to: device, oneTimeKey: try #require(lastHandedOut.last))]) == 1)
        #expect(try await device.receive([try await patient.roomKey(session, room: "!b:localhost", to: device)]) == 1)
    }

    @Test func decryptsWithAKeyFromItsSendersDeviceAndRefusesReplaysAndStrangers() async throws {
        let database = try BotDatabase.inMemory()
        let (device, _) = try await botDevice(database: database)
        try await device.publish()
        let patient = try await Patient(relay: relay, client: client)
        var session = OutboundGroupSession()
        let room = "!chat:localhost"
        // The key as a client shares it, before its first message.
        let key = try await patient.roomKey(session, room: room, to: device)
        var keyFromStranger = try await patient.roomKey(session, room: room, to: device)
        keyFromStranger.sender = "@mallory:localhost"
        var message = patient.encrypted(&session, "my back hurts", room: room, eventID: "$1")
        #expect(try await device.decrypt(message, in: room).isWaiting, "before its key comes, a message waits")
        #expect(try await device.receive([keyFromStranger]) == 0, "a key is kept only from a device of its sender's")
        #expect(try await device.receive([key]) == 1)
        let kept = try database.deviceLists(of: [patient.userID])[patient.userID].map { String(decoding: $0, as: UTF8.self) }
        #expect(kept?.contains(patient.deviceID) == true, "the sender's devices are kept for the next start")

        guard case let .decrypted(plain) = try await device.decrypt(message, in: room) else { Issue.record("not decrypted"); return }
        #expect(plain.body == "my back hurts" && plain.type == "m.room.message" && plain.eventID == "$1")
        #expect(try await device.decrypt(message, in: room).isDecrypted, "the same event read again")
        message.eventID = "$replayed"
        #expect(try await device.decrypt(message, in: room).isRefused, "another event with the same message index")
        let elsewhere = patient.encrypted(&session, "hello", room: "!other:localhost", eventID: "$2")
        #expect(try await device.decrypt(elsewhere, in: room).isRefused, "a message whose plaintext names another room")
        var forged = patient.encrypted(&session, "hello", room: room, eventID: "$3")
        forged.sender = "@mallory:localhost"
        #expect(try await device.decrypt(forged, in: room).isWaiting, "a key serves only its sender's messages: another's wait for their own")
    }
}

/// A patient's device: published to the relay, and able to send the bot a room key and Megolm messages.
private struct Patient {
    let userID: String
    let deviceID: String
    let client: MatrixClient
    let account: OlmAccount

    init(relay: RelayServer, client makeClient: (String) -> MatrixClient) async throws {
        let user = try await relay.provisionUser("patient", password: "pw")
        client = makeClient(user.accessToken)
        userID = user.userID
        deviceID = try #require(try await client.whoamiWithDevice().deviceID)
        account = OlmAccount()
        _ = try await client.uploadKeys(["device_keys": try JSONValue(parsing: Data(account.deviceKeys(userID: userID, deviceID: deviceID).canonicalText.utf8))])
    }

    /// One of the bot's one-time keys, as the server hands it out.
    func claimKey(of device: BotDevice) async throws -> String {
        try #require(try await client.claimKeys([(device.userID, device.deviceID)])[device.userID]?[device.deviceID]?.object?.values.first?["key"]?.string)
    }

    /// `m.room_key` for `session`, Olm-encrypted to the bot's device with a one-time key claimed
    /// from the server (or one claimed before).
    func roomKey(_ session: OutboundGroupSession, room: String, to device: BotDevice, oneTimeKey: String? = nil) async throws -> ToDeviceEvent {
        let claimed = if let oneTimeKey { oneTimeKey } else { try await claimKey(of: device) }
        let botKeys = try await client.queryKeys([device.userID])["device_keys"]?[device.userID]?[device.deviceID]?["keys"]
        let identityKey = try Curve25519PublicKey(base64: try #require(botKeys?["curve25519:\(device.deviceID)"]?.string))
        var olm = try account.createOutboundSession(identityKey: identityKey, oneTimeKey: try Curve25519PublicKey(base64: claimed))
        let payload: JSONValue = [
            "type": "m.room_key", "sender": .string(userID), "sender_device": .string(deviceID),
            "keys": ["ed25519": .string(account.signingKey.base64)], "recipient": .string(device.userID),
            "recipient_keys": ["ed25519": try #require(botKeys?["ed25519:\(device.deviceID)"])],
            "content": ["algorithm": "m.megolm.v1.aes-sha2", "room_id": .string(room), "session_id": .string(session.sessionID), "session_key": .string(session.sessionKey)],
        ]
        let message = try olm.encrypt(payload.serialized())
        return ToDeviceEvent(type: "m.room.encrypted", sender: userID, content: [
            "algorithm": "m.olm.v1.curve25519-aes-sha2", "sender_key": .string(account.identityKey.base64),
            "ciphertext": .object([identityKey.base64: ["type": .number(Double(message.type)), "body": .string(message.body)]]),
        ])
    }

    /// A text message as the homeserver delivers it, Megolm-encrypted for `room`.
    func encrypted(_ session: inout OutboundGroupSession, _ text: String, room: String, eventID: String) -> ClientEvent {
        let plaintext: JSONValue = ["type": "m.room.message", "room_id": .string(room), "content": ["msgtype": "m.text", "body": .string(text)]]
        return ClientEvent(eventID: eventID, type: "m.room.encrypted", sender: userID, originServerTS: 0, content: [
            "algorithm": "m.megolm.v1.aes-sha2", "ciphertext": .string(session.encrypt(plaintext.serialized())), "session_id": .string(session.sessionID),
            "sender_key": .string(account.identityKey.base64), "device_id": .string(deviceID),
        ])
    }
}

extension RoomEventDecryption {
    var isWaiting: Bool { if case .waitingForKey = self { true } else { false } }
    var isDecrypted: Bool { if case .decrypted = self { true } else { false } }
    var isRefused: Bool { if case .refused = self { true } else { false } }
}

extension Range<Int> {
    /// Each element mapped in order, awaiting each.
    func asyncMap<T>(_ transform: (Int) async throws -> T) async rethrows -> [T] {
        var mapped: [T] = []
        for element in self { mapped.append(try await transform(element)) }
        return mapped
    }
}
