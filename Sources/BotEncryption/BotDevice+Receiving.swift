import Foundation
import MatrixClient
import MatrixCrypto
import Storage

/// Receiving: room keys that arrive in Olm-encrypted to-device messages.
extension BotDevice {
    static let olmAlgorithm = "m.olm.v1.curve25519-aes-sha2"
    static let megolmAlgorithm = "m.megolm.v1.aes-sha2"

    /// Reads a sync's to-device messages and saves what they change (the account, Olm sessions,
    /// room keys) in one transaction before the sync position can move past them. A room key is
    /// kept only when the device that sent it is one of its sender's, by both its keys. Returns
    /// how many room keys arrived.
    public func receive(_ events: [ToDeviceEvent]) async throws -> Int {
        let events = events.filter { !readToDevice.contains($0) }
        let encrypted = events.filter { $0.type == "m.room.encrypted" }
        try await lookUpSenders(of: encrypted)
        // From here to the save nothing waits: a reply being encrypted meanwhile could advance
        // the same Olm sessions, and one of the two saves would undo the other's.
        var batch = OlmBatch()
        var roomKeys: [RoomKeyRecord] = []
        // A one-time key a message used is gone from the account only once that is saved.
        let accountBefore = account
        for event in events {
            switch event.type {
            case "m.room.encrypted":
                guard let (payload, senderKey) = openOlm(event, in: &batch) else { continue }
                if payload["type"]?.string == "m.room_key", let key = roomKey(payload, from: event.sender, senderKey: senderKey) {
                    roomKeys.append(key)
                }
            case "m.room_key.withheld":
                logger.info("a device withheld a room key from the bot", metadata: [
                    "matrix.room_id": "\(event.content["room_id"]?.string ?? "")",
                    "matrix.code": "\(event.content["code"]?.string ?? "")",
                ])
            default:
                continue
            }
        }
        if batch.accountChanged || !batch.sessions.isEmpty || !roomKeys.isEmpty {
            do {
                try database.saveReceivedKeys(
                    identity: batch.accountChanged ? identityRecord : nil,
                    olmSessions: batch.sessions.map { ($0.identityKey, $0.session.sessionID, $0.session.pickle(with: storeKey)) },
                    roomKeys: roomKeys, at: Date()
                )
            } catch {
                account = accountBefore
                throw error
            }
        }
        for event in events { readToDevice.insert(event) }
        if !roomKeys.isEmpty { logger.debug("received room keys", metadata: ["bot.room_keys": "\(roomKeys.count)"]) }
        return roomKeys.count
    }

    /// The Olm sessions a batch of to-device messages used, each once with its newest state.
    struct OlmBatch {
        var sessions: [(identityKey: String, session: OlmSession)] = []
        var accountChanged = false

        mutating func keep(_ session: OlmSession, with identityKey: String) {
            sessions.removeAll { $0.identityKey == identityKey && $0.session.sessionID == session.sessionID }
            sessions.append((identityKey, session))
        }
    }

    /// The payload of an Olm message to this device and its sender's identity key, checked to
    /// be meant for this device from its sender; `nil` (logged) for anything else.
    private func openOlm(_ event: ToDeviceEvent, in batch: inout OlmBatch) -> (JSONValue, Curve25519PublicKey)? {
        guard event.content["algorithm"]?.string == Self.olmAlgorithm, let senderKeyText = event.content["sender_key"]?.string,
              let senderKey = try? Curve25519PublicKey(base64: senderKeyText),
              let ciphertext = event.content["ciphertext"]?[account.identityKey.base64],
              let type = ciphertext["type"]?.int, let body = ciphertext["body"]?.string, let message = try? OlmMessage(type: type, body: body)
        else {
            logger.debug("a to-device message that is not Olm for this device", metadata: ["matrix.type": "\(event.type)"])
            return nil
        }
        guard let plaintext = decrypt(message, from: senderKey, in: &batch),
              let payload = try? JSONValue(parsing: Data(plaintext)),
              payload["sender"]?.string == event.sender, payload["recipient"]?.string == userID,
              payload["recipient_keys"]?["ed25519"]?.string == account.signingKey.base64
        else {
            Self.undecryptableToDevice.increment()
            logger.warning("a to-device message the bot cannot read, or not meant for it")
            return nil
        }
        return (payload, senderKey)
    }

