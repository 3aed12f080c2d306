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
