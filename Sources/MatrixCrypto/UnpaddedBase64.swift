/// Base64 without `=` padding, the way Matrix writes keys, signatures and messages. Every
/// encrypted event is decoded and every reply encoded, so this works on UTF-8 bytes with a table
/// rather than through `Data` and padded strings; tests check it against Foundation's codec.
public enum UnpaddedBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    /// Each byte's 6-bit value, or 0xFF for a byte outside the alphabet.
    private static let values: [UInt8] = {
        var values = [UInt8](repeating: 0xFF, count: 256)
        for (value, byte) in alphabet.enumerated() { values[Int(byte)] = UInt8(value) }
        return values
    }()

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let bytes = Array(bytes)
        let length = bytes.count / 3 * 4 + [0, 2, 3][bytes.count % 3]
        return String(unsafeUninitializedCapacity: length) { text in
            var out = 0
            func put(_ sextet: UInt32) {
                text[out] = alphabet[Int(sextet & 0x3F)]
                out += 1
            }
            var index = 0
            while index < bytes.count {
                let remaining = bytes.count - index
                let group = UInt32(bytes[index]) << 16
                    | (remaining > 1 ? UInt32(bytes[index + 1]) << 8 : 0)
                    | (remaining > 2 ? UInt32(bytes[index + 2]) : 0)
                put(group >> 18)
                put(group >> 12)
                if remaining > 1 { put(group >> 6) }
                if remaining > 2 { put(group) }
                index += 3
            }
            return length
        }
    }

    /// Accepts padded input too, as some clients send it; a length of 1 mod 4 is never valid.
    public static func decode(_ text: String, what: String = "value") throws(MatrixCryptoError) -> [UInt8] {
        var text = text
        guard let bytes = text.withUTF8({ utf8 in values.withUnsafeBufferPointer { decode(utf8, values: $0) } }) else {
            throw .invalidBase64(what)
        }
        return bytes
    }

    private static func decode(_ utf8: UnsafeBufferPointer<UInt8>, values: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var end = utf8.count
        while end > 0, utf8[end - 1] == UInt8(ascii: "=") { end -= 1 }
        guard end % 4 != 1 else { return nil }
        /// The 6-bit values of `count` characters from `start`, left-aligned in 24 bits; nil when
        /// one is outside the alphabet (its value is 0xFF, every other is below 64).
        func group(_ start: Int, _ count: Int) -> UInt32? {
            var group: UInt32 = 0
            var seen: UInt8 = 0
            for index in start ..< start + count {
                let value = values[Int(utf8[index])]
                seen |= value
                group = group << 6 | UInt32(value)
            }
            return seen < 64 ? group << (6 * UInt32(4 - count)) : nil
        }
        var valid = true
        // On a character outside the alphabet the bytes written so far are kept and thrown away.
        let decoded = [UInt8](unsafeUninitializedCapacity: end * 3 / 4) { bytes, written in
            let whole = end / 4 * 4
            for start in stride(from: 0, to: whole, by: 4) {
                guard let group = group(start, 4) else {
                    valid = false
                    return
                }
                bytes[written] = UInt8(truncatingIfNeeded: group >> 16)
                bytes[written + 1] = UInt8(truncatingIfNeeded: group >> 8)
                bytes[written + 2] = UInt8(truncatingIfNeeded: group)
                written += 3
            }
            // A last group of two or three characters makes one or two bytes.
            guard whole < end else { return }
            guard let group = group(whole, end - whole) else {
                valid = false
                return
            }
            bytes[written] = UInt8(truncatingIfNeeded: group >> 16)
            if end - whole == 3 { bytes[written + 1] = UInt8(truncatingIfNeeded: group >> 8) }
            written += end - whole - 1
        }
        return valid ? decoded : nil
    }
}
