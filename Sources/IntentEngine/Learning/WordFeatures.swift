/// What the learned models read in a message: each word, and each pair of neighbouring words,
/// as a hash. The crisis model and the topic model read the same features, so a word a file
/// lists means the same in both.
enum WordFeatures {
    /// Calls `body` with each word's and each pair of neighbouring words' hash (and text, when
    /// `texts`): words lowercased, without apostrophes, a plural or possessive -s dropped.
    static func forEach(_ bytes: UnsafeBufferPointer<UInt8>, texts: Bool = false, _ body: (UInt64, String) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: TextNormalizer.maximumWordLength) { buffer in
            var previous: (hash: UInt64, text: String)?
            TextNormalizer.scanWords(bytes) { range, _ in
                var count = TextNormalizer.foldWord(bytes, range, maximumRun: 2, into: buffer)
                if count > 4, buffer[count - 1] == UInt8(ascii: "s") { count -= 1 }
                let word = UnsafeBufferPointer(rebasing: buffer[0..<count])
                let hash = fnv(word)
                let text = texts ? String(decoding: word, as: UTF8.self) : ""
                body(hash, text)
                if let previous { body(pair(previous.hash, hash), texts ? previous.text + " " + text : "") }
                previous = (hash, text)
            }
        }
    }

    /// Calls `body` once for each distinct feature of a message that `lookup` finds, with what
    /// it found, in the order first seen.
    static func forEachKnown<Found>(in bytes: UnsafeBufferPointer<UInt8>, lookup: (UInt64) -> Found?, _ body: (Found) -> Void) {
        // A message knows few features: a short list finds one counted already; past that (a
        // very long message), a set does, so the cost stays linear.
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: shortList) { counted in
            var count = 0
            var many = Set<UInt64>()
            forEach(bytes) { hash, _ in
                guard let found = lookup(hash) else { return }
                if count < counted.count {
                    guard !counted[0..<count].contains(hash) else { return }
                    counted[count] = hash
                    count += 1
                } else {
                    guard !counted.contains(hash), many.insert(hash).inserted else { return }
                }
                body(found)
            }
        }
    }

    /// How many known features a message has before a set takes over from the short list.
    private static var shortList: Int { 48 }

    /// Each distinct feature of a message with its text, in the order first seen: what a model learns from.
    static func distinct(_ message: String) -> [(hash: UInt64, text: String)] {
        var seen = Set<UInt64>()
        var features: [(hash: UInt64, text: String)] = []
        TextNormalizer.withScannableUTF8(message) { bytes in
            forEach(bytes, texts: true) { hash, text in
                if seen.insert(hash).inserted { features.append((hash, text)) }
            }
        }
        return features
    }

    /// The hash of a feature as a model file writes it: one word, or two with a space.
    static func hash(ofFeature text: String) -> UInt64 {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return asciiFeatureHash(text) }
        let words = text.split(separator: " ").map { word in Array(word.utf8).withUnsafeBufferPointer(fnv) }
        return words.count == 2 ? pair(words[0], words[1]) : words.first ?? 0
    }

    /// The same for an ASCII text, hashed as its bytes are read between spaces (each space a
    /// character of its own), with no strings or arrays for the words: a model file has
    /// thousands of features.
    private static func asciiFeatureHash(_ text: String) -> UInt64 {
        var first: UInt64 = 0, second: UInt64 = 0, words = 0
        var hash = fnvBasis, inWord = false
        func endWord() {
            if words == 0 { first = hash } else if words == 1 { second = hash }
            words += 1
            hash = fnvBasis
            inWord = false
        }
        for byte in text.utf8 {
            if byte != UInt8(ascii: " ") {
                hash = fnvStep(hash, byte)
                inWord = true
            } else if inWord {
                endWord()
            }
        }
        if inWord { endWord() }
        return words == 2 ? pair(first, second) : first
    }

    private static let fnvBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    private static func fnvStep(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x100_0000_01b3
    }

    private static func fnv(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash = fnvBasis
        for byte in bytes { hash = fnvStep(hash, byte) }
        return hash
    }

    private static func pair(_ first: UInt64, _ second: UInt64) -> UInt64 {
        (first &* 0x9e37_79b9_7f4a_7c15) ^ second
    }
}
