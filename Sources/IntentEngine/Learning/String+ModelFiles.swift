extension String {
    /// The lines of a model file exactly as `split(separator: "\n", omittingEmptySubsequences: false)`
    /// finds them, read from the bytes rather than by characters (most of the time the files
    /// took to load): a "\n" is a character of its own, except right after a "\r".
    func linesOfBytes() -> [Substring] {
        var ends: [Int] = []
        Substring(self).withBytes { bytes in
            for offset in bytes.indices where bytes[offset] == UInt8(ascii: "\n") && (offset == 0 || bytes[offset - 1] != UInt8(ascii: "\r")) {
                ends.append(offset)
            }
        }
        var lines: [Substring] = []
        lines.reserveCapacity(ends.count + 1)
        var start = utf8.startIndex
        for end in ends {
            let index = utf8.index(utf8.startIndex, offsetBy: end)
            lines.append(self[start..<index])
            start = utf8.index(after: index)
        }
        lines.append(self[start...])
        return lines
    }
}

extension Substring {
    /// Calls `body` with the line's bytes in place (a model file's lines are read by the
    /// thousand); a line whose bytes are not in one piece is copied first.
    func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(utf8).withUnsafeBufferPointer(body)
    }

    /// Whether a model line's words split at " " into one or two non-empty parts (and, unless
    /// `tabs`, none with a tab), as `split(separator: " ", omittingEmptySubsequences: false)`
    /// tells; read from the bytes when they are ASCII, where each space is a character of its own.
    func isOneOrTwoWords(allowingTabs tabs: Bool) -> Bool {
        withBytes { bytes in
            guard bytes.allSatisfy({ $0 < 0x80 }) else {
                let parts = split(separator: " ", omittingEmptySubsequences: false)
                return (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && (tabs || !$0.contains("\t")) }
            }
            var spaces = 0
            var previous = UInt8(ascii: " ")
            for byte in bytes {
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
}
