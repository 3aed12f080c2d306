/// Builds the bot's answer to a classified message from the intent's response. Most replies
/// are a lead, the article excerpt as a quote with its section, and one encouragement line
/// chosen by `turn`, so consecutive replies never repeat a line. A reply with resources (a
/// crisis) is the resources for the locale first, as links, then the lead, and nothing else:
/// on a phone the resources are what is in view.
public struct ReplyComposer: Sendable {
    public let catalog: IntentCatalog
    /// Picks the crisis resources, such as `en-US`.
    public let locale: String

    public init(catalog: IntentCatalog, locale: String = "en-US") {
        self.catalog = catalog
        self.locale = locale
    }

    /// - Parameters:
    ///   - turn: how many replies of this intent the patient has had; rotates encouragement.
    ///   - disclose: add that this is a bot, not a clinician (the first reply to each patient).
    public func reply(to candidate: Candidate, turn: Int = 0, disclose: Bool = false) -> Reply {
        let (intent, variant, response) = self.response(to: candidate)
        let resources = response.resources(for: locale)
        var blocks: [Block] = []
        if !resources.isEmpty {
            blocks.append(.list(resources))
            if let lead = response.lead { blocks.append(.paragraph(lead)) }
        } else {
            if let lead = response.lead { blocks.append(.paragraph(lead)) }
            if let excerpt = response.excerpt, let section = response.section {
                blocks.append(.quote(excerpt, section: section))
            }
            if !response.encouragement.isEmpty {
                let index = ((turn % response.encouragement.count) + response.encouragement.count) % response.encouragement.count
                blocks.append(.paragraph(response.encouragement[index]))
            }
        }
        if disclose {
            // In a crisis the disclosure says what the bot is, without pointing anywhere else.
            let disclosure = catalog.settings.disclosure(withHint: resources.isEmpty)
            if !disclosure.isEmpty, !blocks.contains(where: { Self.text($0.text, contains: disclosure) }) {
                blocks.append(.note(disclosure))
            }
        }
        return Self.reply(intent, variant, blocks, hasResources: !resources.isEmpty)
    }

    /// Whether `part` occurs in `text`, compared as UTF-8 bytes: Foundation's string search
    /// and the standard library's generic one each cost more than composing the rest of a reply.
    private static func text(_ text: String, contains part: String) -> Bool {
        var text = text, part = part
        return text.withUTF8 { text in
            part.withUTF8 { part in
                guard let first = part.first, part.count <= text.count else { return part.isEmpty }
                return (0 ... text.count - part.count).contains { start in
                    text[start] == first && UnsafeBufferPointer(rebasing: text[start ..< start + part.count]).elementsEqual(part)
                }
            }
        }
    }

    /// The resources alone, then `note`: for a crisis said where others read, whose rest goes
    /// to a private chat. `nil` when the candidate's response has no resources.
    public func resources(to candidate: Candidate, note: String) -> Reply? {
        let (intent, variant, response) = self.response(to: candidate)
        let resources = response.resources(for: locale)
        guard !resources.isEmpty else { return nil }
        return Self.reply(intent, variant, [.list(resources), .paragraph(note)], hasResources: true)
    }

    /// The crisis resources alone, then `note`: for a message the bot could not read, which
    /// might have been a crisis. `nil` when the rules have no crisis intent with resources.
    public func crisisResources(note: String) -> Reply? {
        guard let intent = catalog.intent(withID: IntentCatalog.crisisID) else { return nil }
        let resources = intent.response.resources(for: locale)
        guard !resources.isEmpty else { return nil }
        return Self.reply(intent, nil, [.list(resources), .paragraph(note)], hasResources: true)
    }

    private static func reply(_ intent: Intent, _ variant: Intent.Variant?, _ blocks: [Block], hasResources: Bool) -> Reply {
        Reply(
            intentID: intent.id, variantID: variant?.id, escalate: intent.escalate, hasResources: hasResources,
            body: blocks.map(\.text).joined(separator: "\n\n"), formattedBody: blocks.map(\.html).joined()
        )
    }

    /// The candidate's intent, its variant, and the variant's response over the intent's.
    private func response(to candidate: Candidate) -> (Intent, Intent.Variant?, ResponseTemplate) {
        guard let intent = catalog.intent(withID: candidate.intentID) else {
            preconditionFailure("a candidate always names an intent of its own catalog")
        }
        let variant = intent.variants.first { $0.id == candidate.variantID }
        return (intent, variant, variant.map { $0.response.overriding(intent.response) } ?? intent.response)
    }

    private enum Block {
        case paragraph(String)
        case list([LinkedText])
        case quote(String, section: String)
        case note(String)

        var text: String {
            switch self {
            case let .paragraph(text), let .note(text): text
            case let .list(items): items.map { "• \($0.text)" }.joined(separator: "\n")
            case let .quote(excerpt, section): "> \(excerpt)\n— from “\(section)”"
            }
        }

        var html: String {
            switch self {
            case let .paragraph(text): "<p>\(text.htmlEscaped)</p>"
            case let .note(text): "<p><em>\(text.htmlEscaped)</em></p>"
            case let .list(items): "<ul>" + items.map { "<li>\($0.html)</li>" }.joined() + "</ul>"
            case let .quote(excerpt, section):
                "<blockquote><p>\(excerpt.htmlEscaped)</p></blockquote><p><em>— from “\(section.htmlEscaped)”</em></p>"
            }
        }
    }
}

extension String {
    /// Safe to place in HTML text or a quoted attribute. Byte by byte: the five characters
    /// escaped are ASCII, and every reply's excerpt passes through here.
    public var htmlEscaped: String {
        var escaped: [UInt8] = []
        escaped.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "&"): escaped += "&amp;".utf8
            case UInt8(ascii: "<"): escaped += "&lt;".utf8
            case UInt8(ascii: ">"): escaped += "&gt;".utf8
            case UInt8(ascii: "\""): escaped += "&quot;".utf8
            case UInt8(ascii: "'"): escaped += "&#39;".utf8
            default: escaped.append(byte)
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }
}
