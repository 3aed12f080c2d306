extension [UInt8] {
    /// `count` bytes, every one of which `write` fills in: digests, cipher output and decoded
    /// base64 are written in place rather than appended.
    init(count: Int, writing write: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        self.init(unsafeUninitializedCapacity: count) { buffer, initialized in
            write(buffer)
            initialized = count
        }
    }
}
