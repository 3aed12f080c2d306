import Foundation
import MatrixClient
import MatrixCrypto
import Testing

extension Scenarios {
    /// The bot's device as a patient's client sees it: published, signed by its owner's
    /// cross-signing keys, with one-time keys to claim that it tops up, and the same identity
    /// after a restart. A store key that does not open that identity stops the bot.
    func publishesASignedDeviceThatSurvivesRestarts() async throws {
        let setup = try await community(patients: 1, settings: "sync: {timeout_seconds: 2}")
        let (bot, patient) = (setup.bot, setup.patients[0])
        let device = try await published(bot, seenBy: patient)

        var fallbackClaimed = false
        for _ in 0..<60 where !fallbackClaimed {
            fallbackClaimed = try await device.claimKey(as: patient).isFallback
        }
        #expect(fallbackClaimed, "after its one-time keys, the bot's fallback key is handed out")
        try await eventually("the bot publishes new one-time keys") { try await !device.claimKey(as: patient).isFallback }

        #expect(bot.stop() == 0)
        try await bot.start()
        try await eventually("the restarted bot publishes its device") { bot.logs.components(separatedBy: "the bot's device is published").count == 3 }
        let again = try await published(bot, seenBy: patient)
        #expect(again == device, "a restart keeps the device's keys and its cross-signing keys")
        #expect(bot.logs.components(separatedBy: "made an encryption identity").count == 2, "one identity, made on the first start")

        #expect(bot.stop() == 0)
        let keyFile = bot.folder.appendingPathComponent("bot.sqlite.store-key")
        #expect(try FileManager.default.attributesOfItem(atPath: keyFile.path)[.posixPermissions] as? Int == 0o600)
        let storeKey = try String(contentsOf: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!storeKey.isEmpty && !bot.logs.contains(storeKey), "the store key stays out of the logs, trace level included")
        try Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString().write(to: keyFile, atomically: true, encoding: .utf8)
        let refused = await #expect(throws: TestFailure.self) { try await bot.start() }
        #expect(refused?.description.contains("the store key does not open the encryption identity") == true)
    }

    /// A direct chat the patient turns encryption on in: from then on the bot writes only
    /// ciphertext there, whether it saw encryption turned on or, after a restart, finds it in the
    /// room's state; even in answer to a message some client sent in plaintext.
    func writesOnlyCiphertextIntoARoomThatTurnsEncrypted() async throws {
        let setup = try await community(patients: 1)
        let (bot, patient) = (setup.bot, setup.patients[0])
        let chat = try await directChat(patient, with: bot)
        let before = try await patient.say("i cant sleep, the pain wakes me", in: chat)
        _ = try await waitForReply(to: before, in: chat, as: patient, bot: bot)
        try await patient.client.setState(roomID: chat, type: "m.room.encryption", content: ["algorithm": "m.megolm.v1.aes-sha2"])
        let after = try await patient.say("i cant sleep again tonight", in: chat)
        try await eventually("the bot answers, encrypted") { try await botEvents(in: chat, after: after, as: patient, bot: bot).count == 1 }
        #expect(bot.stop() == 0)
        try await bot.start()
        _ = try await patient.say("still cant sleep, the pain is bad", in: chat)
        try await eventually("after a restart, the room's state tells the bot") { try await botEvents(in: chat, after: after, as: patient, bot: bot).count == 2 }
        let written = try await botEvents(in: chat, after: after, as: patient, bot: bot)
        #expect(written.allSatisfy { $0.type == "m.room.encrypted" && $0.content["body"] == nil }, "nothing but ciphertext from the bot after encryption was turned on")
    }

    /// What the bot wrote in a room after `eventID`, as the server holds it.
    private func botEvents(in room: String, after eventID: String, as user: TestUser, bot: BotProcess) async throws -> [ClientEvent] {
        let events = try await user.client.messages(roomID: room, from: nil, to: nil, limit: 200).events.reversed()
        guard let index = events.firstIndex(where: { $0.eventID == eventID }) else { return [] }
        return events[index...].filter { $0.sender == bot.user.userID && $0.type != "m.room.member" }
    }

