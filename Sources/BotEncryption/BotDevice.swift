import Foundation
import Logging
import MatrixClient
import MatrixCrypto
import Storage

/// The bot's device in end-to-end encryption: its Olm account and cross-signing keys, sealed
/// with the store key in the bot's database, and what the homeserver must hold of them so that
/// patients' clients can start sessions with it and see it verified by its owner.
///
/// Keys are saved before they are published and marked published after, so a crash in between
/// publishes the same keys again (which the server takes as no change), never keys the bot has lost.
public actor BotDevice {
    public nonisolated let userID: String
    public nonisolated let deviceID: String
    /// Which of the members' devices get room keys.
    let keySharing: KeySharing
    let client: MatrixClient
    let database: BotDatabase
    let storeKey: PickleKey
    let logger: Logger
    var account: OlmAccount
    /// The bot's cross-signing keys: one set for every device it ever had.
    private let crossSigning: CrossSigningKeys
    /// To-device messages read lately: a batch tried again (the same sync position) brings them
    /// again, and an Olm message decrypts only once.
    var readToDevice = RecentSet<ToDeviceEvent>(capacity: 1_000)
    /// When the last key upload ended: counts from a sync that began before are stale.
    private var lastUpload: ContinuousClock.Instant?
    /// The devices of the users the bot encrypts for and hears from.
    var directory = DeviceDirectory()
    /// How often a sync said each user's devices changed: a lookup under way when they changed
    /// again answers for the old devices, and is not kept.
    var deviceChanges: [String: Int] = [:]
    /// Who a room's keys go to, by room, until its membership changes.
    var sharing: [String: RoomSharing] = [:]
    /// Rooms whose next message is being encrypted, with whoever waits for them: one message at a
    /// time in a room, so two replies never make two sessions or share a key twice.
    var busyRooms: [String: [CheckedContinuation<Void, Never>]] = [:]

    /// Signed one-time keys the server should hold: half of what an account keeps, as other
    /// clients do, so a burst of new chats does not run it dry before the next sync tops it up.
    static let oneTimeKeyTarget = OlmAccount.maxOneTimeKeys / 2
    static let keyAlgorithm = "signed_curve25519"
    /// The keys the server handed out last, kept however many new ones are made.
    static let handedOutKeysKept = oneTimeKeyTarget

    /// Opens the device's identity from the database, or makes and saves a new one (keeping the
    /// cross-signing keys of a device the bot had before). A store key that does not open what
    /// is stored is an error: the bot never replaces an identity silently.
    public init(client: MatrixClient, database: BotDatabase, userID: String, deviceID: String, storeKey: PickleKey, keySharing: KeySharing = .all,
                logger: Logger) throws {
        self.client = client
        self.keySharing = keySharing
        self.database = database
        self.userID = userID
        self.deviceID = deviceID
        self.storeKey = storeKey
        self.logger = logger
        let stored = try database.encryptionIdentities(first: deviceID)
        if let earlier = stored.first {
            guard let keys = try? CrossSigningKeys(pickle: earlier.crossSigning, key: storeKey) else {
                throw StoreKeyError.doesNotOpen(deviceID: earlier.deviceID)
            }
            crossSigning = keys
        } else {
            crossSigning = CrossSigningKeys()
        }
        if let own = stored.first, own.deviceID == deviceID {
            guard let opened = try? OlmAccount(pickle: own.account, key: storeKey) else { throw StoreKeyError.doesNotOpen(deviceID: deviceID) }
            account = opened
        } else {
            var made = OlmAccount()
            made.generateFallbackKey()
            try database.saveEncryptionIdentity(Self.record(deviceID, made, crossSigning, key: storeKey))
            logger.notice("made an encryption identity for the bot's device", metadata: [
                "matrix.device_id": "\(deviceID)", "matrix.identity_key": "\(made.identityKey.base64)",
                "bot.earlier_devices": "\(stored.map(\.deviceID).joined(separator: ","))",
            ])
            account = made
        }
    }

    /// The device's public identity key (Curve25519).
    public var identityKey: Curve25519PublicKey { account.identityKey }

    /// Publishes what the server may lack: the device keys (the same every start), unpublished
    /// one-time and fallback keys, one-time keys up to the target, and the cross-signing keys
    /// with the device's signature by them.
    public func publish() async throws {
        let counts = try await uploadKeys(includingDeviceKeys: true)
        try await topUp(oneTimeKeyCounts: counts, unusedFallbackKeyTypes: nil)
        try await publishCrossSigning()
        logger.info("the bot's device is published", metadata: ["matrix.device_id": "\(deviceID)", "matrix.identity_key": "\(account.identityKey.base64)"])
    }

    /// Tops one-time keys up to the target, and replaces a fallback key someone used, from what a
    /// sync that began at `syncBegan` says the server holds. A sync that began before the last
    /// upload ended may count the keys from before it, and is not acted on.
    public func replenish(oneTimeKeyCounts: [String: Int], unusedFallbackKeyTypes: [String]?, syncBegan: ContinuousClock.Instant) async throws {
        if let lastUpload, syncBegan < lastUpload { return }
        try await topUp(oneTimeKeyCounts: oneTimeKeyCounts, unusedFallbackKeyTypes: unusedFallbackKeyTypes)
    }

    private func topUp(oneTimeKeyCounts: [String: Int], unusedFallbackKeyTypes: [String]?) async throws {
        // Keys made but not yet published (an upload failed) count. A new key pushes the oldest
        // out of a full account: never one the server still holds, nor one of the last it handed
        // out, which a client may be about to use; older ones handed out were not used in time.
        let waiting = account.unpublishedOneTimeKeys.count
        if let held = oneTimeKeyCounts[Self.keyAlgorithm], held + waiting < Self.oneTimeKeyTarget {
            let room = OlmAccount.maxOneTimeKeys - held - waiting - Self.handedOutKeysKept
            account.generateOneTimeKeys(count: min(Self.oneTimeKeyTarget - held - waiting, max(room, 0)))
        }
        if let unused = unusedFallbackKeyTypes, !unused.contains(Self.keyAlgorithm), account.unpublishedFallbackKey.isEmpty {
            account.generateFallbackKey()
        }
        guard !account.unpublishedOneTimeKeys.isEmpty || !account.unpublishedFallbackKey.isEmpty else { return }
        _ = try await uploadKeys(includingDeviceKeys: false)
    }

    private func uploadKeys(includingDeviceKeys: Bool) async throws -> [String: Int] {
        try save()
        var body: [String: JSONValue] = [:]
        if includingDeviceKeys { body["device_keys"] = try Self.json(account.deviceKeys(userID: userID, deviceID: deviceID)) }
        let oneTimeKeys = account.signedOneTimeKeys(userID: userID, deviceID: deviceID)
        if !oneTimeKeys.isEmpty { body["one_time_keys"] = .object(try oneTimeKeys.mapValues(Self.json)) }
        let fallbackKey = account.signedFallbackKey(userID: userID, deviceID: deviceID)
        if !fallbackKey.isEmpty { body["fallback_keys"] = .object(try fallbackKey.mapValues(Self.json)) }
        let counts = try await client.uploadKeys(.object(body))
        lastUpload = .now
        let published = oneTimeKeys.count
        account.markKeysAsPublished()
        try save()
        if published > 0 || !fallbackKey.isEmpty {
            logger.debug("published keys", metadata: ["bot.one_time_keys": "\(published)", "bot.fallback_key": "\(!fallbackKey.isEmpty)"])
        }
        return counts
    }

    /// Cross-signing, when the server lacks it: the master, self-signing and user-signing keys,
    /// then the device signed by the self-signing key, so clients that refuse keys to devices
    /// their owner has not signed (MSC4153) still talk to the bot. Asked of the server at every
    /// start, since a server can lose them (the relay keeps keys in memory). With `password`,
    /// answers a server that wants the bot's password first (`supportbot crypto bootstrap`);
    /// changes nothing in the database, so it is safe beside the running bot.
    public func publishCrossSigning(password: String? = nil) async throws {
        let master = crossSigning.publicKey(.master).base64, selfSigning = crossSigning.publicKey(.selfSigning).base64
        let server = try await client.queryKeys([userID])
        let hasMaster = server["master_keys"]?[userID]?["keys"]?["ed25519:\(master)"]?.string == master
        let deviceSigned = server["device_keys"]?[userID]?[deviceID]?["signatures"]?[userID]?["ed25519:\(selfSigning)"] != nil
        guard !hasMaster || !deviceSigned else { return }
        if !hasMaster { try await uploadCrossSigningKeys(password: password) }
        let signed = crossSigning.signDevice(account.deviceKeys(userID: userID, deviceID: deviceID), userID: userID)
        try await client.uploadSignatures([userID: [deviceID: try Self.json(signed)]])
        logger.info("published the bot's cross-signing and signed its device", metadata: [
            "matrix.device_id": "\(deviceID)", "matrix.master_key": "\(master)",
        ])
    }

    private func uploadCrossSigningKeys(password: String?) async throws {
        let keys: JSONValue = [
            "master_key": try Self.json(crossSigning.keyJSON(.master, userID: userID)),
            "self_signing_key": try Self.json(crossSigning.keyJSON(.selfSigning, userID: userID)),
            "user_signing_key": try Self.json(crossSigning.keyJSON(.userSigning, userID: userID)),
        ]
        do {
            try await client.uploadCrossSigningKeys(keys, userID: userID, password: password)
        } catch let error as MatrixError where error.authenticationSession != nil {
            throw BotDeviceError.crossSigningNeedsAuthentication
        }
    }

    private func save() throws {
        try database.saveEncryptionIdentity(identityRecord)
    }

    /// The identity as it is stored.
    var identityRecord: EncryptionIdentityRecord { Self.record(deviceID, account, crossSigning, key: storeKey) }

    private static func record(_ deviceID: String, _ account: OlmAccount, _ crossSigning: CrossSigningKeys, key: PickleKey) -> EncryptionIdentityRecord {
        EncryptionIdentityRecord(deviceID: deviceID, account: account.pickle(with: key), crossSigning: crossSigning.pickle(with: key))
    }

    private static func json(_ canonical: CanonicalJSON) throws -> JSONValue {
        try JSONValue(parsing: Data(canonical.canonicalText.utf8))
    }
}

/// What keeps the bot's device from being fully published.
public enum BotDeviceError: Error, CustomStringConvertible {
    /// The server wants a password (interactive authentication) before it takes cross-signing
    /// keys: a first upload on older Synapse, or keys replacing others set for the account.
    case crossSigningNeedsAuthentication
    /// The homeserver could not say which devices some users have (their servers did not answer).
    case devicesUnknown(users: Int)
    /// No device of the room's members could be given the room's key: nothing is sent that none could read.
    case roomKeyNotShared(roomID: String)

    public var description: String {
        switch self {
        case .crossSigningNeedsAuthentication:
            "the homeserver asks for the bot's password before it takes its cross-signing keys, so its device stays unsigned "
                + "by its owner and clients may warn about it or share no keys with it; run `supportbot crypto bootstrap "
                + "--config FILE --password-file FILE` once (safe while the bot runs)"
        case let .devicesUnknown(users):
            "the homeserver could not say which devices \(users) user(s) have; trying again"
        case let .roomKeyNotShared(roomID):
            "no device in \(roomID) could be given the room's key yet; the message waits and is tried again"
        }
    }
}
