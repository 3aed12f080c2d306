import Foundation

/// A command an ambassador types in the ambassadors room (or in an escalation's thread, where
/// the number may be left out).
public enum AmbassadorCommand: Sendable, Equatable {
    /// Open escalations, urgent first, then oldest.
    case queue
    /// What the ambassador has claimed.
    case mine
    case claim(Int?)
    case release(Int?)
    case resolve(Int?, note: String?)
    case note(Int?, String)
    case help
    /// A `!` word that is not a command, or a command with a bad argument: what to tell them.
    case invalid(String)

    public static let usage = "Commands: !queue, !mine, !claim N, !release N, !resolve N [note], !note N text (N may be left out in an escalation's thread)."

    /// The command a message is, or `nil` for ordinary conversation.
    public init?(message: String) {
        let trimmed = message.drop { $0.isWhitespace }
        guard trimmed.first == "!", trimmed.count > 1 else { return nil }
        let word = trimmed.dropFirst().prefix { !$0.isWhitespace }.lowercased()
        var rest = trimmed.dropFirst(word.count + 1).drop { $0.isWhitespace }
        // An optional number: `#12` or `12`.
        var number: Int?
        let token = rest.prefix { !$0.isWhitespace }
        let digits = token.hasPrefix("#") ? token.dropFirst() : token
        if !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) {
            guard let value = Int(digits), value > 0 else {
                self = .invalid("#\(digits.prefix(12)) is not an escalation number.")
                return
            }
            number = value
            rest = rest.dropFirst(token.count).drop { $0.isWhitespace }
        }
        let text = rest.trimmingCharacters(in: .whitespacesAndNewlines)
        if ["claim", "release"].contains(word), !text.isEmpty {
            self = .invalid("'\(text.prefix(12))' is not an escalation number: try !\(word) 12.")
            return
        }
        switch word {
        case "queue": self = .queue
        case "mine": self = .mine
        case "claim": self = .claim(number)
        case "release": self = .release(number)
        case "resolve": self = .resolve(number, note: text.isEmpty ? nil : String(text.prefix(Self.maximumNote)))
        case "note":
            guard !text.isEmpty else {
                self = .invalid("A note needs some text: !note 12 called, will follow up tomorrow.")
                return
            }
            self = .note(number, String(text.prefix(Self.maximumNote)))
        case "help": self = .help
        default: self = .invalid("I don't know !\(word.prefix(32)). \(Self.usage)")
        }
    }

    /// Notes are for a line or two of context, not a case file.
    static let maximumNote = 500

    /// The escalation the command is about, when it names one.
    public var number: Int? {
        switch self {
        case let .claim(number), let .release(number), let .resolve(number, _), let .note(number, _): number
        default: nil
        }
    }
}
