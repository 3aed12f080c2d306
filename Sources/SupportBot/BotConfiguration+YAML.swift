import BotEncryption
import Escalations
import Foundation
import YAMLReader
import Yams

extension BotConfiguration {
    /// Reads and checks a configuration file. Relative paths are relative to the file's folder.
    /// The access token comes from `SUPPORTBOT_ACCESS_TOKEN`, else from `access_token_file`.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(YAMLProblems) -> BotConfiguration {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw YAMLProblems([.unreadable(path, reason: "no such file, or not UTF-8 text; pass --config FILE")])
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        var reader = YAMLReader(file: path)
        let configuration = reader.configuration(text, folder: folder, environment: environment)
        guard reader.problems.isEmpty, let configuration else { throw YAMLProblems(reader.problems) }
        return configuration
    }
}

private let topKeys = ["homeserver", "user_id", "access_token_file", "rooms", "intents", "database", "http", "reply", "locale", "retention_days", "sync", "escalation", "moderation", "encryption"]
private let roomKeys = ["community", "ambassadors", "moderators"]
private let replyKeys = ["cooldown_seconds", "accept_direct_chats"]
private let escalationKeys = ["claim_power_level", "ambassadors", "reping_after", "page_moderators_after", "excerpt_characters", "encrypt_private_rooms"]

extension YAMLReader {
    fileprivate mutating func configuration(_ text: String, folder: URL, environment: [String: String]) -> BotConfiguration? {
        guard let root = document(text), let fields = fields(root, path: "", allowed: topKeys) else { return nil }
        let homeserver = require(fields, "homeserver", expected: "the homeserver's URL, such as https://matrix.example.org")
            .flatMap { url($0, path: "homeserver") }
        let userID = require(fields, "user_id", expected: "the bot's Matrix user id, such as @supportbot:example.org")
            .flatMap { matrixID($0, path: "user_id", sigil: "@") }
        let token = accessToken(fields, folder: folder, environment: environment)
        let rooms = require(fields, "rooms", expected: "rooms.community and rooms.ambassadors").flatMap { self.rooms($0) }
        let intents = fields["intents"].flatMap { string($0, path: "intents") } ?? "Intents"
        let database = fields["database"].flatMap { string($0, path: "database") } ?? "supportbot.sqlite"
        var listen: ListenAddress?
        if let node = fields["http"], let http = self.fields(node, path: "http", allowed: ["listen"]), let node = http["listen"] {
            listen = hostAndPort(node, path: "http.listen")
        }
        guard let homeserver, let userID, let token, let rooms else { return nil }
        var configuration = BotConfiguration(
            homeserver: homeserver, userID: userID, accessToken: token, rooms: rooms,
            intents: resolve(intents, in: folder), database: resolve(database, in: folder).path, httpListen: listen
        )
        if let node = fields["reply"], let reply = self.fields(node, path: "reply", allowed: replyKeys) {
            if let node = reply["cooldown_seconds"], let seconds = int(node, path: "reply.cooldown_seconds", in: 0...86_400) {
                configuration.cooldown = .seconds(seconds)
            }
            if let node = reply["accept_direct_chats"], let accept = bool(node, path: "reply.accept_direct_chats") {
                configuration.acceptDirectChats = accept
            }
        }
        if let node = fields["locale"], let locale = string(node, path: "locale") {
            if locale.range(of: #"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$"#, options: .regularExpression) == nil {
                report(.invalidValue(location(of: node), key: "locale", "expected a locale such as en-US or en-GB"))
            }
            // en-us and en_US mean en-US: the crisis resources are keyed that way.
            let parts = locale.replacingOccurrences(of: "_", with: "-").split(separator: "-")
            configuration.locale = ([parts.first?.lowercased() ?? ""] + parts.dropFirst().map { $0.uppercased() }).joined(separator: "-")
        }
        if let node = fields["retention_days"], let days = int(node, path: "retention_days", in: 1...3650) {
            configuration.retention = .seconds(days * 86_400)
        }
        if let node = fields["sync"], let sync = self.fields(node, path: "sync", allowed: ["timeout_seconds", "timeline_limit"]) {
            if let node = sync["timeout_seconds"], let seconds = int(node, path: "sync.timeout_seconds", in: 1...120) {
                configuration.syncTimeout = .seconds(seconds)
            }
            if let node = sync["timeline_limit"], let limit = int(node, path: "sync.timeline_limit", in: 1...1000) {
                configuration.timelineLimit = limit
            }
        }
        if let node = fields["escalation"], let settings = escalation(node) {
            configuration.escalation = settings
        }
        if let node = fields["moderation"], let moderation = self.fields(node, path: "moderation", allowed: ["power_level"]),
           let node = moderation["power_level"], let level = int(node, path: "moderation.power_level", in: 0...100) {
            configuration.moderatorPowerLevel = level
        }
        if let node = fields["encryption"], let encryption = self.fields(node, path: "encryption", allowed: ["store_key_file", "share_with", "key_wait_seconds"]) {
            if let node = encryption["store_key_file"], let file = string(node, path: "encryption.store_key_file") {
                configuration.storeKeyFile = resolve(file, in: folder)
            }
            if let node = encryption["share_with"], let text = string(node, path: "encryption.share_with") {
                if let rule = KeySharing(rawValue: text) {
                    configuration.keySharing = rule
                } else {
                    report(.invalidValue(location(of: node), key: "encryption.share_with", "expected all or cross_signed, got '\(text)'"))
                }
            }
            if let node = encryption["key_wait_seconds"], let seconds = int(node, path: "encryption.key_wait_seconds", in: 1...86_400) {
                configuration.keyWait = .seconds(seconds)
            }
        }
        return configuration
    }

