import Synchronization

/// A key's `Ed25519Verifier`, built when first asked for and then shared: every copy of a Megolm
/// session (a value the caller may copy, try on and throw away) verifies with the one table, and
/// a session imported and never read never builds it.
final class SharedVerifier: Sendable {
    private let publicKey: [UInt8]
    /// nil until built; then the verifier, or nil when the key names no curve point.
    private let built = Mutex<Ed25519Verifier??>(nil)

    init(publicKey: [UInt8]) {
        self.publicKey = publicKey
    }

    /// nil when the key names no curve point: then no signature verifies.
    var verifier: Ed25519Verifier? {
        built.withLock { built in
            if let verifier = built { return verifier }
            let verifier = Ed25519Verifier(publicKey: publicKey)
            built = .some(verifier)
            return verifier
        }
    }
}
