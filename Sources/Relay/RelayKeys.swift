import MatrixClient

/// End-to-end encryption keys as the relay keeps and hands them on: device keys, one-time and
/// fallback keys, cross-signing keys and the signatures on them. Store and forward only: the
/// relay never reads a key, checks a signature or decrypts anything. In memory, also with a
/// journal: after a restart devices publish again (the bot does at every start).
struct RelayKeys {
    /// One device of one user: what keys and to-device messages are addressed to.
    struct Device: Hashable {
        let user: String
        let device: String
    }

    /// Signed device keys, by user and device.
    private var deviceKeys: [String: [String: JSONValue]] = [:]
    /// Unclaimed one-time keys by device, `algorithm:id` → key, oldest first.
    private var oneTimeKeys: [Device: [(id: String, key: JSONValue)]] = [:]
    /// The newest fallback key of each algorithm, and whether someone claimed it.
    private var fallbackKeys: [Device: [String: (id: String, key: JSONValue, used: Bool)]] = [:]
    /// Cross-signing keys by user and usage (`master_key`, `self_signing_key`, `user_signing_key`).
    private var crossSigning: [String: [String: JSONValue]] = [:]
    /// Users whose device or cross-signing keys changed since `takeChanges()`: news to everyone
    /// who shares a room with them (`device_lists.changed`), who must look their keys up again.
    private var changed: Set<String> = []

    static let crossSigningUsages = ["master_key", "self_signing_key", "user_signing_key"]

    /// `/keys/upload`; the one-time key counts after it.
    mutating func upload(_ body: JSONValue, user: String, device: String) throws(RelayError) -> [String: Int] {
        let owner = Device(user: user, device: device)
        if let keys = body["device_keys"], keys != .null {
            guard keys["user_id"]?.string == user, keys["device_id"]?.string == device else {
                throw .invalidParameter("device_keys must be the uploading device's own")
            }
            let stored = Self.keepingSignatures(of: deviceKeys[user]?[device], in: keys)
            // Devices publish the same keys again at every start: that is no news.
            if stored != deviceKeys[user]?[device] {
                deviceKeys[user, default: [:]][device] = stored
                changed.insert(user)
            }
        }
        for (id, key) in (body["one_time_keys"]?.object ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let held = oneTimeKeys[owner]?.first(where: { $0.id == id }) {
                guard held.key == key else { throw .invalidParameter("One time key \(id) already exists") }
                continue
            }
            oneTimeKeys[owner, default: []].append((id, key))
        }
        for (id, key) in body["fallback_keys"]?.object ?? [:] where fallbackKeys[owner]?[Self.algorithm(of: id)]?.id != id {
            fallbackKeys[owner, default: [:]][Self.algorithm(of: id)] = (id, key, false)
        }
        return oneTimeKeyCounts(user: user, device: device)
    }

    /// `device_one_time_keys_count` of a sync.
    func oneTimeKeyCounts(user: String, device: String) -> [String: Int] {
        var counts = ["signed_curve25519": 0]
        for (id, _) in oneTimeKeys[Device(user: user, device: device)] ?? [] { counts[Self.algorithm(of: id), default: 0] += 1 }
        return counts
    }

    /// `device_unused_fallback_key_types` of a sync.
    func unusedFallbackKeyTypes(user: String, device: String) -> [String] {
        (fallbackKeys[Device(user: user, device: device)] ?? [:]).filter { !$0.value.used }.keys.sorted()
    }

    /// `/keys/query`: every device of each user, and their cross-signing keys (the user-signing
    /// key only to its owner).
    func query(_ users: [String], by requester: String) -> JSONValue {
        var answer: [String: JSONValue] = ["failures": [:]]
        answer["device_keys"] = .object(Dictionary(uniqueKeysWithValues: users.map { ($0, .object(deviceKeys[$0] ?? [:])) }))
        for usage in Self.crossSigningUsages {
            let holders = users.filter { usage != "user_signing_key" || $0 == requester }
            answer[usage.replacingOccurrences(of: "_key", with: "_keys")] = .object(Dictionary(uniqueKeysWithValues: holders.compactMap { user in
                crossSigning[user]?[usage].map { (user, $0) }
            }))
        }
        return .object(answer)
    }

