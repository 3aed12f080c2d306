/// The bot cannot start: the message says what to fix.
public struct BotStartupError: Error, CustomStringConvertible {
    private enum Code {
        case wrongUser, cannotJoin
    }

    private let code: Code
    public let description: String

    private init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    static func wrongUser(token: String, configured: String) -> Self {
        Self(.wrongUser, "the access token belongs to \(token), but user_id is \(configured): use the bot's own token")
    }

    static func cannotJoin(_ room: String, reason: String) -> Self {
        Self(.cannotJoin, "cannot join \(room) (\(reason)): invite the bot to the room, or check rooms in the configuration")
    }
}
