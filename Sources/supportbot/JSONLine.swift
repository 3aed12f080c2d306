import MatrixClient

/// One JSON object written straight into bytes: `classify --json` writes a line per message,
/// hundreds of thousands a second, and an encoder's boxes and dictionaries would cost more
/// than the classification.
struct JSONLine {
    private(set) var bytes: [UInt8] = []
    private var needsComma = false

    init() {
        bytes.reserveCapacity(256)
        bytes.append(UInt8(ascii: "{"))
    }

    mutating func field(_ name: StaticString, _ value: String?) {
        key(name)
        if let value { bytes.appendJSONString(value) } else { bytes += "null".utf8 }
    }

    mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        bytes += (value ? "true" : "false").utf8
    }

    /// A number with at most two decimals, which is all a score or risk level needs.
    mutating func field(_ name: StaticString, _ value: Double) {
        key(name)
        let hundredths = Int((value * 100).rounded())
        bytes += String(hundredths / 100).utf8
        let rest = abs(hundredths % 100)
        if rest != 0 {
            bytes.append(UInt8(ascii: "."))
            bytes.append(UInt8(ascii: "0") + UInt8(rest / 10))
            if rest % 10 != 0 { bytes.append(UInt8(ascii: "0") + UInt8(rest % 10)) }
        }
    }

    mutating func field(_ name: StaticString, _ value: Int?) {
        key(name)
        bytes += (value.map(String.init) ?? "null").utf8
    }

    /// A nested array of objects, each written by `body` into the same bytes.
    mutating func array<Element>(_ name: StaticString, _ elements: [Element], _ body: (inout JSONLine, Element) -> Void) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "{"))
            needsComma = false
            body(&self, element)
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// The object, closed, and a new line.
    mutating func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    private mutating func key(_ name: StaticString) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes += $0 }
        bytes += "\":".utf8
    }
}
