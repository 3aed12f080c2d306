import Foundation
import MatrixClient
import MatrixCrypto
import Storage

/// Who a room's messages are encrypted for, and how long one key may serve (the room's
/// `m.room.encryption` settings), until its membership changes.
struct RoomSharing: Sendable {
    /// Joined and invited members other than the bot: an invited ambassador reads the first post.
    var members: [String]
    var rotationMessages: Int
    var rotationPeriod: TimeInterval

    /// The specification's defaults: a week, or a hundred messages.
    static let defaultRotationMessages = 100
    static let defaultRotationPeriod: TimeInterval = 7 * 24 * 3600
}

/// The Megolm session the bot encrypts one room's messages with, and the devices it went to.
struct OutboundRoomKey: Sendable {
    var session: OutboundGroupSession
    var createdAt: Date
    var sharedWith: Set<String>
}

/// Sending: every event into an encrypted room Megolm-encrypted, its key shared first with every
/// device of every member over Olm; a key that cannot be shared stops the send (it is retried
/// later), and never lets plaintext out.
extension BotDevice: RoomEventEncrypting {
    public func encrypt(_ content: JSONValue, type: String, roomID: String) async throws -> JSONValue {
        await waitForTurn(in: roomID)
        defer { endTurn(in: roomID) }
        let room = try await roomSharing(roomID)
        let devices = try await devices(of: room.members).filter { keySharing == .all || $0.isCrossSigned }
        var key = try outboundKey(for: roomID, room: room, devices: devices)
        let unshared = devices.filter { !key.sharedWith.contains($0.name) }
        if !unshared.isEmpty {
            key.sharedWith.formUnion(try await share(key.session, of: roomID, with: unshared).map(\.name))
        }
        // Members without any device can read nothing whatever the bot does; but when they have
        // devices, at least one must hold the key before a message goes out under it.
        guard !key.sharedWith.isEmpty || devices.isEmpty else { throw BotDeviceError.roomKeyNotShared(roomID: roomID) }
        let payload: JSONValue = ["type": .string(type), "content": content, "room_id": .string(roomID)]
        let ciphertext = key.session.encrypt(payload.serialized())
        // The next message index is saved before this one can go out: a crash never reuses it.
        try database.saveOutboundRoomKey(OutboundRoomKeyRecord(roomID: roomID, pickle: key.session.pickle(with: storeKey), createdAt: key.createdAt,
                                                               sharedWith: key.sharedWith))
        var encrypted: [String: JSONValue] = [
            "algorithm": .string(Self.megolmAlgorithm), "sender_key": .string(account.identityKey.base64), "ciphertext": .string(ciphertext),
            "session_id": .string(key.session.sessionID), "device_id": .string(deviceID),
        ]
        if let relation = content["m.relates_to"] { encrypted["m.relates_to"] = relation }
        return .object(encrypted)
    }

    /// A room's membership changed: who its key goes to is looked up again, and a key that went
    /// to someone who left is replaced before the next message.
    public func membershipChanged(in roomID: String) {
        sharing[roomID] = nil
    }

    /// The room's key, a new one when the old has served its messages or its time, or went to a
    /// device that is no longer in the room (a member left, a device was removed).
    private func outboundKey(for roomID: String, room: RoomSharing, devices: [DeviceKeys]) throws -> OutboundRoomKey {
        let key = try database.outboundRoomKey(roomID: roomID).map { stored in
            OutboundRoomKey(session: try OutboundGroupSession(pickle: stored.pickle, key: storeKey), createdAt: stored.createdAt, sharedWith: stored.sharedWith)
        }
        let present = Set(devices.map(\.name))
        if let key, Int(key.session.messageIndex) < room.rotationMessages, Date().timeIntervalSince(key.createdAt) < room.rotationPeriod,
           key.sharedWith.isSubset(of: present) {
            return key
        }
        if key != nil { logger.debug("a room's key is replaced", metadata: ["matrix.room_id": "\(roomID)"]) }
        return OutboundRoomKey(session: OutboundGroupSession(), createdAt: Date(), sharedWith: [])
    }

