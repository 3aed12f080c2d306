import Foundation
import MatrixClient
import MatrixCrypto

/// One device of a user as `/keys/query` shows it, its self-signature checked: the keys the
/// bot encrypts room keys for, and checks room keys it receives against.
struct DeviceKeys: Sendable, Hashable {
    let userID: String
    let deviceID: String
    let identityKey: Curve25519PublicKey
    let signingKey: Ed25519PublicKey
    /// Signed by its owner's self-signing key, itself signed by their master key.
    var isCrossSigned = false

    /// "user device": how the devices a room key was shared with are remembered.
    var name: String { "\(userID) \(deviceID)" }

    /// `nil` for an object whose ids do not match where it was found, or whose keys are not
    /// signed by its own Ed25519 key (a server may not invent devices for a user).
    init?(_ json: JSONValue, userID: String, deviceID: String) {
        guard json["user_id"]?.string == userID, json["device_id"]?.string == deviceID,
              let curve = json["keys"]?["curve25519:\(deviceID)"]?.string, let ed = json["keys"]?["ed25519:\(deviceID)"]?.string,
              let identityKey = try? Curve25519PublicKey(base64: curve), let signingKey = try? Ed25519PublicKey(base64: ed),
              json.isSigned(by: userID, keyID: deviceID, with: signingKey)
        else { return nil }
        self.userID = userID
        self.deviceID = deviceID
        self.identityKey = identityKey
        self.signingKey = signingKey
    }

    /// A user's devices as the database keeps them: public keys, checked when they were looked up.
    static func stored(_ devices: [DeviceKeys]) -> Data {
        JSONValue.array(devices.map {
            ["device_id": .string($0.deviceID), "identity_key": .string($0.identityKey.base64), "signing_key": .string($0.signingKey.base64),
             "cross_signed": .bool($0.isCrossSigned)]
        }).serialized()
    }

    static func devices(stored data: Data, userID: String) -> [DeviceKeys] {
        ((try? JSONValue(parsing: data))?.array ?? []).compactMap { json in
            guard let deviceID = json["device_id"]?.string, let identity = json["identity_key"]?.string, let signing = json["signing_key"]?.string,
                  let identityKey = try? Curve25519PublicKey(base64: identity), let signingKey = try? Ed25519PublicKey(base64: signing)
            else { return nil }
            return DeviceKeys(userID: userID, deviceID: deviceID, identityKey: identityKey, signingKey: signingKey, isCrossSigned: json["cross_signed"]?.bool ?? false)
        }
    }

    private init(userID: String, deviceID: String, identityKey: Curve25519PublicKey, signingKey: Ed25519PublicKey, isCrossSigned: Bool) {
        self.userID = userID
        self.deviceID = deviceID
        self.identityKey = identityKey
        self.signingKey = signingKey
        self.isCrossSigned = isCrossSigned
    }
}

/// The devices of the users the bot encrypts for or hears from, looked up once and again after
/// a sync says a user's devices changed (`device_lists.changed`). The bot's memory of them; the
/// database keeps them across restarts.
struct DeviceDirectory: Sendable {
    private var known: [String: [DeviceKeys]] = [:]
    /// Past this many users the directory starts again, so memory stays bounded.
    static let usersRemembered = 10_000

    /// Users whose devices must be looked up before they are used.
    func unknown(among users: some Sequence<String>) -> [String] {
        Array(Set(users.filter { known[$0] == nil }))
    }

    func devices(of userID: String) -> [DeviceKeys] { known[userID] ?? [] }

    mutating func remember(_ lists: [String: [DeviceKeys]]) {
        if known.count + lists.count > Self.usersRemembered { known.removeAll() }
        known.merge(lists) { $1 }
    }

    /// What `/keys/query` answered for `users`, by user; a user it says nothing of has no devices.
    static func devices(in response: JSONValue, for users: [String]) -> [String: [DeviceKeys]] {
        Dictionary(uniqueKeysWithValues: users.map { userID in
            let selfSigning = Self.selfSigningKey(of: userID, in: response)
            let devices = (response["device_keys"]?[userID]?.object ?? [:]).compactMap { deviceID, json in
                var device = DeviceKeys(json, userID: userID, deviceID: deviceID)
                device?.isCrossSigned = selfSigning.map { json.isSigned(by: userID, keyID: $0.base64, with: $0) } ?? false
                return device
            }
            return (userID, devices.sorted { $0.deviceID < $1.deviceID })
        })
    }

    /// The user's self-signing key, when their master key signed it.
    private static func selfSigningKey(of userID: String, in response: JSONValue) -> Ed25519PublicKey? {
        guard let master = response["master_keys"]?[userID], let selfSigning = response["self_signing_keys"]?[userID],
              let masterKey = Self.onlyKey(of: master, userID: userID), let selfSigningKey = Self.onlyKey(of: selfSigning, userID: userID),
              selfSigning.isSigned(by: userID, keyID: masterKey.base64, with: masterKey)
        else { return nil }
        return selfSigningKey
    }

    /// The one Ed25519 key of a cross-signing key object that belongs to `userID`.
    private static func onlyKey(of json: JSONValue, userID: String) -> Ed25519PublicKey? {
        guard json["user_id"]?.string == userID, let keys = json["keys"]?.object, keys.count == 1, let text = keys.values.first?.string else { return nil }
        return try? Ed25519PublicKey(base64: text)
    }


    mutating func forget(_ users: some Sequence<String>) {
        for userID in users { known[userID] = nil }
    }
}

extension JSONValue {
    /// Whether this signed object carries `userID`'s signature `ed25519:keyID`, made by `key`.
    func isSigned(by userID: String, keyID: String, with key: Ed25519PublicKey) -> Bool {
        guard let canonical = try? CanonicalJSON(parsing: String(decoding: serialized(), as: UTF8.self)) else { return false }
        return (try? canonical.verifySignature(of: userID, keyID: keyID, with: key)) != nil
    }
}
