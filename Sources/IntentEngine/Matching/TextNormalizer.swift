import Foundation

/// Turns any text into plain lowercase words, the same way for messages and for rules:
/// Unicode NFKC, case folding, zero-width characters and combining marks removed,
/// apostrophes dropped, and runs of three or more repeated letters squeezed to two.
///
/// Plain ASCII, the common case, is scanned in place without building a new string.
public enum TextNormalizer {
    /// The message as normalized words separated by single spaces. Idempotent.
    public static func normalize(_ text: String) -> String {
        words(in: text).joined(separator: " ")
    }

    /// The normalized words of a text.
    public static func words(in text: String) -> [String] {
        var words: [String] = []
        withScannableUTF8(text) { bytes in
            scanWords(bytes) { range, _ in
                words.append(surfaceWord(bytes, range))
            }
        }
        return words
    }

    /// Whether a text has any word, found without making strings of them.
    static func hasWords(_ text: String) -> Bool {
        withScannableUTF8(text) { bytes in
            var found = false
            scanWords(bytes) { _, _ in found = true }
            return found
        }
    }

    // MARK: - Byte-level scanning

    /// Calls `body` with UTF-8 that `scanWords` can read: the text itself when it is ASCII,
    /// otherwise a Unicode-normalized copy in which every byte above 0x7F is part of a letter.
    static func withScannableUTF8<Result>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        var text = text
        text.makeContiguousUTF8()
        // The bytes are checked in place: walking `String.UTF8View` byte by byte cost more.
        return text.utf8.withContiguousStorageIfAvailable { bytes in
            if bytes.allSatisfy({ $0 < 0x80 }) { return body(bytes) }
            if let symbolsOnly = symbolsOnlyNormalized(text) { return symbolsOnly.withUnsafeBufferPointer(body) }
            var normalized = unicodeNormalized(text)
            normalized.makeContiguousUTF8()
            return normalized.utf8.withContiguousStorageIfAvailable(body)!
        }!
    }

    /// What stands between a word and the one before it.
    enum Break: UInt8, Comparable {
        case none
        /// A comma, colon or semicolon: ends a negation's reach.
        case clause
        /// A full stop, `!`, `?` or a new line: also ends a co-occurrence's reach.
        case sentence

        static func < (lhs: Break, rhs: Break) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Finds the words of scannable UTF-8, telling for each what punctuation stands between it
    /// and the word before.
    static func scanWords(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>, _ breakBefore: Break) -> Void) {
        var index = 0
        var pending = Break.none
        while index < bytes.count {
            let byte = bytes[index]
            guard isWordByte(byte) else {
                pending = max(pending, breakKind(byte))
                index += 1
                continue
            }
            let start = index
            while index < bytes.count, isWordByte(bytes[index]) || (isApostrophe(bytes[index]) && index + 1 < bytes.count && isWordByte(bytes[index + 1])) {
                index += 1
            }
            body(start..<index, pending)
            pending = .none
        }
    }

    /// Lowercase bytes of a word without apostrophes; `maximumRun` repeats of a letter at most.
    static func foldWord(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, maximumRun: Int, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var count = 0
        var run = 0
        for index in range where count < output.count {
            var byte = bytes[index]
            if isApostrophe(byte) { continue }
            if byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") { byte |= 0x20 }
            if count > 0, byte < 0x80, output[count - 1] == byte {
                run += 1
                if run >= maximumRun { continue }
            } else {
                run = 0
            }
            output[count] = byte
            count += 1
        }
        return count
    }

    /// The longest word, in bytes, that is matched; longer words are read as unknown.
    static let maximumWordLength = 64

    private static func surfaceWord(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: range.count) { buffer in
            foldWord(bytes, range, maximumRun: 2, into: buffer)
        }
    }

    @inline(__always) static func isWordByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    @inline(__always) private static func isApostrophe(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "'") || byte == UInt8(ascii: "`")
    }

    @inline(__always) private static func breakKind(_ byte: UInt8) -> Break {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "?"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
            return .sentence
        case UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"):
            return .clause
        default:
            return .none
        }
    }

    // MARK: - Unicode

    /// NFKC and case folding, then only letters and digits survive; apostrophes vanish,
    /// punctuation that ends a sentence becomes `.` and a clause `,`, and everything else
    /// (emoji, symbols, controls) a space.
    private static func unicodeNormalized(_ text: String) -> String {
        let decomposed = text.lowercased().decomposedStringWithCompatibilityMapping
        var kept = String.UnicodeScalarView()
        for scalar in decomposed.unicodeScalars {
            let properties = scalar.properties
            switch properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .spacingMark, .format:
                continue // accents, and zero-width and direction marks
            default:
                break
            }
            if properties.isAlphabetic || properties.numericType != nil {
                kept.append(scalar)
            } else if apostrophes.contains(scalar) {
                continue
            } else if sentenceEnds.contains(scalar) {
                kept.append(".")
            } else if clausePunctuation.contains(scalar) {
                kept.append(",")
            } else {
                kept.append(" ")
            }
        }
        return String(kept).precomposedStringWithCanonicalMapping
    }

    /// The common case without Unicode decomposition: when no letter or digit is beyond
    /// ASCII and no mark or invisible character stands right after an ASCII one (emoji, curly
    /// quotes, dashes and their variation selectors), each such scalar only becomes what the
    /// full path would make of it, as ASCII bytes. `nil` when the full path is needed.
    private static func symbolsOnlyNormalized(_ text: String) -> [UInt8]? {
        var kept: [UInt8] = []
        kept.reserveCapacity(text.utf8.count)
        var afterASCIIWord = false
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                kept.append(byte)
                afterASCIIWord = isWordByte(byte)
                continue
            }
            // Emoji and pictographs, the most common by far: symbols, without asking Unicode.
            if emoji.contains(where: { $0.contains(scalar.value) }) {
                afterASCIIWord = false
                kept.append(UInt8(ascii: " "))
                continue
            }
            // Letters and digits, and punctuation whose compatibility form is ASCII (fullwidth
            // "！", small "﹐", "…"), need the full path.
            if compatibilityPunctuation.contains(where: { $0.contains(scalar.value) }) { return nil }
            let properties = scalar.properties
            if properties.isAlphabetic || properties.numericType != nil { return nil }
            switch properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .spacingMark, .format:
                if afterASCIIWord { return nil }
                continue
            default:
                break
            }
            afterASCIIWord = false
            if apostrophes.contains(scalar) { continue }
            kept.append(UInt8(ascii: sentenceEnds.contains(scalar) ? "." : clausePunctuation.contains(scalar) ? "," : " "))
        }
        return kept
    }

    private static let compatibilityPunctuation: [ClosedRange<UInt32>] = [0x2024...0x2026, 0xFE50...0xFE6F, 0xFF00...0xFFEF]
    /// Arrows, technical symbols, dingbats and the emoji planes: no letter or digit among them.
    private static let emoji: [ClosedRange<UInt32>] = [
        0x1F000...0x1F0FF, 0x1F300...0x1FAFF, 0x2190...0x21FF, 0x2300...0x23FF, 0x2600...0x2775, 0x2794...0x27BF,
    ]

    private static let apostrophes: Set<Unicode.Scalar> = ["'", "`", "\u{2018}", "\u{2019}", "\u{02BC}", "\u{FF07}"]
    private static let sentenceEnds: Set<Unicode.Scalar> = [
        ".", "!", "?", "\n", "\r", "\u{2026}", "\u{3002}", "\u{061F}", "\u{00A1}", "\u{00BF}", "\u{FF01}", "\u{FF1F}",
    ]
    private static let clausePunctuation: Set<Unicode.Scalar> = [",", ";", ":", "\u{FF0C}", "\u{060C}"]
}
