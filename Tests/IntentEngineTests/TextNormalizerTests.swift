import Testing
@testable import IntentEngine

@Suite("Normalization")
struct TextNormalizerTests {
    static let samples = [
        "I'm NOT depressed, I just can't sleep!!",
        "sooooo tiiired of this 😩😩",
        "ＦＵＬＬ　ＷＩＤＴＨ text",
        "café naïve résumé",
        "مرحبا كيف حالك",
        "שלום עולם",
        "tabs\tand\u{0007}bells\u{0000}and\nnewlines",
        "don’t  won’t ‘quoted’",
        "",
        "🙂🙂🙂",
        "x\u{200B}y\u{200D}z\u{FEFF}",
        "e\u{0301} vs é",
    ]

    @Test("normalizing twice changes nothing", arguments: samples)
    func idempotent(_ text: String) {
        let once = TextNormalizer.normalize(text)
        #expect(TextNormalizer.normalize(once) == once)
    }

    @Test("case does not matter", arguments: samples)
    func caseInsensitive(_ text: String) {
        #expect(TextNormalizer.normalize(text.uppercased()) == TextNormalizer.normalize(text.lowercased()))
    }

    @Test("zero-width characters inside words are invisible", arguments: samples)
    func zeroWidthInsensitive(_ text: String) {
        let spiked = text.map { String($0) }.joined(separator: "\u{200B}")
        #expect(TextNormalizer.normalize(spiked) == TextNormalizer.normalize(text))
    }

    @Test func examples() {
        #expect(TextNormalizer.normalize("I'm NOT depressed, I just can't sleep!!") == "im not depressed i just cant sleep")
        #expect(TextNormalizer.normalize("sooooo tiiired") == "soo tiired")
        #expect(TextNormalizer.normalize("ＨＥＬＬＯ") == "hello")
        #expect(TextNormalizer.normalize("héllo wörld") == "hello world")
        #expect(TextNormalizer.normalize("don’t") == "dont")
        #expect(TextNormalizer.normalize("🙂🙂") == "")
        #expect(TextNormalizer.normalize("bells\u{0007}and\u{0000}nulls") == "bells and nulls")
        #expect(TextNormalizer.normalize("שלום עולם") == "שלום עולם")
    }

    @Test func emojiAndSymbolsReadTheSameWithoutDecomposition() {
        // Only symbols beyond ASCII: the quick path; an accent or a mark after a letter: the full one.
        #expect(TextNormalizer.normalize("i can’t sleep 😴😴, again… ❤️ love you all 👨‍👩‍👧") == "i cant sleep again love you all")
        #expect(TextNormalizer.normalize("good morning ☀️ everyone — new here") == "good morning everyone new here")
        #expect(TextNormalizer.normalize("cafe\u{0301} ☕") == "cafe")
        #expect(TextNormalizer.normalize("kms\u{200D}") == "kms")
        #expect(TextNormalizer.normalize("sleep！") == "sleep")
    }

    @Test func sentencesAndClausesAreToldApart() {
        var breaks: [TextNormalizer.Break] = []
        TextNormalizer.withScannableUTF8("one, two. three！ four； five\nsix") { bytes in
            TextNormalizer.scanWords(bytes) { _, breakBefore in breaks.append(breakBefore) }
        }
        #expect(breaks == [.none, .clause, .sentence, .sentence, .clause, .sentence])
    }

    @Test func hugeMessageIsNormalized() {
        let huge = String(repeating: "my back hurts so much ", count: 5_000)
        #expect(huge.utf8.count > 100_000)
        #expect(TextNormalizer.words(in: huge).count == 25_000)
    }
}