    /// `/keys/claim`: the oldest one-time key of each wanted device, else its fallback key.
    mutating func claim(_ wanted: JSONValue) -> JSONValue {
        var claimed: [String: JSONValue] = [:]
        for (user, devices) in wanted.object ?? [:] {
            var ofUser: [String: JSONValue] = [:]
            for (device, algorithm) in devices.object ?? [:] {
                guard let algorithm = algorithm.string else { continue }
                let owner = Device(user: user, device: device)
                if let index = oneTimeKeys[owner]?.firstIndex(where: { Self.algorithm(of: $0.id) == algorithm }),
                   let key = oneTimeKeys[owner]?.remove(at: index) {
                    ofUser[device] = [key.id: key.key]
                } else if let fallback = fallbackKeys[owner]?[algorithm] {
                    fallbackKeys[owner]?[algorithm]?.used = true
                    ofUser[device] = [fallback.id: fallback.key]
                }
            }
            if !ofUser.isEmpty { claimed[user] = .object(ofUser) }
        }
        return ["one_time_keys": .object(claimed), "failures": [:]]
    }

    /// `/keys/device_signing/upload`: the user's own cross-signing keys.
    mutating func uploadCrossSigning(_ body: JSONValue, user: String) throws(RelayError) {
        for usage in Self.crossSigningUsages {
            guard let key = body[usage], key != .null else { continue }
            guard key["user_id"]?.string == user else { throw .invalidParameter("\(usage) must be the uploading user's own") }
            if crossSigning[user]?[usage] != key {
                crossSigning[user, default: [:]][usage] = key
                changed.insert(user)
            }
        }
    }

    /// `/keys/signatures/upload`: `uploader`'s signatures (no one else's) added to stored keys,
    /// by user and key id: their own devices and cross-signing keys, and other users' master
    /// keys (which a user-signing key vouches for). Another signer's signatures stay as they are.
    mutating func uploadSignatures(_ body: JSONValue, by uploader: String) -> JSONValue {
        var failures: [String: [String: JSONValue]] = [:]
        for (user, objects) in body.object ?? [:] {
            for (keyID, signed) in objects.object ?? [:] {
                let ownSignatures: JSONValue = ["signatures": .object(signed["signatures"]?[uploader].map { [uploader: $0] } ?? [:])]
                let usage = crossSigning[user]?.first { $0.value["keys"]?.object?.values.contains(.string(keyID)) == true }?.key
                if user == uploader, let stored = deviceKeys[user]?[keyID] {
                    deviceKeys[user]?[keyID] = Self.merging(signatures: ownSignatures, into: stored)
                    changed.insert(user)
                } else if let usage, user == uploader || usage == "master_key", let stored = crossSigning[user]?[usage] {
                    crossSigning[user]?[usage] = Self.merging(signatures: ownSignatures, into: stored)
                    changed.insert(user)
                } else {
                    failures[user, default: [:]][keyID] = ["errcode": "M_INVALID_SIGNATURE", "error": "Not a key this user may sign"]
                }
            }
        }
        return ["failures": .object(failures.mapValues(JSONValue.object))]
    }

    /// The users whose keys changed since the last call.
    mutating func takeChanges() -> Set<String> {
        defer { changed = [] }
        return changed
    }

    private static func algorithm(of keyID: String) -> String {
        String(keyID.prefix { $0 != ":" })
    }

    /// New device keys keep the signatures others made on the old ones (a cross-signing
    /// signature survives the device publishing its keys again).
    private static func keepingSignatures(of old: JSONValue?, in new: JSONValue) -> JSONValue {
        guard let old, old["keys"] == new["keys"] else { return new }
        return merging(signatures: old, into: new)
    }

    private static func merging(signatures signed: JSONValue, into stored: JSONValue) -> JSONValue {
        var signatures = stored["signatures"]?.object ?? [:]
        for (signer, keys) in signed["signatures"]?.object ?? [:] {
            signatures[signer] = .object((signatures[signer]?.object ?? [:]).merging(keys.object ?? [:]) { $1 })
        }
        return stored.replacing("signatures", with: .object(signatures))
    }
}

extension RelayJournal.Session {
    /// The device this session signed in as.
    var device: RelayKeys.Device { RelayKeys.Device(user: userID, device: deviceID) }
}

private extension JSONValue {
    func replacing(_ key: String, with value: JSONValue) -> JSONValue {
        guard case var .object(fields) = self else { return self }
        fields[key] = value
        return .object(fields)
    }
}
