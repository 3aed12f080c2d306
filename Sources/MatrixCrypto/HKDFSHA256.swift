import Crypto

/// HKDF-SHA-256 (RFC 5869) with the HMAC keyed once per derivation and copied for each block:
/// swift-crypto's `HKDF` re-keys an HMAC for every 32-byte block, which was half the cost of an
/// Olm message. Tests check it against swift-crypto's `HKDF` byte for byte.
enum HKDFSHA256 {
    /// RFC 5869's default salt: as many zero bytes as the hash is long.
    static let zeroSalt = [UInt8](repeating: 0, count: SHA256.byteCount)

    static func derive(secret: [UInt8], salt: [UInt8] = zeroSalt, info: String, byteCount: Int) -> [UInt8] {
        let keyed = HMACSHA256(key: HMACSHA256(key: salt).authenticationCode(for: secret))
        let info = Array(info.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(byteCount + SHA256.byteCount)
        var block: [UInt8] = []
        var counter: UInt8 = 1
        while output.count < byteCount {
            block = keyed.authenticationCode(for: block, info, [counter])
            output += block
            counter += 1
        }
        return Array(output.prefix(byteCount))
    }
}
