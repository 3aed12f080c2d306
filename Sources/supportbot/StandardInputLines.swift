import Foundation

/// Standard input as lines, read in chunks so that any amount passes through in constant
/// memory. Invalid UTF-8 is repaired (U+FFFD), and a line longer than `maximumLineLength`
/// is cut there: the rest of it is skipped, so every input line still gives one result.
struct StandardInputLines: Sequence, IteratorProtocol {
    static let maximumLineLength = 1 << 20

    private var buffer: [UInt8] = []
    private var position = 0
    private var line: [UInt8] = []
    private var skippingRest = false
    private var finished = false

    mutating func next() -> String? {
        next(readingMore: true)
    }

    /// The lines already read, at most `limit`, reading more only when none is waiting: a
    /// pipe's backlog comes in batches, and a line typed by hand is answered at once.
    mutating func nextBatch(limit: Int) -> [String] {
        var lines: [String] = []
        while lines.count < limit, let line = next(readingMore: lines.isEmpty) { lines.append(line) }
        return lines
    }

    private mutating func next(readingMore: Bool) -> String? {
        while true {
            if position == buffer.count {
                if finished { return flushLast() }
                guard readingMore else { return nil }
                let chunk = FileHandle.standardInput.readData(ofLength: 1 << 16)
                if chunk.isEmpty { finished = true; continue }
                buffer = Array(chunk)
                position = 0
            }
            let end = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) ?? buffer.count
            if line.isEmpty, !skippingRest, end < buffer.count, end - position <= Self.maximumLineLength {
                // The whole line is in the chunk (most are): its string straight from there.
                defer { position = end + 1 }
                let last = end > position && buffer[end - 1] == UInt8(ascii: "\r") ? end - 1 : end
                return String(decoding: buffer[position..<last], as: UTF8.self)
            }
            if !skippingRest {
                let room = Self.maximumLineLength - line.count
                line += buffer[position..<Swift.min(end, position + room)]
                if end - position > room { skippingRest = true }
            }
            position = end
            if end < buffer.count {
                position += 1
                skippingRest = false
                return takeLine()
            }
        }
    }

    private mutating func flushLast() -> String? {
        guard !line.isEmpty || skippingRest else { return nil }
        skippingRest = false
        return takeLine()
    }

    private mutating func takeLine() -> String {
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        defer { line.removeAll(keepingCapacity: true) }
        return String(decoding: line, as: UTF8.self)
    }
}

/// Standard output with a buffer, flushed when it fills and at the end.
struct BufferedOutput {
    private var pending: [UInt8] = []

    mutating func write(_ bytes: [UInt8]) {
        pending += bytes
        if pending.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !pending.isEmpty else { return }
        FileHandle.standardOutput.write(Data(pending))
        pending.removeAll(keepingCapacity: true)
    }
}
