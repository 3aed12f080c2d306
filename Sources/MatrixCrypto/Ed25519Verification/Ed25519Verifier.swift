internal import CCryptoBoringSSL

/// Verifies many signatures by one Ed25519 key, as every message of a Megolm session is signed
/// by the session's key. The key is decompressed once and its multiples tabled, so a signature
/// costs about 130 point additions, against the 250 doublings and a decompression that
/// swift-crypto (BoringSSL's `ED25519_verify`) spends on every call: that verification was three
/// quarters of a Megolm decryption.
///
/// It accepts exactly what `ED25519_verify` accepts, which tests check on valid, altered and
/// random signatures: s must be below the group order, and [s]B - [SHA-512(R‖A‖M)]A, encoded,
/// must equal R byte for byte.
final class Ed25519Verifier: Sendable {
    private let publicKey: [UInt8]
    /// Multiples of -A, so that the check is one combination of additions.
    private let negatedKeyMultiples: MultiplesTable

    /// Nil when the bytes name no point of the curve: no signature by such a key verifies.
    init?(publicKey: [UInt8]) {
        guard let point = EdwardsPoint(decompressing: publicKey) else { return nil }
        self.publicKey = publicKey
        negatedKeyMultiples = MultiplesTable(point.negated)
    }

    func isValidSignature(_ signature: ArraySlice<UInt8>, for message: ArraySlice<UInt8>) -> Bool {
        guard signature.count == 64 else { return false }
        let r = Array(signature.prefix(32)), s = Array(signature.suffix(32))
        guard GroupOrder.isCanonical(s) else { return false }
        let k = GroupOrder.reduce(Self.sha512(r, publicKey, message))
        let check = MultiplesTable.combination(
            GroupOrder.signedRadix16(s), .base, GroupOrder.signedRadix16(k), negatedKeyMultiples
        )
        return check.encoded == r
    }

    private static func sha512(_ r: [UInt8], _ publicKey: [UInt8], _ message: ArraySlice<UInt8>) -> [UInt8] {
        var context = SHA512_CTX()
        CCryptoBoringSSL_SHA512_Init(&context)
        r.withUnsafeBytes { _ = CCryptoBoringSSL_SHA512_Update(&context, $0.baseAddress, $0.count) }
        publicKey.withUnsafeBytes { _ = CCryptoBoringSSL_SHA512_Update(&context, $0.baseAddress, $0.count) }
        message.withUnsafeBytes { _ = CCryptoBoringSSL_SHA512_Update(&context, $0.baseAddress, $0.count) }
        return [UInt8](count: 64) { _ = CCryptoBoringSSL_SHA512_Final($0.baseAddress, &context) }
    }
}