    /// Cross-signing keys set for the bot's account before (by another client): the homeserver
    /// wants the bot's password to replace them, so the bot says what to run and goes on
    /// answering; `supportbot crypto bootstrap --password-file` then signs its device.
    func signsItsDeviceWithCryptoBootstrapWhenAskedForAPassword() async throws {
        let setup = try await community(patients: 1, settings: "sync: {timeout_seconds: 2}") { botUser in
            let other = CrossSigningKeys()
            let keys: JSONValue = try [
                "master_key": JSONValue(parsing: Data(other.keyJSON(.master, userID: botUser.userID).canonicalText.utf8)),
                "self_signing_key": JSONValue(parsing: Data(other.keyJSON(.selfSigning, userID: botUser.userID).canonicalText.utf8)),
                "user_signing_key": JSONValue(parsing: Data(other.keyJSON(.userSigning, userID: botUser.userID).canonicalText.utf8)),
            ]
            try await botUser.client.uploadCrossSigningKeys(keys, userID: botUser.userID)
        }
        let (bot, patient) = (setup.bot, setup.patients[0])
        let password = homeserver.password(of: String(bot.user.userID.dropFirst().prefix { $0 != ":" }))
        try await eventually("the bot says what to run") { bot.logs.contains("crypto bootstrap") }
        #expect((try? PublishedDevice(try await patient.client.queryKeys([bot.user.userID]), userID: bot.user.userID)) == nil,
                "the device is not signed by the keys the account has now")
        let chat = try await directChat(patient, with: bot)
        let question = try await patient.say("i cant sleep, the pain wakes me", in: chat)
        _ = try await waitForReply(to: question, in: chat, as: patient, bot: bot)

        let passwordFile = bot.folder.appendingPathComponent("password")
        try password.write(to: passwordFile, atomically: true, encoding: .utf8)
        let wrong = bot.folder.appendingPathComponent("wrong-password")
        try "not the password".write(to: wrong, atomically: true, encoding: .utf8)
        let refusedRun = try bot.command(["crypto", "bootstrap", "--password-file", wrong.path])
        #expect(refusedRun.status != 0, "a wrong password is refused: \(refusedRun.output)")
        let run = try bot.command(["crypto", "bootstrap", "--password-file", passwordFile.path])
        #expect(run.status == 0, "\(run.output)")
        _ = try await published(bot, seenBy: patient)
        #expect(!bot.logs.contains(password) && !run.output.contains(password), "the password is never printed or logged")
    }

    /// The bot's device once it is published (beside the sync loop, soon after the bot starts).
    private func published(_ bot: BotProcess, seenBy user: TestUser) async throws -> PublishedDevice {
        var device: PublishedDevice?
        try await eventually("the bot's device is published and signed") {
            device = try? PublishedDevice(try await user.client.queryKeys([bot.user.userID]), userID: bot.user.userID)
            return device != nil
        }
        return try #require(device)
    }
}

/// A device as `/keys/query` shows it, every signature on the way checked: its keys signed by
/// itself, its self-signing key by its master key, and the device by its self-signing key.
struct PublishedDevice: Equatable {
    let userID: String
    let deviceID: String
    let identityKey: String
    let signingKey: String
    let masterKey: String

    init(_ query: JSONValue, userID: String) throws {
        let devices = query["device_keys"]?[userID]?.object ?? [:]
        guard devices.count == 1, let (deviceID, keysJSON) = devices.first else { throw TestFailure("not one device for \(userID): \(devices.keys)") }
        let keys = try Self.canonical(keysJSON)
        guard let signingKey = keys["keys"]?["ed25519:\(deviceID)"]?.string, let identityKey = keys["keys"]?["curve25519:\(deviceID)"]?.string,
              let masterKey = query["master_keys"]?[userID]?["keys"]?.object?.values.first?.string,
              let selfSigningJSON = query["self_signing_keys"]?[userID], let selfSigningKey = selfSigningJSON["keys"]?.object?.values.first?.string
        else { throw TestFailure("keys missing from /keys/query: \(String(decoding: query.serialized(), as: UTF8.self))") }
        try keys.verifySignature(of: userID, keyID: deviceID, with: Ed25519PublicKey(base64: signingKey))
        try Self.canonical(selfSigningJSON).verifySignature(of: userID, keyID: masterKey, with: Ed25519PublicKey(base64: masterKey))
        try keys.verifySignature(of: userID, keyID: selfSigningKey, with: Ed25519PublicKey(base64: selfSigningKey))
        (self.userID, self.deviceID, self.identityKey, self.signingKey, self.masterKey) = (userID, deviceID, identityKey, signingKey, masterKey)
    }

    /// Claims one of the device's keys as `user`, checking that the device signed it.
    func claimKey(as user: TestUser) async throws -> (key: String, isFallback: Bool) {
        let claimed = try await user.client.claimKeys([(userID, deviceID)])
        guard let key = claimed[userID]?[deviceID]?.object?.values.first else { throw TestFailure("no key to claim") }
        try Self.canonical(key).verifySignature(of: userID, keyID: deviceID, with: Ed25519PublicKey(base64: signingKey))
        return (key["key"]?.string ?? "", key["fallback"]?.bool ?? false)
    }

    private static func canonical(_ json: JSONValue) throws -> CanonicalJSON {
        try CanonicalJSON(parsing: String(decoding: json.serialized(), as: UTF8.self))
    }
}
