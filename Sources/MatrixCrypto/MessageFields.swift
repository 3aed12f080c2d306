/// The protobuf-like field encoding of Olm and Megolm messages: each field is a key byte
/// (tag << 3 | wire type) followed by a varint, or by a varint length and that many bytes.
struct MessageFields {
    private(set) var bytes: [UInt8]

    init(version: UInt8) {
        bytes = [version]
    }

    mutating func append(tag: UInt8, integer: UInt64) {
        bytes.append(tag << 3)
        Self.appendVarint(integer, to: &bytes)
    }

    mutating func append(tag: UInt8, bytes field: [UInt8]) {
        bytes.append(tag << 3 | 2)
        Self.appendVarint(UInt64(field.count), to: &bytes)
        bytes += field
    }

    private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    // MARK: Reading

    /// The fields of `body` (the bytes after the version byte) by tag; unknown tags are skipped,
    /// as protobuf readers do, and a later field replaces an earlier one of the same tag.
    static func parse(_ body: ArraySlice<UInt8>) throws(MatrixCryptoError) -> Parsed {
        var fields = Parsed()
        var position = body.startIndex
        while position < body.endIndex {
            let key = try readVarint(body, at: &position)
            let tag = key >> 3
            switch key & 7 {
            case 0:
                let value = try readVarint(body, at: &position)
                if tag < Parsed.tagCount { fields.byTag[Int(tag)] = .integer(value) }
            case 2:
                let length = try readVarint(body, at: &position)
                guard length <= UInt64(body.endIndex - position) else { throw .malformedMessage("field longer than the message") }
                let end = position + Int(length)
                if tag < Parsed.tagCount { fields.byTag[Int(tag)] = .bytes(body[position ..< end]) }
                position = end
            default:
                throw .malformedMessage("unsupported field type")
            }
        }
        return fields
    }

    private static func readVarint(_ bytes: ArraySlice<UInt8>, at position: inout Int) throws(MatrixCryptoError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.endIndex {
            let byte = bytes[position]
            position += 1
            guard shift < 64, shift < 63 || byte <= 1 else { throw .malformedMessage("integer too large") }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        throw .malformedMessage("truncated integer")
    }

    enum Field {
        case integer(UInt64)
        /// A slice of the message, not a copy.
        case bytes(ArraySlice<UInt8>)
    }
}

extension MessageFields {
    /// The fields of one message by tag. Olm and Megolm use tags below 16, so a small array
    /// indexed by tag holds them (a dictionary cost a hash per field on every message).
    struct Parsed {
        static let tagCount = 16
        fileprivate(set) var byTag = [Field?](repeating: nil, count: tagCount)

        func bytes(_ tag: UInt8, _ name: String) throws(MatrixCryptoError) -> ArraySlice<UInt8> {
            guard case let .bytes(value) = byTag[Int(tag)] else { throw .malformedMessage("no \(name)") }
            return value
        }

        func key(_ tag: UInt8, _ name: String) throws(MatrixCryptoError) -> Curve25519PublicKey {
            let value = try bytes(tag, name)
            guard value.count == 32 else { throw .malformedMessage("\(name) is not 32 bytes") }
            return try Curve25519PublicKey(bytes: value)
        }

        func index(_ tag: UInt8) throws(MatrixCryptoError) -> UInt32 {
            guard case let .integer(value) = byTag[Int(tag)] else { throw .malformedMessage("no message index") }
            guard let index = UInt32(exactly: value) else { throw .malformedMessage("message index \(value) out of range") }
            return index
        }
    }
}
