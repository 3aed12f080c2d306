/// One step of an Olm sending or receiving chain: the chain key at an index. The message key
/// is HMAC(chain key, 0x01) and the next chain key HMAC(chain key, 0x02).
struct ChainKey: Sendable, Codable {
    private(set) var key: [UInt8]
    private(set) var index: UInt32

    init(key: some Collection<UInt8>, index: UInt32 = 0) {
        self.key = Array(key)
        self.index = index
    }

    /// The message key at the current index; the chain key moves on to the next index. Both
    /// come from one keyed HMAC.
    mutating func advance() -> [UInt8] {
        let keyed = HMACSHA256(key: key)
        key = keyed.authenticationCode(for: 0x02)
        index += 1
        return keyed.authenticationCode(for: 0x01)
    }
}
