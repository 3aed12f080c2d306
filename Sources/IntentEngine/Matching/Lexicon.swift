/// The words the rules know, numbered, with what normalization does to a word before it is
/// looked up: squeeze repeated letters, apply `common.yaml`'s replacements, strip an ending.
struct Lexicon: Sendable {
    /// A word in a message that no rule uses.
    static let unknown: Int32 = -1

    private var vocabulary = ByteKeyTable()
    private var replacementWords = ByteKeyTable()
    private var replacementKeys: [[Int32]] = []
    private var negationIDs: Set<Int32> = []
    private var clauseBreakIDs: Set<Int32> = []

    init(settings: CommonSettings) {
        for (word, replacement) in settings.replacements {
            let keys = keys(of: replacement, replacing: false)
            // Words that squeeze to the same key are rejected by the loader; the first would win.
            withSqueezed(word) { squeezed in
                if replacementWords.insert(squeezed) == replacementKeys.count { replacementKeys.append(keys) }
            }
        }
        for word in settings.negations { negationIDs.formUnion(keys(of: word)) }
        for word in settings.clauseBreaks { clauseBreakIDs.formUnion(keys(of: word)) }
    }

    /// The keys of a rule's text, adding new words to the vocabulary.
    mutating func keys(of text: String, replacing: Bool = true) -> [Int32] {
        var keys: [Int32] = []
        TextNormalizer.withScannableUTF8(text) { bytes in
            TextNormalizer.scanWords(bytes) { range, _ in
                withWordKey(bytes, range, replacing: replacing,
                            replaced: { keys += $0 },
                            stemmed: { keys.append(vocabulary.insert($0)) })
            }
        }
        return keys
    }

    var vocabularySize: Int { vocabulary.count }
    /// The most keys one word of a message can become (`cant` → `can not` is two).
    var longestReplacement: Int { replacementKeys.map(\.count).max() ?? 1 }

    func isNegation(_ id: Int32) -> Bool { negationIDs.contains(id) }
    func isClauseBreak(_ id: Int32) -> Bool { clauseBreakIDs.contains(id) }

    /// Calls `body` for every key of a message's scannable bytes, with the bytes of the
    /// word it came from and whether a clause break stands before it.
    func forEachKey(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Int32, Range<Int>, _ clauseBreakBefore: Bool) -> Void) {
        TextNormalizer.scanWords(bytes) { range, clauseBreak in
            withWordKey(bytes, range, replacing: true,
                        replaced: { keys in
                            for (offset, key) in keys.enumerated() { body(key, range, clauseBreak && offset == 0) }
                        },
                        stemmed: { body(vocabulary.number(of: $0) ?? Self.unknown, range, clauseBreak) })
        }
    }

    // MARK: - One word

    private func withWordKey(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, replacing: Bool,
        replaced: ([Int32]) -> Void, stemmed: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: TextNormalizer.maximumWordLength) { buffer in
            guard range.count <= buffer.count else {
                stemmed(UnsafeBufferPointer(rebasing: buffer[0..<0]))
                return
            }
            let count = TextNormalizer.foldWord(bytes, range, maximumRun: 1, into: buffer)
            let squeezed = UnsafeBufferPointer(rebasing: buffer[0..<count])
            if replacing, let replacement = replacementWords.number(of: squeezed) {
                replaced(replacementKeys[Int(replacement)])
                return
            }
            stemmed(UnsafeBufferPointer(rebasing: buffer[0..<Self.stemLength(squeezed)]))
        }
    }

    /// A word as replacements are looked up: lowercase, repeated letters once (`Depresssed` → `depresed`).
    static func squeezed(_ word: String) -> String {
        var result = ""
        Lexicon(settings: CommonSettings()).withSqueezed(word) { result += String(decoding: $0, as: UTF8.self) }
        return result
    }

    private func withSqueezed(_ word: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        TextNormalizer.withScannableUTF8(word) { bytes in
            TextNormalizer.scanWords(bytes) { range, _ in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(range.count, 1)) { buffer in
                    let count = TextNormalizer.foldWord(bytes, range, maximumRun: 1, into: buffer)
                    body(UnsafeBufferPointer(rebasing: buffer[0..<count]))
                }
            }
        }
    }

    /// Light stemming: drop the first of these endings that leaves at least three letters.
    private static let endings: [[UInt8]] = ["ies", "ing", "ed", "ly", "es", "s", "e", "y"].map { Array($0.utf8) }
    private static let shortestStem = 3

    static func stemLength(_ word: UnsafeBufferPointer<UInt8>) -> Int {
        for ending in endings where word.count - ending.count >= shortestStem {
            let start = word.count - ending.count
            var matches = true
            for offset in 0..<ending.count where word[start + offset] != ending[offset] {
                matches = false
                break
            }
            if matches { return start }
        }
        return word.count
    }
}
