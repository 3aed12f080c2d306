import Foundation

// JSON text to and from `JSONValue` directly: every request and sync response goes through
// here, and Foundation's `Codable` path costs several times more (it tries each type in turn
// for every value).

extension JSONValue {
    /// Parses JSON text (RFC 8259). Invalid UTF-8 inside strings is repaired, not refused;
    /// nesting deeper than 512 levels is refused, so hostile input cannot exhaust the stack.
    public init(parsing data: Data) throws(JSONParsingError) {
        let result: Result<JSONValue, JSONParsingError> = data.withUnsafeBytes { raw in
            var parser = JSONParser(bytes: raw.bindMemory(to: UInt8.self))
            return Result { () throws(JSONParsingError) in try parser.document() }
        }
        self = try result.get()
    }

    /// Compact JSON text; with `sortedKeys`, object keys in byte order, so equal values give equal text.
    public func serialized(sortedKeys: Bool = false) -> Data {
        var writer = JSONWriter(sortedKeys: sortedKeys)
        writer.write(self)
        return Data(writer.bytes)
    }
}

/// Why a text is not JSON, and where.
public struct JSONParsingError: Error, Sendable, CustomStringConvertible {
    public let offset: Int
    public let reason: String
    public var description: String { "not JSON at byte \(offset): \(reason)" }
}

private struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0
    static let maximumDepth = 512

    mutating func document() throws(JSONParsingError) -> JSONValue {
        let value = try self.value()
        skipWhitespace()
        guard index == bytes.count else { throw failure("text after the value") }
        return value
    }

    private func failure(_ reason: String) -> JSONParsingError { JSONParsingError(offset: index, reason: reason) }

    private mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
    }

    private mutating func value() throws(JSONParsingError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw failure("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw failure("unexpected character")
        }
    }

    private mutating func nest() throws(JSONParsingError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw failure("nested too deeply") }
    }

    private mutating func object() throws(JSONParsingError) -> JSONValue {
        var members: [String: JSONValue] = [:]
        try list(closedBy: "}") { parser throws(JSONParsingError) in
            parser.skipWhitespace()
            guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "\"") else { throw parser.failure("expected a key") }
            let key = try parser.string()
            parser.skipWhitespace()
            guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: ":") else { throw parser.failure("expected ':'") }
            parser.index += 1
            members[key] = try parser.value()
        }
        return .object(members)
    }

    private mutating func array() throws(JSONParsingError) -> JSONValue {
        var elements: [JSONValue] = []
        try list(closedBy: "]") { parser throws(JSONParsingError) in elements.append(try parser.value()) }
        return .array(elements)
    }

    /// An object's members or an array's elements: from the opening bracket to `closing`,
    /// `element` read each one, commas between.
    private mutating func list(closedBy closing: Unicode.Scalar, _ element: (inout JSONParser) throws(JSONParsingError) -> Void) throws(JSONParsingError) {
        try nest()
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: closing) {
            index += 1
            depth -= 1
            return
        }
        while true {
            try element(&self)
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: closing) {
                index += 1
                depth -= 1
                return
            } else {
                throw failure("expected ',' or '\(closing)'")
            }
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParsingError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw failure("unexpected end") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw failure("unexpected character") }
        index += count
    }

    private mutating func number() throws(JSONParsingError) -> Double {
        let start = index
        while index < bytes.count, Self.numberBytes.contains(bytes[index]) { index += 1 }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let number = Double(text), number.isFinite, text.last?.isNumber == true else {
            index = start
            throw failure("not a number")
        }
        return number
    }

    private static let numberBytes: Set<UInt8> = Set("0123456789+-.eE".utf8)

    private mutating func string() throws(JSONParsingError) -> String {
        index += 1
        var start = index
        try skipPlainBytes()
        // The common case: no escapes, one copy.
        if bytes[index] == UInt8(ascii: "\"") {
            defer { index += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }
        var utf8: [UInt8] = []
        while true {
            utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            index += 1
            if bytes[index - 1] == UInt8(ascii: "\"") { return String(decoding: utf8, as: UTF8.self) }
            guard index < bytes.count else { throw failure("unterminated string") }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"): utf8.append(contentsOf: String(try unicodeEscape()).utf8)
            default: throw failure("unknown escape")
            }
            start = index
            try skipPlainBytes()
        }
    }

    /// Moves to the next quote or backslash; a string's text between escapes is copied in runs.
    private mutating func skipPlainBytes() throws(JSONParsingError) {
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
            guard bytes[index] >= 0x20 else { throw failure("control character in a string") }
            index += 1
        }
        guard index < bytes.count else { throw failure("unterminated string") }
    }

    /// `\uXXXX`, with a following low surrogate when it is a high one; a lone surrogate becomes U+FFFD.
    private mutating func unicodeEscape() throws(JSONParsingError) -> Character {
        let first = try hex4()
        if (0xD800..<0xDC00).contains(first), index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
            let saved = index
            index += 2
            let second = try hex4()
            if (0xDC00..<0xE000).contains(second) {
                return Character(Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)) ?? "\u{FFFD}")
            }
            index = saved
        }
        return Character(Unicode.Scalar(first) ?? "\u{FFFD}")
    }

    private mutating func hex4() throws(JSONParsingError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("bad \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}

private struct JSONWriter {
    let sortedKeys: Bool
    var bytes: [UInt8] = []

    init(sortedKeys: Bool) {
        self.sortedKeys = sortedKeys
        bytes.reserveCapacity(1024)
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: bytes.append(contentsOf: "null".utf8)
        case let .bool(flag): bytes.append(contentsOf: (flag ? "true" : "false").utf8)
        case let .number(number): writeNumber(number)
        case let .string(text): bytes.appendJSONString(text)
        case let .array(elements):
            bytes.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case let .object(members):
            bytes.append(UInt8(ascii: "{"))
            var first = true
            let keys = sortedKeys ? members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } : Array(members.keys)
            for key in keys {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                bytes.appendJSONString(key)
                bytes.append(UInt8(ascii: ":"))
                write(members[key]!)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private mutating func writeNumber(_ number: Double) {
        guard number.isFinite else {
            bytes.append(contentsOf: "null".utf8)
            return
        }
        if number.rounded() == number, abs(number) < 9_007_199_254_740_992 {
            bytes.append(contentsOf: String(Int64(number)).utf8)
        } else {
            bytes.append(contentsOf: "\(number)".utf8)
        }
    }
}

extension Array where Element == UInt8 {
    /// Appends `text` as a JSON string: runs of bytes that need no escape are copied whole.
    /// Every JSON text the project writes goes through here (`JSONValue.serialized`, `classify --json`).
    public mutating func appendJSONString(_ text: String) {
        append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                appendJSONEscape(byte)
                start = index + 1
            }
            append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        append(UInt8(ascii: "\""))
    }

    private mutating func appendJSONEscape(_ byte: UInt8) {
        append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): append(byte)
        case 0x0A: append(UInt8(ascii: "n"))
        case 0x0D: append(UInt8(ascii: "r"))
        case 0x09: append(UInt8(ascii: "t"))
        default:
            let hex = Array("0123456789abcdef".utf8)
            append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }
}
