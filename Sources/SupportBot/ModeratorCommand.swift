import Foundation

/// A command a moderator types in the moderators room. Pure: the desk does what it says.
enum ModeratorCommand: Sendable, Equatable {
    /// How the running rules read a community message, and what the bot answered then.
    case explain(MessageLink)
    /// How the running rules read a text the moderator writes.
    case classify(String)
    /// Which rules run, since when, and any change refused since.
    case rules
    /// The figures of the last `days` days.
    case stats(days: Int)
    case help
    /// A `!` word that is not a command, or a command with a bad argument: what to tell them.
    case invalid(String)

    /// A message a moderator links to: a room (id or alias) when the link names one, and the event.
    struct MessageLink: Sendable, Equatable {
        var room: String?
        var eventID: String
    }

    static let usage = "Commands: !explain LINK (a matrix.to link to a message in a community room, or its event id), !classify TEXT, !rules, !stats [DAYS]."
    static let days = 1...365
    static let defaultDays = 7

    /// The command a message is, or `nil` for ordinary conversation.
    init?(message: String) {
        let trimmed = message.drop { $0.isWhitespace }
        guard trimmed.first == "!", trimmed.count > 1 else { return nil }
        let word = trimmed.dropFirst().prefix { !$0.isWhitespace }.lowercased()
        let text = trimmed.dropFirst(word.count + 1).trimmingCharacters(in: .whitespacesAndNewlines)
        switch word {
        case "explain":
            guard let link = Self.link(text) else {
                self = .invalid("!explain needs a link to a message: its matrix.to link (Share or Copy link in a client), or its event id ($…).")
                return
            }
            self = .explain(link)
        case "classify":
            guard !text.isEmpty else {
                self = .invalid("!classify needs a text to read: !classify i cant sleep because of my back")
                return
            }
            self = .classify(text)
        case "rules": self = .rules
        case "stats":
            guard !text.isEmpty else {
                self = .stats(days: Self.defaultDays)
                return
            }
            guard text.allSatisfy(\.isASCII), let days = Int(text), Self.days.contains(days) else {
                self = .invalid("'\(text.prefix(12))' is not a number of days: !stats takes 1 to \(Self.days.upperBound), such as !stats 30.")
                return
            }
            self = .stats(days: days)
        case "help": self = .help
        default: self = .invalid("I don't know !\(word.prefix(32)). \(Self.usage)")
        }
    }

    /// `https://matrix.to/#/!room:server/$event?via=…` (the room may be an alias, parts may be
    /// percent-encoded), or a bare `$event`.
    static func link(_ text: String) -> MessageLink? {
        guard !text.isEmpty, !text.contains(where: \.isWhitespace) else { return nil }
        if text.first == "$" { return text.count > 1 ? MessageLink(room: nil, eventID: text) : nil }
        guard let range = text.range(of: "matrix.to/#/") else { return nil }
        let path = text[range.upperBound...].prefix { $0 != "?" }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map { String($0).removingPercentEncoding ?? String($0) }
        guard parts.count == 2, let room = parts.first, let event = parts.last,
              // Room ids of version 12 have no server part; an alias always has one.
              room.first == "!" && room.count > 1 || room.first == "#" && room.contains(":"), event.first == "$", event.count > 1
        else { return nil }
        return MessageLink(room: room, eventID: event)
    }
}
