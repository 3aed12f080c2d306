import Crypto

/// A send's `device/txnId` as the first 16 bytes of its SHA-256. The relay remembers a day of
/// sends; as two small integers a key costs no allocation, where the string cost one a send.
/// Two keys alike among a day's sends is a chance of about n²/2¹²⁹: none in practice.
struct TransactionDigest: Hashable, Sendable {
    private let high: UInt64
    private let low: UInt64

    init(_ key: String) {
        let digest = SHA256.hash(data: Array(key.utf8))
        (high, low) = digest.withUnsafeBytes { ($0.loadUnaligned(as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
    }
}
