import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import MatrixClient

/// A homeserver with a community room, the bot following it, and an observing patient.
struct Setup: Sendable {
    let url: URL
    let botID: String
    let room: String
    /// The ambassadors room; the observer may claim there.
    let ambassadors: String
    let observer: (id: String, client: MatrixClient)
    let suffix: String
    /// The process whose memory is the bot's: `supportbot run`, or `supportbot demo`.
    let botProcess: Process
    let botProcessName: String
    let servers: [Process]
    let makeUser: @Sendable (String) async throws -> User

    static let logger = Logger(label: "bot-benchmark")

    typealias User = (client: MatrixClient, token: String)

    func makePatient(_ name: String) async throws -> MatrixClient {
        let client = try await makeUser(name).client
        try await client.join(room)
        return client
    }

    func stop() {
        for process in [botProcess] + servers where process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: Self.folder(suffix))
    }

    /// Where a run keeps its files (the bot's configuration and database, the relay's database).
    static func folder(_ suffix: some StringProtocol) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("bot-benchmark-\(suffix)")
    }

    /// The bot's memory, and the relay's when it runs apart from the bot.
    func memory() -> String {
        ([Self.memory(of: botProcess)] + servers.map { "relay: " + Self.memory(of: $0) }).joined(separator: "; ")
    }

    private static func memory(of process: Process) -> String {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        return status.split(separator: "\n").filter { ["VmRSS", "VmHWM", "RssAnon", "RssFile"].contains(where: $0.hasPrefix) }
            .map { $0.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "  ", with: "") }.joined(separator: ", ")
    }

    /// CPU time the bot's process and this benchmark have used so far, in seconds.
    func cpuSeconds() -> (bot: Double, benchmark: Double) {
        (Self.cpuSeconds(of: "\(botProcess.processIdentifier)"), Self.cpuSeconds(of: "self"))
    }

    /// CPU time a process has used so far, in seconds: utime and stime, fields 14 and 15 of
    /// /proc/PID/stat, after the command's parentheses.
    static func cpuSeconds(of pid: String) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return .nan }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return Double((Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func start(_ target: Measure.Target, binary: URL, relayDatabase: Bool) async throws -> Setup {
        let suffix = UUID().uuidString.prefix(6).lowercased()
        switch target {
        case .synapse:
            let url = URL(string: try script(["start"]).trimmingCharacters(in: .whitespacesAndNewlines))!
            let admin = try script(["register", "bench-admin", "bench-admin-secret", "--admin"]).trimmingCharacters(in: .whitespacesAndNewlines)
            let create: @Sendable (String) async throws -> User = { name in try await synapseUser(name, url: url, adminToken: admin) }
            return try await withBot(url: url, suffix: suffix, binary: binary, servers: [], create: create)
        case .relay:
            let port = Int.random(in: 50_000...59_000)
            // The bot is exempt from the rate limit, as an operator would set up on Synapse.
            try FileManager.default.createDirectory(at: folder(suffix), withIntermediateDirectories: true)
            let database = folder(suffix).appendingPathComponent("relay.sqlite").path
            let relay = try launch(binary, ["relay", "--listen", "127.0.0.1:\(port)", "--unlimited", "@bench-bot-\(suffix):localhost"]
                                   + (relayDatabase ? ["--database", database] : []))
            let url = URL(string: "http://127.0.0.1:\(port)")!
            try await waitForServer(url)
            return try await withBot(url: url, suffix: suffix, binary: binary, servers: [relay]) { try await openUser($0, url: url) }
        case .demo:
            let port = Int.random(in: 50_000...59_000)
            let demo = try launch(binary, ["demo", "--listen", "127.0.0.1:\(port)", "--intents", BotBenchmark.root.appendingPathComponent("Intents").path])
            let url = URL(string: "http://127.0.0.1:\(port)")!
            try await waitForServer(url)
            let observer = try await openUser("observer-\(suffix)", url: url).client
            let room = try await observer.join("#community:localhost")
            let ambassadors = try await observer.join("#ambassadors:localhost")
            return Setup(url: url, botID: "@supportbot:localhost", room: room, ambassadors: ambassadors, observer: (try await observer.whoami(), observer), suffix: suffix,
                         botProcess: demo, botProcessName: "supportbot demo (relay and bot)", servers: []) { try await openUser($0, url: url) }
        }
    }

    /// `supportbot run` following a new community room on `url`.
    private static func withBot(url: URL, suffix: String, binary: URL, servers: [Process], create: @escaping @Sendable (String) async throws -> User) async throws -> Setup {
        let (botClient, token) = try await create("bench-bot-\(suffix)")
        let botID = try await botClient.whoami()
        let observer = try await create("bench-observer-\(suffix)").client
        let room = try await observer.createRoom(["preset": "public_chat", "name": "Benchmark community"])
        let ambassadors = try await observer.createRoom(["preset": "public_chat", "name": "Benchmark ambassadors"])
        let bot = try launchSupportBot(binary, url: url, botID: botID, token: token, room: room, ambassadors: ambassadors, suffix: suffix)
        return Setup(url: url, botID: botID, room: room, ambassadors: ambassadors, observer: (try await observer.whoami(), observer), suffix: suffix,
                     botProcess: bot, botProcessName: "supportbot run", servers: servers, makeUser: create)
    }

    /// `supportbot run` with a configuration of its own in a new folder: `room` its community
    /// room, no cooldown, so that every message is answered.
    static func launchSupportBot(_ binary: URL, url: URL, botID: String, token: String, room: String, ambassadors: String, suffix: String) throws -> Process {
        let folder = Self.folder(suffix)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try token.write(to: folder.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        try """
        homeserver: \(url.absoluteString)
        user_id: "\(botID)"
        access_token_file: token
        rooms: {community: ["\(room)"], ambassadors: "\(ambassadors)"}
        intents: \(BotBenchmark.root.appendingPathComponent("Intents").path)
        database: bot.sqlite
        reply: {cooldown_seconds: 0}
        """.write(to: folder.appendingPathComponent("supportbot.yaml"), atomically: true, encoding: .utf8)
        return try launch(binary, ["run", "--config", folder.appendingPathComponent("supportbot.yaml").path, "--log-level", "warning"])
    }

    // MARK: - Users

    /// Open registration, as on the relay.
    private static func openUser(_ name: String, url: URL) async throws -> User {
        let answer = try await post(url, "/_matrix/client/v3/register", ["username": name, "password": "pw-\(name)", "auth": ["type": "m.login.dummy"]], token: nil)
        guard let token = answer["access_token"] as? String else { throw ValidationError("cannot register \(name): \(answer)") }
        return (MatrixClient(homeserver: url, accessToken: token, transport: PatientHTTP.transport, logger: logger), token)
    }

    /// Synapse's admin API: create the user, then log in as them.
    static func synapseUser(_ name: String, url: URL, adminToken: String) async throws -> User {
        let userID = "@\(name):localhost".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        _ = try await post(url, "/_synapse/admin/v2/users/\(userID)", ["password": "pw-\(name)"], token: adminToken, method: "PUT")
        let login = try await post(url, "/_synapse/admin/v1/users/\(userID)/login", [:], token: adminToken)
        guard let token = login["access_token"] as? String else { throw ValidationError("no token for \(name): \(login)") }
        return (MatrixClient(homeserver: url, accessToken: token, transport: PatientHTTP.transport, logger: logger), token)
    }

    private static func post(_ url: URL, _ path: String, _ body: [String: Any], token: String?, method: String = "POST") async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: url.absoluteString + path)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, _) = try await URLSession.shared.data(for: request)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    // MARK: - Processes

    static func launch(_ binary: URL, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = BotBenchmark.root
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    private static func waitForServer(_ url: URL) async throws {
        for _ in 0..<200 {
            if (try? Data(contentsOf: url.appendingPathComponent("_matrix/client/versions"))) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ValidationError("no server at \(url)")
    }

    static func script(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [BotBenchmark.root.appendingPathComponent("Deploy/synapse/synapse.sh").path] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("synapse.sh \(arguments[0]) failed") }
        return String(decoding: data, as: UTF8.self)
    }
}
