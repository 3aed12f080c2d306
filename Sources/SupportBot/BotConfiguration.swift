import BotEncryption
import Foundation

/// Everything an operator sets in `supportbot.yaml`. Defaults are the values a small
/// community would start with; `BotConfiguration+YAML.swift` reads and checks the file.
public struct BotConfiguration: Sendable {
    /// The homeserver's base URL, such as `https://matrix.example.org`.
    public var homeserver: URL
    /// The bot's own Matrix user, such as `@supportbot:example.org`.
    public var userID: String
    /// From `SUPPORTBOT_ACCESS_TOKEN` or `access_token_file`; never from the YAML itself.
    public var accessToken: String
    public var rooms: Rooms
    /// The folder of intent rules.
    public var intents: URL
    /// The bot's SQLite file; `:memory:` keeps it in memory only (the demo).
    public var database: String
    /// Where health and metrics are served, such as `127.0.0.1:9090`; `nil` serves nothing.
    public var httpListen: ListenAddress?
    /// No second reply to the same patient and intent in a community room within this long;
    /// zero turns it off. Crisis is always answered.
    public var cooldown: Duration = .seconds(600)
    /// Join direct chats that users of the bot's own homeserver open with it.
    public var acceptDirectChats = true
    /// Picks crisis resources, such as `en-US`.
    public var locale = "en-US"
    /// What is kept about patients and handled events is deleted after this long.
    public var retention: Duration = .seconds(30 * 86_400)
    /// How long the homeserver may hold one `/sync`.
    public var syncTimeout: Duration = .seconds(30)
    /// Events per room in one `/sync` before the server cuts the timeline (`limited`) and the
    /// bot back-fills the rest.
    public var timelineLimit = 50
    public var escalation = EscalationSettings()
    /// The file holding the key that seals the bot's encryption store (`encryption.store_key_file`);
    /// `nil`: `SUPPORTBOT_STORE_KEY`, else a key file the bot makes beside its database.
    public var storeKeyFile: URL?
    /// Which devices get the keys to the bot's messages in encrypted rooms (`encryption.share_with`).
    public var keySharing = KeySharing.all
    /// How long an encrypted message waits for its key before the patient is told it could not
    /// be read (`encryption.key_wait_seconds`); keys usually come with the next sync.
    public var keyWait: Duration = .seconds(60)
    /// Members of the moderators room with at least this power level may use its commands
    /// (`moderation.power_level`).
    public var moderatorPowerLevel = 50

    public struct Rooms: Sendable {
        /// Rooms where patients talk to each other; ids or aliases.
        public var community: [String]
        public var ambassadors: String
        public var moderators: String?

        public init(community: [String], ambassadors: String, moderators: String? = nil) {
            self.community = community
            self.ambassadors = ambassadors
            self.moderators = moderators
        }
    }

    public init(homeserver: URL, userID: String, accessToken: String, rooms: Rooms, intents: URL, database: String, httpListen: ListenAddress? = nil) {
        self.homeserver = homeserver
        self.userID = userID
        self.accessToken = accessToken
        self.rooms = rooms
        self.intents = intents
        self.database = database
        self.httpListen = httpListen
    }

    /// The server part of the bot's user id: direct chats are accepted from users of it.
    public var serverName: String {
        userID.split(separator: ":", maxSplits: 1).last.map(String.init) ?? ""
    }
}

/// Printed, dumped or logged (the services that hold it are logged at debug level), the
/// configuration says whose it is, never the access token.
extension BotConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "BotConfiguration(homeserver: \(homeserver.absoluteString), user: \(userID))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["homeserver": homeserver, "userID": userID]) }
}
