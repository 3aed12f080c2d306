/// Megolm's ratchet: four 32-byte parts R0..R3 and a 32-bit index. R(i) advances every 2^(8(3-i))
/// messages, so reaching any later index takes at most 4 × 255 hashes, not one per message.
struct MegolmRatchet: Sendable, Equatable, Codable, CustomStringConvertible, CustomReflectable {
    static let byteCount = 128

    /// R0 ‖ R1 ‖ R2 ‖ R3.
    private(set) var parts: [UInt8]
    private(set) var index: UInt32

    init(index: UInt32, parts: some Collection<UInt8>) throws(MatrixCryptoError) {
        guard parts.count == Self.byteCount else { throw .malformedMessage("ratchet is not 128 bytes") }
        self.index = index
        self.parts = Array(parts)
    }

    private enum CodingKeys: String, CodingKey {
        case index, parts
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(index: container.decode(UInt32.self, forKey: .index), parts: container.decode([UInt8].self, forKey: .parts))
    }

    func encode(to encoder: any Encoder) throws {
        try encoder.requireSealedPickle()
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(index, forKey: .index)
        try container.encode(parts, forKey: .parts)
    }

    /// A fresh random ratchet at index 0.
    static func random() -> MegolmRatchet {
        var generator = SystemRandomNumberGenerator()
        // 128 bytes is the right length by construction.
        return try! MegolmRatchet(index: 0, parts: (0 ..< byteCount).map { _ in generator.next() as UInt8 })
    }

    /// The secret that this index's message keys are expanded from.
    var keys: MessageKeys { MessageKeys(secret: parts, info: "MEGOLM_KEYS") }

    /// R(i) = HMAC-SHA-256(key: R(from), data: [i]) for each i in `targets`, keying the HMAC once.
    private mutating func rehash(from: Int, to targets: some Sequence<Int>) {
        let keyed = HMACSHA256(key: parts[from * 32 ..< from * 32 + 32])
        for target in targets {
            parts.replaceSubrange(target * 32 ..< target * 32 + 32, with: keyed.authenticationCode(for: UInt8(target)))
        }
    }

    mutating func advance() {
        index &+= 1
        // The highest part whose period divides the new index, re-derives itself and every part below.
        var part = 0
        var mask: UInt32 = 0x00FF_FFFF
        while part < 4, index & mask != 0 {
            part += 1
            mask >>= 8
        }
        rehash(from: part, to: stride(from: 3, through: part, by: -1))
    }

    /// Moves forward to `target` (≥ index), stepping each part only as often as it must.
    mutating func advance(to target: UInt32) {
        precondition(target >= index, "a Megolm ratchet cannot go back")
        for part in 0 ..< 4 {
            let shift = UInt32(8 * (3 - part))
            var steps = ((target >> shift) &- (index >> shift)) & 0xFF
            guard steps > 0 else { continue }
            while steps > 1 {
                rehash(from: part, to: [part])
                steps -= 1
            }
            rehash(from: part, to: stride(from: 3, through: part, by: -1))
            index = target & (UInt32.max << shift)
        }
    }

    var description: String { "MegolmRatchet(index: \(index))" }
    var customMirror: Mirror { Mirror(self, children: ["index": index]) }
}
