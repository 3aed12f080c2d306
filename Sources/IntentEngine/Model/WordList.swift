/// A list of English words, one per line (`Intents/words.txt`), kept as its bytes: it is only
/// read once, when rules are compiled, to tell real words from misspellings.
public struct WordList: Sendable {
    /// The words, each followed by a newline; `#` lines are comments.
    let text: [UInt8]

    public init(text: [UInt8] = []) {
        self.text = text
    }

    public var isEmpty: Bool { text.isEmpty }

    /// Calls `body` with each word's bytes.
    func forEachWord(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        text.withUnsafeBufferPointer { bytes in
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
                if end > start, bytes[start] != UInt8(ascii: "#") {
                    body(UnsafeBufferPointer(rebasing: bytes[start..<end]))
                }
                start = end + 1
            }
        }
    }
}
