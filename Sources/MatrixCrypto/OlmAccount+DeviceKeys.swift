/// The signed JSON an account uploads: its device keys and its one-time and fallback keys.
extension OlmAccount {
    public static let algorithms: [CanonicalJSON] = ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"]

    /// The `device_keys` of a `/keys/upload`, signed with the device's Ed25519 key.
    public func deviceKeys(userID: String, deviceID: String) -> CanonicalJSON {
        let keys: CanonicalJSON = [
            "algorithms": .array(Self.algorithms),
            "device_id": .string(deviceID),
            "keys": [
                "curve25519:\(deviceID)": .string(identityKey.base64),
                "ed25519:\(deviceID)": .string(signingKey.base64),
            ],
            "user_id": .string(userID),
        ]
        return keys.signed(by: signingKeyPair, userID: userID, keyID: deviceID)
    }

    /// The unpublished one-time keys as `signed_curve25519:{id}` objects for `one_time_keys`.
    public func signedOneTimeKeys(userID: String, deviceID: String) -> [String: CanonicalJSON] {
        unpublishedOneTimeKeys.mapValues { signedKey($0, fallback: false, userID: userID, deviceID: deviceID) }
            .reduce(into: [:]) { $0["signed_curve25519:\($1.key)"] = $1.value }
    }

    /// The unpublished fallback key as a `signed_curve25519:{id}` object for `fallback_keys`.
    public func signedFallbackKey(userID: String, deviceID: String) -> [String: CanonicalJSON] {
        unpublishedFallbackKey.mapValues { signedKey($0, fallback: true, userID: userID, deviceID: deviceID) }
            .reduce(into: [:]) { $0["signed_curve25519:\($1.key)"] = $1.value }
    }

    private func signedKey(_ key: Curve25519PublicKey, fallback: Bool, userID: String, deviceID: String) -> CanonicalJSON {
        var object: CanonicalJSON = ["key": .string(key.base64)]
        if fallback { object["fallback"] = true }
        return object.signed(by: signingKeyPair, userID: userID, keyID: deviceID)
    }
}