    private mutating func escalation(_ node: Node) -> EscalationSettings? {
        guard let fields = fields(node, path: "escalation", allowed: escalationKeys) else { return nil }
        var settings = EscalationSettings()
        if let node = fields["claim_power_level"], let level = int(node, path: "escalation.claim_power_level", in: 0...100) {
            settings.claimPowerLevel = level
        }
        if let node = fields["ambassadors"] {
            settings.ambassadors = strings(node, path: "escalation.ambassadors").compactMap { item in
                guard item.value.first == "@", item.value.dropFirst().contains(":") else {
                    report(.invalidValue(item.location, key: "escalation.ambassadors", "expected user ids such as @alex:example.org, got '\(item.value)'"))
                    return nil
                }
                return item.value
            }
        }
        if let node = fields["reping_after"], let durations = byPriority(node, path: "escalation.reping_after") {
            settings.timers.repingAfter.merge(durations) { $1 }
        }
        if let node = fields["page_moderators_after"], let durations = byPriority(node, path: "escalation.page_moderators_after") {
            settings.timers.pageModeratorsAfter.merge(durations) { $1 }
        }
        if let node = fields["excerpt_characters"], let count = int(node, path: "escalation.excerpt_characters", in: 0...500) {
            settings.excerptCharacters = count
        }
        if let node = fields["encrypt_private_rooms"], let encrypt = bool(node, path: "escalation.encrypt_private_rooms") {
            settings.encryptPrivateRooms = encrypt
        }
        return settings
    }

    /// `{urgent: 2m, normal: 15m}`, or one duration for both.
    private mutating func byPriority(_ node: Node, path: String) -> [Escalation.Priority: Duration]? {
        if node.mapping == nil {
            return duration(node, path: path).map { duration in [.urgent: duration, .normal: duration] }
        }
        guard let fields = fields(node, path: path, allowed: Escalation.Priority.allCases.map(\.rawValue)) else { return nil }
        var durations: [Escalation.Priority: Duration] = [:]
        for priority in Escalation.Priority.allCases {
            if let node = fields[priority.rawValue], let duration = duration(node, path: "\(path).\(priority.rawValue)") {
                durations[priority] = duration
            }
        }
        return durations
    }

