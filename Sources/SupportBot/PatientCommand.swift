import Foundation

/// A command a patient types: `!help`, `!ambassador`, `!stop`, `!start`, `!forget`, `!cancel`.
public enum PatientCommand: Sendable, Equatable {
    case help
    case ambassador
    case stop
    case start
    case forget
    /// Withdraws a request for an ambassador.
    case cancel
    /// Starts with `!` but is none of the above.
    case unknown(String)

    /// The command a message is, or `nil` when it is an ordinary message.
    public init?(message: String) {
        // Most messages are not commands: they are told apart without trimming a copy.
        guard message.first(where: { !$0.isWhitespace }) == "!" else { return nil }
        let trimmed = message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count > 1 else { return nil }
        let word = trimmed.dropFirst().prefix { !$0.isWhitespace }.lowercased()
        switch word {
        case "help": self = .help
        case "ambassador": self = .ambassador
        case "stop": self = .stop
        case "start": self = .start
        case "forget": self = .forget
        case "cancel": self = .cancel
        default: self = .unknown(String(word.prefix(32)))
        }
    }
}
