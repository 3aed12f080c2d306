/// HMAC-SHA-256 (RFC 2104), keyed once and reused by copying its inner and outer hash states.
/// swift-crypto's `HMAC` re-keys on every call and allocates a context for each of its hashes,
/// which together were most of an Olm message's cost. Keying and each code allocate nothing but
/// the code returned. Tests check it against swift-crypto's `HMAC` byte for byte.
struct HMACSHA256: Sendable {
    static let byteCount = SHA256Context.byteCount
    private static let blockSize = 64
    private var inner = SHA256Context()
    private var outer = SHA256Context()

    init(key: [UInt8]) {
        self = key.withUnsafeBytes { HMACSHA256(key: $0) }
    }

    init(key: ArraySlice<UInt8>) {
        self = key.withUnsafeBytes { HMACSHA256(key: $0) }
    }

    private init(key: UnsafeRawBufferPointer) {
        withUnsafeTemporaryAllocation(byteCount: Self.blockSize, alignment: 8) { block in
            block.initializeMemory(as: UInt8.self, repeating: 0)
            if key.count > Self.blockSize {
                var hash = SHA256Context()
                hash.update(key)
                hash.finalize(into: block.baseAddress!.assumingMemoryBound(to: UInt8.self))
            } else {
                block.copyMemory(from: key)
            }
            Self.xor(block, with: 0x36)
            inner.update(UnsafeRawBufferPointer(block))
            Self.xor(block, with: 0x36 ^ 0x5C)
            outer.update(UnsafeRawBufferPointer(block))
        }
    }

    /// XORs every byte of the key block with `pad`, eight bytes at a time.
    private static func xor(_ block: UnsafeMutableRawBufferPointer, with pad: UInt8) {
        let spread = UInt64(pad) &* 0x0101_0101_0101_0101
        for offset in stride(from: 0, to: blockSize, by: 8) {
            block.storeBytes(of: block.load(fromByteOffset: offset, as: UInt64.self) ^ spread, toByteOffset: offset, as: UInt64.self)
        }
    }

    /// The 32-byte code of `message`.
    func authenticationCode(for message: [UInt8]) -> [UInt8] {
        authenticationCode { $0.update(message) }
    }

    /// The 32-byte code of a one-byte message, as the Olm and Megolm ratchets use.
    func authenticationCode(for byte: UInt8) -> [UInt8] {
        authenticationCode { $0.update(byte: byte) }
    }

    /// The 32-byte code of whatever `message` feeds the hash, for messages in several parts.
    func authenticationCode(_ message: (inout SHA256Context) -> Void) -> [UInt8] {
        [UInt8](count: Self.byteCount) { write(into: $0.baseAddress!, message) }
    }

    /// Writes the 32-byte code of what `message` feeds the hash to `code`.
    func write(into code: UnsafeMutablePointer<UInt8>, _ message: (inout SHA256Context) -> Void) {
        var inner = self.inner
        message(&inner)
        inner.finalize(into: code)
        var outer = self.outer
        outer.update(UnsafeRawBufferPointer(start: code, count: Self.byteCount))
        outer.finalize(into: code)
    }
}
