internal import CCryptoBoringSSL

/// A running SHA-256 on BoringSSL's context, which is a plain C struct: copying one is copying
/// 112 bytes, where swift-crypto's `SHA256` allocates a new context for every copy. HMAC keys it
/// once and copies it for every code.
struct SHA256Context: Sendable {
    static let byteCount = 32
    private var state = SHA256_CTX()

    init() {
        CCryptoBoringSSL_SHA256_Init(&state)
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        CCryptoBoringSSL_SHA256_Update(&state, bytes.baseAddress, bytes.count)
    }

    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    mutating func update(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { update($0) }
    }

    mutating func update(byte: UInt8) {
        withUnsafeBytes(of: byte) { update($0) }
    }

    /// Writes the 32-byte digest to `digest`; the context is spent.
    mutating func finalize(into digest: UnsafeMutablePointer<UInt8>) {
        CCryptoBoringSSL_SHA256_Final(digest, &state)
    }
}
