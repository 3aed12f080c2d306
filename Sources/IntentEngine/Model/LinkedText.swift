/// A line of text with links written the Markdown way, `[Call 988](tel:988)`: crisis resources
/// are links a patient can tap on a phone. In plain text only the label shows, so a label names
/// the number or address itself ("Call 988", "findahelpline.com").
public struct LinkedText: Sendable, Equatable {
    public enum Part: Sendable, Equatable {
        case text(String)
        case link(label: String, url: String)
    }

    /// Schemes a resource may link to: a call, a text message, or a web page.
    public static let schemes = ["tel:", "sms:", "https://"]

    public let parts: [Part]

    /// Reads `[label](url)` links out of `source`; a bracket without its link, an empty label or
    /// a scheme outside `schemes` is a problem for the moderator, described in words.
    public init(parsing source: String) throws(LinkedTextProblem) {
        var parts: [Part] = []
        var rest = Substring(source)
        while let open = rest.firstIndex(of: "[") {
            if open > rest.startIndex { parts.append(.text(String(rest[..<open]))) }
            guard let close = rest[open...].range(of: "]("), let end = rest[close.upperBound...].firstIndex(of: ")") else {
                throw LinkedTextProblem("'[' starts a link, written [label](tel:988); this one has no ](…)")
            }
            let label = String(rest[rest.index(after: open)..<close.lowerBound])
            let url = String(rest[close.upperBound..<end])
            guard !label.isEmpty, !label.contains("[") else { throw LinkedTextProblem("a link needs a label between [ and ], such as [Call 988](tel:988)") }
            guard let scheme = Self.schemes.first(where: url.hasPrefix), url.count > scheme.count, !url.contains(where: \.isWhitespace) else {
                throw LinkedTextProblem("'\(url)' is not a link a patient can use: write tel:, sms: or https:// followed by the number or address")
            }
            // Plain-text clients show only the label: it must say where the link goes.
            let target = url.dropFirst(scheme.count)
            let shown = scheme == "https://"
                ? String(target.prefix { $0 != "/" }).replacingOccurrences(of: "www.", with: "")
                : String(target.filter(\.isNumber))
            let labelled = scheme == "https://" ? label.lowercased() : String(label.filter(\.isNumber))
            guard labelled.contains(shown.lowercased()) else {
                throw LinkedTextProblem("the label '\(label)' must show '\(shown)': a client without links shows only the label")
            }
            parts.append(.link(label: label, url: url))
            rest = rest[rest.index(after: end)...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
    }

    public var hasLink: Bool { parts.contains { if case .link = $0 { true } else { false } } }

    /// The labels and text, as a plain-text client shows them.
    public var text: String {
        parts.map { part in
            switch part {
            case let .text(text): text
            case let .link(label, _): label
            }
        }.joined()
    }

    /// Matrix HTML: each link an `<a href>`.
    public var html: String {
        parts.map { part in
            switch part {
            case let .text(text): text.htmlEscaped
            case let .link(label, url): "<a href=\"\(url.htmlEscaped)\">\(label.htmlEscaped)</a>"
            }
        }.joined()
    }
}

/// Why a line with links cannot be read, in words for `intents check`.
public struct LinkedTextProblem: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
