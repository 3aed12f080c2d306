/// HKDF-SHA-256 (RFC 5869) with the HMAC keyed once per derivation and each block written in
/// place: swift-crypto's `HKDF` re-keys an HMAC for every 32-byte block, which was half the cost
/// of an Olm message. Tests check it against swift-crypto's `HKDF` byte for byte.
enum HKDFSHA256 {
    /// RFC 5869's default salt: as many zero bytes as the hash is long.
    static let zeroSalt = [UInt8](repeating: 0, count: HMACSHA256.byteCount)
    /// Every message key is extracted with the default salt, so its keyed HMAC is made once.
    private static let zeroSaltHMAC = HMACSHA256(key: zeroSalt)

    static func derive(secret: [UInt8], salt: [UInt8] = zeroSalt, info: StaticString, byteCount: Int) -> [UInt8] {
        let extractor = salt == zeroSalt ? zeroSaltHMAC : HMACSHA256(key: salt)
        let keyed = HMACSHA256(key: extractor.authenticationCode(for: secret))
        let info = UnsafeRawBufferPointer(start: info.utf8Start, count: info.utf8CodeUnitCount)
        let blockSize = HMACSHA256.byteCount
        let blocks = (byteCount + blockSize - 1) / blockSize
        var output = [UInt8](count: blocks * blockSize) { output in
            let start = output.baseAddress!
            for block in 0 ..< blocks {
                keyed.write(into: start + block * blockSize) { hash in
                    if block > 0 { hash.update(UnsafeRawBufferPointer(start: start + (block - 1) * blockSize, count: blockSize)) }
                    hash.update(info)
                    hash.update(byte: UInt8(block + 1))
                }
            }
        }
        output.removeLast(output.count - byteCount)
        return output
    }
}
