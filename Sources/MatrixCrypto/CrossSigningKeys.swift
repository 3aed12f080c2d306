/// A user's cross-signing keys: the master key that vouches for the other two, the self-signing
/// key that signs the user's own devices, and the user-signing key that signs other users' master keys.
public struct CrossSigningKeys: Sendable, Codable, CustomStringConvertible, CustomReflectable {
    public enum Usage: String, Sendable, CaseIterable {
        case master
        case selfSigning = "self_signing"
        case userSigning = "user_signing"
    }

    let master: Ed25519KeyPair
    let selfSigning: Ed25519KeyPair
    let userSigning: Ed25519KeyPair

    public init() {
        master = Ed25519KeyPair()
        selfSigning = Ed25519KeyPair()
        userSigning = Ed25519KeyPair()
    }

    public func publicKey(_ usage: Usage) -> Ed25519PublicKey { keyPair(usage).publicKey }

    private func keyPair(_ usage: Usage) -> Ed25519KeyPair {
        switch usage {
        case .master: master
        case .selfSigning: selfSigning
        case .userSigning: userSigning
        }
    }

    /// The key's JSON for `/keys/device_signing/upload`: `user_id`, `usage` and `keys` (the key id
    /// is the public key itself); the self-signing and user-signing keys come signed by the master key.
    public func keyJSON(_ usage: Usage, userID: String) -> CanonicalJSON {
        let publicKey = publicKey(usage).base64
        let object: CanonicalJSON = [
            "keys": ["ed25519:\(publicKey)": .string(publicKey)],
            "usage": [.string(usage.rawValue)],
            "user_id": .string(userID),
        ]
        return usage == .master ? object : object.signed(by: master, userID: userID, keyID: master.publicKey.base64)
    }

    /// One of our devices' `device_keys`, with the self-signing key's signature added.
    public func signDevice(_ deviceKeys: CanonicalJSON, userID: String) -> CanonicalJSON {
        deviceKeys.signed(by: selfSigning, userID: userID, keyID: selfSigning.publicKey.base64)
    }

    /// Another user's master key JSON, with our user-signing key's signature added under our user id.
    public func signUser(masterKey: CanonicalJSON, ourUserID: String) -> CanonicalJSON {
        masterKey.signed(by: userSigning, userID: ourUserID, keyID: userSigning.publicKey.base64)
    }

    public var description: String { "CrossSigningKeys(master: \(master.publicKey.base64))" }
    public var customMirror: Mirror {
        Mirror(self, children: Usage.allCases.map { (label: $0.rawValue, value: publicKey($0).base64 as Any) })
    }
}
