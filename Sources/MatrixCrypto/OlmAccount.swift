/// A device's Olm account: its long-term identity key (Curve25519) and signing key (Ed25519), the
/// one-time keys others claim to start sessions with it, and a fallback key for when those run out.
public struct OlmAccount: Sendable, Codable, CustomStringConvertible, CustomReflectable {
    /// Older unused one-time keys are dropped beyond this, as in vodozemac, so the store stays bounded.
    public static let maxOneTimeKeys = 100

    struct OneTimeKey: Sendable, Codable {
        let id: String
        let keyPair: Curve25519KeyPair
        var isPublished: Bool
    }

    let identityKeyPair: Curve25519KeyPair
    let signingKeyPair: Ed25519KeyPair
    /// Oldest first.
    private(set) var oneTimeKeys: [OneTimeKey] = []
    private(set) var fallbackKey: OneTimeKey?
    /// Kept after a new fallback key is made, for pre-key messages already on their way.
    private(set) var previousFallbackKey: OneTimeKey?
    private var nextKeyNumber: UInt64 = 0

    public init() {
        identityKeyPair = Curve25519KeyPair()
        signingKeyPair = Ed25519KeyPair()
    }

    public var identityKey: Curve25519PublicKey { identityKeyPair.publicKey }
    public var signingKey: Ed25519PublicKey { signingKeyPair.publicKey }

    public func sign(_ message: some Collection<UInt8>) -> [UInt8] {
        signingKeyPair.sign(message)
    }

    // MARK: One-time and fallback keys

    public mutating func generateOneTimeKeys(count: Int) {
        for _ in 0 ..< max(count, 0) {
            oneTimeKeys.append(OneTimeKey(id: makeKeyID(), keyPair: Curve25519KeyPair(), isPublished: false))
        }
        if oneTimeKeys.count > Self.maxOneTimeKeys { oneTimeKeys.removeFirst(oneTimeKeys.count - Self.maxOneTimeKeys) }
    }

    /// Makes a new fallback key; the previous one still opens sessions until the next rotation.
    public mutating func generateFallbackKey() {
        previousFallbackKey = fallbackKey
        fallbackKey = OneTimeKey(id: makeKeyID(), keyPair: Curve25519KeyPair(), isPublished: false)
    }

    /// The one-time keys the account still holds, published or not: past `maxOneTimeKeys` a new
    /// one pushes out the oldest.
    public var oneTimeKeyCount: Int { oneTimeKeys.count }

    /// One-time keys not yet uploaded, by key id.
    public var unpublishedOneTimeKeys: [String: Curve25519PublicKey] {
        Dictionary(uniqueKeysWithValues: oneTimeKeys.filter { !$0.isPublished }.map { ($0.id, $0.keyPair.publicKey) })
    }

    /// The fallback key when it is not yet uploaded, by key id.
    public var unpublishedFallbackKey: [String: Curve25519PublicKey] {
        guard let fallbackKey, !fallbackKey.isPublished else { return [:] }
        return [fallbackKey.id: fallbackKey.keyPair.publicKey]
    }

    /// Call once the upload of the unpublished keys succeeded.
    public mutating func markKeysAsPublished() {
        for position in oneTimeKeys.indices { oneTimeKeys[position].isPublished = true }
        fallbackKey?.isPublished = true
    }

    /// Key ids are a counter in 8 big-endian bytes, unpadded base64, so they never repeat.
    private mutating func makeKeyID() -> String {
        defer { nextKeyNumber += 1 }
        return UnpaddedBase64.encode((0 ..< 8).reversed().map { UInt8(nextKeyNumber >> (8 * UInt64($0)) & 0xFF) })
    }

    /// The private half of the one-time or fallback key a pre-key message names.
    func oneTimeKeyPair(for publicKey: Curve25519PublicKey) -> (keyPair: Curve25519KeyPair, isFallback: Bool)? {
        if let key = oneTimeKeys.first(where: { $0.keyPair.publicKey == publicKey }) { return (key.keyPair, false) }
        if let key = [fallbackKey, previousFallbackKey].compactMap({ $0 }).first(where: { $0.keyPair.publicKey == publicKey }) {
            return (key.keyPair, true)
        }
        return nil
    }

    mutating func removeOneTimeKey(_ publicKey: Curve25519PublicKey) {
        oneTimeKeys.removeAll { $0.keyPair.publicKey == publicKey }
    }

    public var description: String { "OlmAccount(identity: \(identityKey.base64), signing: \(signingKey.base64))" }
    public var customMirror: Mirror {
        Mirror(self, children: ["identityKey": identityKey.base64, "signingKey": signingKey.base64, "oneTimeKeys": oneTimeKeys.count])
    }
}
