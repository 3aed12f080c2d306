import Escalations
import Foundation
import SupportBot
import Testing
import YAMLReader

@Suite("Configuration")
struct BotConfigurationTests {
    func load(_ yaml: String, environment: [String: String] = ["SUPPORTBOT_ACCESS_TOKEN": "token"], files: [String: String] = [:]) throws -> BotConfiguration {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("supportbot-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, text) in files { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let path = folder.appendingPathComponent("supportbot.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try BotConfiguration.load(path: path, environment: environment)
    }

    func problems(_ yaml: String, environment: [String: String] = ["SUPPORTBOT_ACCESS_TOKEN": "token"]) -> [String] {
        do {
            _ = try load(yaml, environment: environment)
            return []
        } catch let error as YAMLProblems {
            return error.problems.map { $0.description.components(separatedBy: "supportbot.yaml").last ?? "" }
        } catch {
            return ["\(error)"]
        }
    }

    let minimal = """
    homeserver: https://matrix.example.org
    user_id: "@supportbot:example.org"
    rooms:
      community: ["#community:example.org"]
      ambassadors: "!amb:example.org"
    """

    @Test func theStoreKeyFileIsReadBesideTheConfiguration() throws {
        #expect(try load(minimal).storeKeyFile == nil)
        let configuration = try load(minimal + "\nencryption: {store_key_file: keys/store.key}")
        #expect(configuration.storeKeyFile?.path.hasSuffix("/keys/store.key") == true)
        #expect(problems(minimal + "\nencryption: {store_key: abc}").contains { $0.contains("store_key") })
    }

    @Test func encryptionSettingsAreReadAndCheckedWithTheirDefaults() throws {
        let defaults = try load(minimal)
        #expect(defaults.keySharing == .all && defaults.keyWait == .seconds(60) && defaults.escalation.encryptPrivateRooms)
        let set = try load(minimal + "\nencryption: {share_with: cross_signed, key_wait_seconds: 5}\nescalation: {encrypt_private_rooms: false}")
        #expect(set.keySharing == .crossSigned && set.keyWait == .seconds(5) && !set.escalation.encryptPrivateRooms)
        #expect(problems(minimal + "\nencryption: {share_with: verified}").contains { $0.contains("expected all or cross_signed, got 'verified'") })
        #expect(problems(minimal + "\nencryption: {key_wait_seconds: 0}").contains { $0.contains("key_wait_seconds") })
    }

    @Test func theAccessTokenNeverShowsWhenTheConfigurationIsPrinted() throws {
        let configuration = try load(minimal, environment: ["SUPPORTBOT_ACCESS_TOKEN": "syt_secret_token"])
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in [String(describing: configuration), String(reflecting: configuration), "\([configuration])", dumped] {
            #expect(!text.contains("syt_secret_token"))
            #expect(text.contains("@supportbot:example.org"))
        }
    }

    @Test func defaultsForWhatIsNotSet() throws {
        let configuration = try load(minimal)
        #expect(configuration.accessToken == "token")
        #expect(configuration.cooldown == .seconds(600))
        #expect(configuration.locale == "en-US")
        #expect(configuration.intents.lastPathComponent == "Intents")
        #expect(configuration.database.hasSuffix("/supportbot.sqlite"))
        #expect(configuration.serverName == "example.org")
        #expect(configuration.acceptDirectChats)
    }

    @Test func everyKey() throws {
        let configuration = try load(minimal + """

        access_token_file: token.txt
        intents: rules
        database: /var/lib/supportbot/bot.sqlite
        http: {listen: "127.0.0.1:9090"}
        reply: {cooldown_seconds: 0, accept_direct_chats: false}
        locale: en-GB
        retention_days: 7
        sync: {timeout_seconds: 10, timeline_limit: 20}
        """, environment: [:], files: ["token.txt": "  from-file\n"])
        #expect(configuration.accessToken == "from-file")
        #expect(configuration.intents.lastPathComponent == "rules")
        #expect(configuration.database == "/var/lib/supportbot/bot.sqlite")
        #expect(configuration.httpListen?.description == "127.0.0.1:9090")
        #expect(configuration.cooldown == .zero)
        #expect(!configuration.acceptDirectChats)
        #expect(configuration.locale == "en-GB")
        #expect(configuration.retention == .seconds(7 * 86_400))
        #expect(configuration.syncTimeout == .seconds(10))
        #expect(configuration.timelineLimit == 20)
    }

    @Test func localesAreReadAsTheCrisisResourcesAreKeyed() throws {
        #expect(try load(minimal + "\nlocale: en-gb").locale == "en-GB")
        #expect(try load(minimal + "\nlocale: en_ca").locale == "en-CA")
        #expect(problems(minimal + "\nlocale: english please") == [":6:9: locale: expected a locale such as en-US or en-GB"])
    }

    @Test func unknownKeysAndBadValuesNameTheLine() {
        #expect(problems(minimal + "\ncooldown: 5") == [":6:1: cooldown: unknown key; expected one of: homeserver, user_id, access_token_file, rooms, intents, database, http, reply, locale, retention_days, sync, escalation, moderation, encryption"])
        #expect(problems(minimal + "\nreply: {cooldown_seconds: soon}") == [":6:27: reply.cooldown_seconds: expected a whole number from 0 to 86400"])
        #expect(problems(minimal.replacingOccurrences(of: "https://matrix.example.org", with: "matrix.example.org"))
            == [":1:13: homeserver: expected an http:// or https:// URL, such as https://matrix.example.org"])
        #expect(problems(minimal.replacingOccurrences(of: "\"#community:example.org\"", with: "community"))
            == [":4:15: rooms.community: expected a room id (!abc:example.org) or alias (#name:example.org), got 'community'"])
        #expect(problems(minimal + "\nhttp: {listen: nowhere}") == [":6:16: http.listen: expected host:port, such as 127.0.0.1:9090"])
    }

    @Test func escalationSettingsTakeDurationsByPriority() throws {
        let configuration = try load(minimal + """

            escalation:
              claim_power_level: 25
              ambassadors: ["@alex:example.org"]
              reping_after: {urgent: 90s, normal: 20m}
              page_moderators_after: 1h
              excerpt_characters: 0
            """)
        let settings = configuration.escalation
        #expect(settings.claimPowerLevel == 25 && settings.ambassadors == ["@alex:example.org"] && settings.excerptCharacters == 0)
        #expect(settings.timers.repingAfter == [.urgent: .seconds(90), .normal: .seconds(1200)])
        #expect(settings.timers.pageModeratorsAfter == [.urgent: .seconds(3600), .normal: .seconds(3600)])
        let defaults = try load(minimal).escalation
        #expect(defaults.timers.repingAfter == [.urgent: .seconds(120), .normal: .seconds(900)], "re-ping: urgent 2 minutes, normal 15")
        #expect(defaults.timers.pageModeratorsAfter == [.urgent: .seconds(600), .normal: .seconds(3600)], "moderators: urgent 10 minutes, normal an hour")
        #expect(defaults.claimPowerLevel == 50 && defaults.excerptCharacters == 80 && defaults.ambassadors.isEmpty)
    }

    @Test func badEscalationSettingsNameTheLine() {
        #expect(problems(minimal + "\nescalation: {reping_after: {urgent: soon}}") == [":6:37: escalation.reping_after.urgent: expected a duration such as 90s, 2m or 1h (at most a week)"])
        #expect(problems(minimal + "\nescalation: {reping_after: {later: 5m}}").first?.contains("reping_after.later: unknown key") == true)
        #expect(problems(minimal + "\nescalation: {ambassadors: [alex]}") == [":6:28: escalation.ambassadors: expected user ids such as @alex:example.org, got 'alex'"])
        #expect(problems(minimal + "\nescalation: {claim_power_level: 101}").first?.contains("from 0 to 100") == true)
    }

    @Test func moderatorsNeedAPowerLevelOf50UnlessConfigured() throws {
        #expect(try load(minimal).moderatorPowerLevel == 50)
        #expect(try load(minimal + "\nmoderation: {power_level: 75}").moderatorPowerLevel == 75)
        #expect(problems(minimal + "\nmoderation: {power_level: 101}") == [":6:27: moderation.power_level: expected a whole number from 0 to 100"])
        #expect(problems(minimal + "\nmoderation: {level: 50}").first?.contains("moderation.level: unknown key") == true)
    }

    @Test func theTokenNeverComesFromTheYAML() {
        #expect(problems(minimal, environment: [:]) == [":1:1: access_token_file: missing; expected a file holding the bot's access token, or SUPPORTBOT_ACCESS_TOKEN in the environment (never the token itself in this file)"])
        #expect(problems(minimal + "\naccess_token: abc").first?.contains("access_token: unknown key") == true)
    }

    @Test func theShippedExampleIsValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let example = root.appendingPathComponent("Deploy/supportbot.example.yaml").path
        let configuration = try BotConfiguration.load(path: example, environment: ["SUPPORTBOT_ACCESS_TOKEN": "token"])
        #expect(configuration.rooms.community == ["#community:example.org"])
        #expect(configuration.cooldown == .seconds(600))
    }

    @Test func aMissingFileIsNamed() {
        #expect(throws: YAMLProblems.self) { try BotConfiguration.load(path: "/nonexistent/supportbot.yaml") }
    }
}