    /// `90s`, `2m`, `1h`, or a number of seconds; at least a second, at most a week.
    private mutating func duration(_ node: Node, path: String) -> Duration? {
        let text = node.scalar?.string.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600]
        let unit = text.last.flatMap { units[$0] }
        let seconds = Int(unit == nil ? Substring(text) : text.dropLast()).map { $0 * (unit ?? 1) }
        guard let seconds, (1...604_800).contains(seconds) else {
            report(.invalidValue(location(of: node), key: path, "expected a duration such as 90s, 2m or 1h (at most a week)"))
            return nil
        }
        return .seconds(seconds)
    }

    private mutating func rooms(_ node: Node) -> BotConfiguration.Rooms? {
        guard let fields = fields(node, path: "rooms", allowed: roomKeys) else { return nil }
        let community = require(fields, "community", expected: "a list of community room ids or aliases").map { node in
            strings(node, path: "rooms.community").compactMap { room($0.value, at: $0.location, path: "rooms.community") }
        }
        let ambassadors = require(fields, "ambassadors", expected: "the ambassadors' room id or alias")
            .flatMap { node in string(node, path: "rooms.ambassadors").flatMap { room($0, at: location(of: node), path: "rooms.ambassadors") } }
        let moderators = fields["moderators"].flatMap { node in
            string(node, path: "rooms.moderators").flatMap { room($0, at: location(of: node), path: "rooms.moderators") }
        }
        guard let community, let ambassadors else { return nil }
        return BotConfiguration.Rooms(community: community, ambassadors: ambassadors, moderators: moderators)
    }

    private mutating func accessToken(_ fields: Fields, folder: URL, environment: [String: String]) -> String? {
        if let token = environment["SUPPORTBOT_ACCESS_TOKEN"]?.trimmingWhitespace, !token.isEmpty { return token }
        guard let node = fields["access_token_file"] else {
            report(.missingKey(fields.location, key: "access_token_file",
                               expected: "a file holding the bot's access token, or SUPPORTBOT_ACCESS_TOKEN in the environment (never the token itself in this file)"))
            return nil
        }
        guard let path = string(node, path: "access_token_file") else { return nil }
        let url = resolve(path, in: folder)
        guard let data = FileManager.default.contents(atPath: url.path),
              let token = String(data: data, encoding: .utf8)?.trimmingWhitespace, !token.isEmpty
        else {
            report(.invalidValue(location(of: node), key: "access_token_file", "cannot read an access token from \(url.path)"))
            return nil
        }
        return token
    }

    private mutating func url(_ node: Node, path: String) -> URL? {
        guard let text = string(node, path: path) else { return nil }
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            report(.invalidValue(location(of: node), key: path, "expected an http:// or https:// URL, such as https://matrix.example.org"))
            return nil
        }
        return url
    }

    private mutating func matrixID(_ node: Node, path: String, sigil: Character) -> String? {
        guard let text = string(node, path: path) else { return nil }
        guard text.first == sigil, text.dropFirst().contains(":") else {
            report(.invalidValue(location(of: node), key: path, "expected an id such as \(sigil)name:example.org"))
            return nil
        }
        return text
    }

    private mutating func room(_ text: String, at location: SourceLocation, path: String) -> String? {
        // Room ids from room version 12 on have no server part (`!opaque`); aliases always do.
        guard (text.first == "!" && text.count > 1) || (text.first == "#" && text.dropFirst().contains(":")) else {
            report(.invalidValue(location, key: path, "expected a room id (!abc:example.org) or alias (#name:example.org), got '\(text)'"))
            return nil
        }
        return text
    }

    private mutating func hostAndPort(_ node: Node, path: String) -> ListenAddress? {
        guard let text = string(node, path: path) else { return nil }
        guard let address = ListenAddress(text), address.port > 0 else {
            report(.invalidValue(location(of: node), key: path, "expected host:port, such as 127.0.0.1:9090"))
            return nil
        }
        return address
    }

    private func resolve(_ path: String, in folder: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path).standardizedFileURL
    }
}