    /// Sends the room key to `devices` over Olm, starting sessions where there are none; returns
    /// the devices it went to (one without a key to claim is left for the next message).
    private func share(_ session: OutboundGroupSession, of roomID: String, with devices: [DeviceKeys]) async throws -> [DeviceKeys] {
        let missing = try devices.filter { try database.olmSessions(with: $0.identityKey.base64).isEmpty }
        let started = missing.isEmpty ? [:] : try await startOlmSessions(with: missing)
        // Read after the wait, and saved before the next: a session another room's message or a
        // received key advanced meanwhile is used as it now is, never rewound.
        let sessions = try olmSessions(for: devices).merging(started) { stored, _ in stored }
        let roomKey: JSONValue = [
            "algorithm": .string(Self.megolmAlgorithm), "room_id": .string(roomID), "session_id": .string(session.sessionID),
            "session_key": .string(session.sessionKey),
        ]
        var messages: [String: [String: JSONValue]] = [:]
        var reached: [DeviceKeys] = []
        var used: [(identityKey: String, sessionID: String, pickle: [UInt8])] = []
        for device in devices {
            guard var olm = sessions[device.name] else { continue }
            let payload: JSONValue = [
                "type": "m.room_key", "content": roomKey, "sender": .string(userID), "sender_device": .string(deviceID),
                "keys": ["ed25519": .string(account.signingKey.base64)],
                "recipient": .string(device.userID), "recipient_keys": ["ed25519": .string(device.signingKey.base64)],
            ]
            let message = try olm.encrypt(payload.serialized())
            messages[device.userID, default: [:]][device.deviceID] = [
                "algorithm": .string(Self.olmAlgorithm), "sender_key": .string(account.identityKey.base64),
                "ciphertext": .object([device.identityKey.base64: ["type": .number(Double(message.type)), "body": .string(message.body)]]),
            ]
            used.append((device.identityKey.base64, olm.sessionID, olm.pickle(with: storeKey)))
            reached.append(device)
        }
        guard !reached.isEmpty else { return [] }
        try database.saveOlmSessions(used, at: Date())
        // Derived from what it carries (the session, its index, and which devices): a retry after
        // a failure is the same send, a share to other devices is another.
        let transactionID = "roomkey-\(StableDigest.of("\(session.sessionID) \(session.messageIndex) \(reached.map(\.name).sorted())"))"
        try await client.sendToDevice(eventType: "m.room.encrypted", transactionID: transactionID, messages: messages)
        logger.debug("shared a room key", metadata: ["matrix.room_id": "\(roomID)", "bot.devices": "\(reached.count)"])
        return reached
    }

    /// The newest Olm session with each device that has one.
    private func olmSessions(for devices: [DeviceKeys]) throws -> [String: OlmSession] {
        var sessions: [String: OlmSession] = [:]
        for device in devices {
            if let newest = try database.olmSessions(with: device.identityKey.base64).first {
                sessions[device.name] = try OlmSession(pickle: newest.pickle, key: storeKey)
            }
        }
        return sessions
    }

    /// New Olm sessions from one-time keys claimed for `devices`, each key's signature checked
    /// against its device.
    private func startOlmSessions(with devices: [DeviceKeys]) async throws -> [String: OlmSession] {
        let claimed = try await client.claimKeys(devices.map { ($0.userID, $0.deviceID) })
        var sessions: [String: OlmSession] = [:]
        for device in devices {
            guard let key = claimed[device.userID]?[device.deviceID]?.object?.first(where: { $0.key.hasPrefix("signed_curve25519:") })?.value,
                  let text = key["key"]?.string, let oneTimeKey = try? Curve25519PublicKey(base64: text),
                  key.isSigned(by: device.userID, keyID: device.deviceID, with: device.signingKey)
            else {
                logger.warning("no usable one-time key for a device: it gets the room key later", metadata: [
                    "matrix.device_id": "\(device.deviceID)",
                ])
                continue
            }
            sessions[device.name] = try account.createOutboundSession(identityKey: device.identityKey, oneTimeKey: oneTimeKey)
        }
        return sessions
    }

    /// Members and settings of a room, from its state the first time.
    private func roomSharing(_ roomID: String) async throws -> RoomSharing {
        if let known = sharing[roomID] { return known }
        let state = try await client.roomState(roomID: roomID)
        let members = state.filter { $0.type == "m.room.member" && ["join", "invite"].contains($0.content["membership"]?.string) }
            .compactMap(\.stateKey).filter { $0 != userID }
        let settings = state.first { $0.type == "m.room.encryption" }?.content
        let room = RoomSharing(
            members: members, rotationMessages: settings?["rotation_period_msgs"]?.int ?? RoomSharing.defaultRotationMessages,
            rotationPeriod: settings?["rotation_period_ms"]?.int.map { TimeInterval($0) / 1000 } ?? RoomSharing.defaultRotationPeriod
        )
        if sharing.count >= DeviceDirectory.usersRemembered { sharing.removeAll() }
        sharing[roomID] = room
        return room
    }

    private func waitForTurn(in roomID: String) async {
        guard busyRooms[roomID] != nil else {
            busyRooms[roomID] = []
            return
        }
        await withCheckedContinuation { busyRooms[roomID, default: []].append($0) }
    }

    private func endTurn(in roomID: String) {
        guard var waiting = busyRooms[roomID], !waiting.isEmpty else {
            busyRooms[roomID] = nil
            return
        }
        waiting.removeFirst().resume()
        busyRooms[roomID] = waiting
    }
}