    /// Tries the sessions with the sender (this batch's newest state first), then starts one
    /// from a pre-key message.
    private func decrypt(_ message: OlmMessage, from senderKey: Curve25519PublicKey, in batch: inout OlmBatch) -> [UInt8]? {
        let identityKey = senderKey.base64
        var sessions = batch.sessions.filter { $0.identityKey == identityKey }.map(\.session)
        let stored = (try? database.olmSessions(with: identityKey)) ?? []
        sessions += stored.filter { record in !sessions.contains { $0.sessionID == record.sessionID } }
            .compactMap { try? OlmSession(pickle: $0.pickle, key: storeKey) }
        for var session in sessions where message.kind == .normal || session.matches(message) {
            if let plaintext = try? session.decrypt(message) {
                batch.keep(session, with: identityKey)
                return plaintext
            }
        }
        // A pre-key message of a session the bot has is one read before (a batch read again
        // after a crash): starting the session again would replace the one that moved on.
        guard !sessions.contains(where: { $0.matches(message) }) else { return nil }
        guard message.kind == .preKey, let (session, plaintext) = try? account.createInboundSession(from: message, senderIdentityKey: senderKey) else { return nil }
        batch.keep(session, with: identityKey)
        batch.accountChanged = true
        return plaintext
    }

    /// The devices of those who sent `events`, looked up again for a sender whose sending device
    /// is not among those known (a device added since they were looked up).
    private func lookUpSenders(of events: [ToDeviceEvent]) async throws {
        let senders = Array(Set(events.map(\.sender)))
        _ = try await devices(of: senders)
        let unknownDevice = senders.filter { sender in
            let keys = events.filter { $0.sender == sender }.compactMap { $0.content["sender_key"]?.string }
            return keys.contains { key in !directory.devices(of: sender).contains { $0.identityKey.base64 == key } }
        }
        guard !unknownDevice.isEmpty else { return }
        try devicesChanged(unknownDevice)
        _ = try await devices(of: unknownDevice)
    }

    /// A `m.room_key` payload as a key to keep, when the device that sent it is its sender's.
    private func roomKey(_ payload: JSONValue, from sender: String, senderKey: Curve25519PublicKey) -> RoomKeyRecord? {
        let content = payload["content"]
        guard content?["algorithm"]?.string == Self.megolmAlgorithm, let roomID = content?["room_id"]?.string,
              let sessionID = content?["session_id"]?.string, let sessionKey = content?["session_key"]?.string,
              let session = try? InboundGroupSession(sessionKey: sessionKey), session.sessionID == sessionID
        else {
            logger.warning("a room key the bot cannot use")
            return nil
        }
        let claimedSigningKey = payload["keys"]?["ed25519"]?.string
        guard directory.devices(of: sender).contains(where: { $0.identityKey == senderKey && $0.signingKey.base64 == claimedSigningKey }) else {
            logger.warning("refused a room key from a device its sender does not have", metadata: ["matrix.room_id": "\(roomID)"])
            return nil
        }
        return RoomKeyRecord(roomID: roomID, sessionID: sessionID, sender: sender, senderKey: senderKey.base64, pickle: session.pickle(with: storeKey))
    }

    /// The devices of `users`: remembered, else kept in the database, else looked up (and kept).
    /// Throws when they cannot be known (the lookup failed, a server could not ask a user's
    /// server, or their devices kept changing while they were looked up): a room key is then
    /// neither refused nor shared on a guess, and the batch is tried again.
    func devices(of users: [String]) async throws -> [DeviceKeys] {
        var unknown = directory.unknown(among: users)
        if !unknown.isEmpty {
            let stored = try database.deviceLists(of: unknown)
            directory.remember(Dictionary(uniqueKeysWithValues: stored.map { ($0.key, DeviceKeys.devices(stored: $0.value, userID: $0.key)) }))
            unknown = directory.unknown(among: unknown)
        }
        for _ in 0..<Self.lookUpAttempts where !unknown.isEmpty {
            try await lookUp(unknown)
            unknown = directory.unknown(among: unknown)
        }
        guard unknown.isEmpty else { throw BotDeviceError.devicesUnknown(users: unknown.count) }
        return users.flatMap { directory.devices(of: $0) }
    }

    /// A lookup may answer for devices that changed while it was under way; it is made again.
    static let lookUpAttempts = 3

    /// Looks `users` up and keeps what the server answered for them, except users the server
    /// could not ask and users whose devices changed meanwhile (a sync said so).
    private func lookUp(_ users: [String]) async throws {
        let changesBefore = users.map { deviceChanges[$0] }
        let response = try await client.queryKeys(users)
        let failedServers = Set((response["failures"]?.object ?? [:]).keys)
        let answered = zip(users, changesBefore)
            .filter { user, before in deviceChanges[user] == before && !failedServers.contains(String(user.drop { $0 != ":" }.dropFirst())) }
            .map(\.0)
        let learnt = DeviceDirectory.devices(in: response, for: answered)
        directory.remember(learnt)
        try database.saveDeviceLists(learnt.mapValues(DeviceKeys.stored), at: Date())
    }

    /// A sync said these users' devices changed: look them up again before they are used.
    public func devicesChanged(_ users: [String]) throws {
        for user in users { deviceChanges[user, default: 0] += 1 }
        if deviceChanges.count > DeviceDirectory.usersRemembered { deviceChanges = Dictionary(uniqueKeysWithValues: users.map { ($0, 1) }) }
        directory.forget(users)
        try database.forgetDeviceLists(users)
    }
}
