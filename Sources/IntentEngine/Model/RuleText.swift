/// A rule's text as words and `<concept>` references: "take all my <medication>".
enum RuleText {
    enum Part: Equatable {
        case words(String)
        case concept(String)
    }

    /// The parts of a rule text, or why it cannot be read.
    static func parts(of text: String) -> Result<[Part], Problem> {
        var parts: [Part] = []
        // Most rules name no concept: without a '<' or '>' byte there is no such character.
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }) else {
            appendWords(Substring(text), to: &parts)
            return .success(parts)
        }
        var rest = Substring(text)
        while let open = rest.firstIndex(where: { $0 == "<" || $0 == ">" }) {
            guard rest[open] == "<" else { return .failure(.unopened) }
            appendWords(rest[..<open], to: &parts)
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(where: { $0 == ">" || $0 == "<" }), rest[close] == ">" else {
                return .failure(.unclosed)
            }
            let name = String(rest[afterOpen..<close])
            guard isConceptName(name) else { return .failure(.badName(name)) }
            parts.append(.concept(name))
            rest = rest[rest.index(after: close)...]
        }
        appendWords(rest, to: &parts)
        return .success(parts)
    }

    /// The concepts a text names, in order; none when it cannot be read.
    static func conceptNames(in text: String) -> [String] {
        guard text.utf8.contains(UInt8(ascii: "<")), case let .success(parts) = parts(of: text) else { return [] }
        return parts.compactMap { if case let .concept(name) = $0 { name } else { nil } }
    }

    private static func appendWords(_ text: Substring, to parts: inout [Part]) {
        if TextNormalizer.hasWords(String(text)) { parts.append(.words(String(text))) }
    }

    /// Lowercase letters, digits and `_`, starting with a letter, like intent ids.
    static func isConceptName(_ name: String) -> Bool {
        guard let first = name.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else { return false }
        return name.utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_")
        }
    }

    enum Problem: Error, Equatable, CustomStringConvertible {
        case unopened, unclosed, badName(String)

        var description: String {
            switch self {
            case .unopened: "has a '>' without its '<'; a concept is written <name>"
            case .unclosed: "has a '<' without its '>'; a concept is written <name>"
            case let .badName(name): "'<\(name)>' is not a concept name: lowercase letters, digits and _, starting with a letter"
            }
        }
    }
}
