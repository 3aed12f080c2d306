import Crypto

/// HMAC-SHA-256 (RFC 2104) over swift-crypto's SHA-256, keyed once and reused by copying its
/// inner and outer hash states. swift-crypto's `HMAC` goes through a `SymmetricKey` and generic
/// `DataProtocol` paths on every call, which were most of an Olm message's cost. Tests check it
/// against swift-crypto's `HMAC` byte for byte.
struct HMACSHA256 {
    private static let blockSize = 64
    private var inner = SHA256()
    private var outer = SHA256()

    init(key: some Collection<UInt8>) {
        var block = key.count > Self.blockSize ? SHA256.hash(data: Array(key)).withUnsafeBytes { Array($0) } : Array(key)
        block += repeatElement(0, count: Self.blockSize - block.count)
        Self.update(&inner, with: block.map { $0 ^ 0x36 })
        Self.update(&outer, with: block.map { $0 ^ 0x5C })
    }

    /// The 32-byte code of the concatenation of `parts`.
    func authenticationCode(for parts: [UInt8]...) -> [UInt8] {
        var inner = self.inner
        for part in parts { Self.update(&inner, with: part) }
        var outer = self.outer
        inner.finalize().withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize().withUnsafeBytes { Array($0) }
    }

    private static func update(_ hash: inout SHA256, with bytes: [UInt8]) {
        bytes.withUnsafeBytes { hash.update(bufferPointer: $0) }
    }
}
