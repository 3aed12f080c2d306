extension String {
    /// The lines of a model file exactly as `split(separator: "\n", omittingEmptySubsequences: false)`
    /// finds them, read from the bytes rather than by characters (most of the time the files
    /// took to load): a "\n" is a character of its own, except right after a "\r".
    func linesOfBytes() -> [Substring] {
        var lines: [Substring] = []
        var start = startIndex
        var previous: UInt8 = 0
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "\n"), previous != UInt8(ascii: "\r") {
                lines.append(self[start..<index])
                start = utf8.index(after: index)
            }
            previous = byte
            index = utf8.index(after: index)
        }
        lines.append(self[start...])
        return lines
    }
}

extension Substring {
    /// Whether a model line's words split at " " into one or two non-empty parts (and, unless
    /// `tabs`, none with a tab), as `split(separator: " ", omittingEmptySubsequences: false)`
    /// tells; read from the bytes when they are ASCII, where each space is a character of its own.
    func isOneOrTwoWords(allowingTabs tabs: Bool) -> Bool {
        guard utf8.allSatisfy({ $0 < 0x80 }) else {
            let parts = split(separator: " ", omittingEmptySubsequences: false)
            return (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && (tabs || !$0.contains("\t")) }
        }
        var spaces = 0
        var previous = UInt8(ascii: " ")
        for byte in utf8 {
            if byte == UInt8(ascii: " ") {
                if previous == UInt8(ascii: " ") { return false }
                spaces += 1
            } else if byte == UInt8(ascii: "\t"), !tabs {
                return false
            }
            previous = byte
        }
        return spaces <= 1 && previous != UInt8(ascii: " ")
    }
}
