import MatrixClient

/// One JSON object written straight into bytes: `classify --json` writes a line per message,
/// hundreds of thousands a second, and an encoder's boxes and dictionaries would cost more
/// than the classification.
struct JSONLine {
    private var bytes: [UInt8] = []
    private var needsComma = false

    /// Writes one object, and a new line, at the end of `output`: in place, with no array of
    /// its own to allocate and copy for every line.
    static func write(appendingTo output: inout [UInt8], _ body: (inout JSONLine) -> Void) {
        var line = JSONLine()
        swap(&line.bytes, &output)
        line.bytes.append(UInt8(ascii: "{"))
        body(&line)
        line.bytes.append(UInt8(ascii: "}"))
        line.bytes.append(UInt8(ascii: "\n"))
        swap(&line.bytes, &output)
    }

    mutating func field(_ name: StaticString, _ value: String?) {
        key(name)
        if let value { bytes.appendJSONString(value) } else { append("null") }
    }

    mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        append(value ? "true" : "false")
    }

    /// A number with at most two decimals, which is all a score or risk level needs.
    mutating func field(_ name: StaticString, _ value: Double) {
        key(name)
        let hundredths = Int((value * 100).rounded())
        appendDecimal(hundredths / 100)
        let rest = abs(hundredths % 100)
        if rest != 0 {
            bytes.append(UInt8(ascii: "."))
            bytes.append(UInt8(ascii: "0") + UInt8(rest / 10))
            if rest % 10 != 0 { bytes.append(UInt8(ascii: "0") + UInt8(rest % 10)) }
        }
    }

    mutating func field(_ name: StaticString, _ value: Int?) {
        key(name)
        if let value { appendDecimal(value) } else { append("null") }
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

    private mutating func key(_ name: StaticString) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
        bytes.append(UInt8(ascii: "\""))
        append(name)
        append("\":")
    }

    /// Static text's bytes, copied whole: appending a `String.UTF8View` went byte by byte.
    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// An integer in decimal, as `String(value)` writes it, without making the string.
    private mutating func appendDecimal(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[start...].reverse()
    }
}
