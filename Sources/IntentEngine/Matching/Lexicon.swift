/// The words the rules know, numbered, with what normalization does to a word before it is
/// looked up: squeeze repeated letters, apply `common.yaml`'s replacements, strip an ending;
/// and, for fuzzy words, their misspellings one letter away that are not real words.
struct Lexicon: Sendable {
    /// A word in a message that no rule uses.
    static let unknown: Int32 = -1

    /// The rules' words, then the misspellings of fuzzy words (numbered from `ruleWordCount`).
    private var vocabulary = ByteKeyTable()
    private var replacementWords = ByteKeyTable()
    private var replacementKeys: [[Int32]] = []
    private var negationIDs: Set<Int32> = []
    private var clauseBreakIDs: Set<Int32> = []
    /// For each misspelling, the index of the fuzzy word it stands for.
    private var typoTargets: [Int32] = []
    /// The fuzzy words as written, and their keys.
    private(set) var fuzzyWords: [String] = []
    private var fuzzyKeys: [Int32] = []
    /// Words numbered below this are the rules' own; at and above, misspellings.
    private(set) var ruleWordCount = 0

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
        ruleWordCount = vocabulary.count
    }

    /// The keys of a rule's words, adding new words to the vocabulary.
    mutating func keys(of text: String, replacing: Bool = true) -> [Int32] {
        var keys: [Int32] = []
        // The vocabulary is taken out while words are added: reading `self` below copies it,
        // and a copy that shared the table made each new word copy the whole table.
        var vocabulary = Self.emptyTable
        swap(&vocabulary, &self.vocabulary)
        TextNormalizer.withScannableUTF8(text) { bytes in
            TextNormalizer.scanWords(bytes) { range, _ in
                withWordKey(bytes, range, replacing: replacing,
                            replaced: { keys += $0 },
                            stemmed: { keys.append(vocabulary.insert($0)) })
            }
        }
        swap(&vocabulary, &self.vocabulary)
        ruleWordCount = self.vocabulary.count
        return keys
    }

    /// Stands in for the vocabulary while it is taken out, without allocating a table of its own.
    private static let emptyTable = ByteKeyTable()

    /// The most keys one word of a message can become (`cant` → `can not` is two).
    var longestReplacement: Int { replacementKeys.map(\.count).max() ?? 1 }

    func isNegation(_ id: Int32) -> Bool { negationIDs.contains(id) }
    func isClauseBreak(_ id: Int32) -> Bool { clauseBreakIDs.contains(id) }

    /// One word of a message as the matcher sees it.
    struct Word {
        var key: Int32
        var range: Range<Int>
        var breakBefore: TextNormalizer.Break
        /// The fuzzy word a misspelling stands for, or -1.
        var typoOf: Int32
    }

    /// Calls `body` for every key of a message's scannable bytes.
    func forEachWord(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Word) -> Void) {
        TextNormalizer.scanWords(bytes) { range, breakBefore in
            withWordKey(bytes, range, replacing: true,
                        replaced: { keys in
                            for (offset, key) in keys.enumerated() {
                                body(Word(key: key, range: range, breakBefore: offset == 0 ? breakBefore : .none, typoOf: -1))
                            }
                        },
                        stemmed: { stem in
                            guard let id = vocabulary.number(of: stem) else {
                                return body(Word(key: Self.unknown, range: range, breakBefore: breakBefore, typoOf: -1))
                            }
                            guard Int(id) >= ruleWordCount else {
                                return body(Word(key: id, range: range, breakBefore: breakBefore, typoOf: -1))
                            }
                            let fuzzy = typoTargets[Int(id) - ruleWordCount]
                            body(Word(key: fuzzyKeys[Int(fuzzy)], range: range, breakBefore: breakBefore, typoOf: fuzzy))
                        })
        }
    }

    // MARK: - Typos

    /// The misspellings one edit away from each fuzzy word (a letter inserted, dropped, changed,
    /// or two neighbours swapped) that are not real words. They depend on the replacements but
    /// not on the rules' words, so they are found beside the rules' compiling, on another core.
    struct Typos: Sendable {
        /// The fuzzy words that are one word each, as written.
        fileprivate var words: [String] = []
        fileprivate var misspellings = ByteKeyTable()
        /// For each misspelling, the index in `words` of the word it stands for (the first that has it).
        fileprivate var targets: [Int32] = []
        /// The misspellings that are no English word, in the order found.
        fileprivate var unknown: [Int32] = []
    }

    /// The typos of `words`, from a lexicon that knows at least the replacements.
    func typos(of words: [String], knownWords: WordList) -> Typos {
        var typos = Typos()
        var wordKeys = self
        for word in words where wordKeys.keys(of: word).count == 1 {
            let fuzzy = Int32(typos.words.count)
            typos.words.append(word)
            Self.forEachEdit(of: Array(word.utf8)) { variant in
                variant.withUnsafeBufferPointer { variant in
                    withTypoKey(variant) { key in
                        if typos.misspellings.insert(key) == typos.targets.count { typos.targets.append(fuzzy) }
                    }
                }
            }
        }
        var known = [Bool](repeating: false, count: typos.targets.count)
        knownWords.forEachWord { word in
            withTypoKey(word) { key in
                if let misspelling = typos.misspellings.number(of: key) { known[Int(misspelling)] = true }
            }
        }
        typos.unknown = (0..<Int32(known.count)).filter { !known[Int($0)] }
        return typos
    }

    /// Adds the fuzzy words and their misspellings that are not a rule's word. Call once,
    /// after every rule's words are in.
    mutating func addTypos(_ typos: Typos) {
        for word in typos.words {
            fuzzyWords.append(word)
            fuzzyKeys.append(keys(of: word)[0])
        }
        ruleWordCount = vocabulary.count
        for misspelling in typos.unknown {
            typos.misspellings.key(misspelling).withUnsafeBufferPointer { key in
                guard vocabulary.number(of: key) == nil else { return }
                _ = vocabulary.insert(key)
                typoTargets.append(typos.targets[Int(misspelling)])
            }
        }
    }

    /// The key a misspelling is looked up by, if it is long enough to stand for a word and is
    /// not replaced by `common.yaml`'s replacements (those say themselves what it means).
    private func withTypoKey(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let range = 0..<bytes.count
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: TextNormalizer.maximumWordLength) { buffer in
            guard range.count <= buffer.count else { return }
            let count = TextNormalizer.foldWord(bytes, range, maximumRun: 1, into: buffer)
            let squeezed = UnsafeBufferPointer(rebasing: buffer[0..<count])
            guard count >= Self.shortestTypo, replacementWords.number(of: squeezed) == nil else { return }
            body(UnsafeBufferPointer(rebasing: buffer[0..<Self.stemLength(squeezed)]))
        }
    }

    /// A misspelling shorter than this ("kl" for "kill") is too likely to be something else.
    private static let shortestTypo = 3

    /// Every string one edit away from a lowercase word.
    static func forEachEdit(of word: [UInt8], _ body: ([UInt8]) -> Void) {
        let letters = UInt8(ascii: "a")...UInt8(ascii: "z")
        var edited = word
        for index in word.indices {
            edited.remove(at: index)
            body(edited)
            edited = word
            if index + 1 < word.count, word[index] != word[index + 1] {
                edited.swapAt(index, index + 1)
                body(edited)
                edited = word
            }
            for letter in letters where letter != word[index] {
                edited[index] = letter
                body(edited)
            }
            edited = word
        }
        for index in 0...word.count {
            for letter in letters {
                edited.insert(letter, at: index)
                body(edited)
                edited = word
            }
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
    /// Static strings, so that every ending's bytes and length sit in the one array.
    private static let endings: [StaticString] = ["ies", "ing", "ed", "ly", "es", "s", "e", "y"]
    private static let shortestStem = 3

    static func stemLength(_ word: UnsafeBufferPointer<UInt8>) -> Int {
        stemLength(word, count: word.count, afterPlural: false)
    }

    /// A plural or possessive "s" goes first, then one more ending, so that "everything's",
    /// "feelings" and "walkings" stem as "everything", "feeling" and "walking" do.
    private static func stemLength(_ word: UnsafeBufferPointer<UInt8>, count: Int, afterPlural: Bool) -> Int {
        let word = UnsafeBufferPointer(rebasing: word[0..<count])
        if !afterPlural, count > shortestStem + 1, word[count - 1] == UInt8(ascii: "s"), word[count - 2] != UInt8(ascii: "s"),
           !(word[count - 2] == UInt8(ascii: "e") && word[count - 3] == UInt8(ascii: "i")) {
            return stemLength(word, count: count - 1, afterPlural: true)
        }
        for ending in endings where word.count - ending.utf8CodeUnitCount >= shortestStem {
            let start = word.count - ending.utf8CodeUnitCount
            let letters = UnsafeBufferPointer(start: ending.utf8Start, count: ending.utf8CodeUnitCount)
            guard word[start...].elementsEqual(letters) else { continue }
            // A "y" after a vowel belongs to the word: "they" is not "the", "today" is "todays".
            if letters.count == 1, letters[0] == UInt8(ascii: "y"), isVowel(word[start - 1]) { continue }
            return start
        }
        return word.count
    }

    private static func isVowel(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "a") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "i") || byte == UInt8(ascii: "o") || byte == UInt8(ascii: "u")
    }
}
