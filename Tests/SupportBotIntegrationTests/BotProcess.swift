import Foundation
import MatrixClient

/// `supportbot run` as an operator runs it: the real binary, a YAML configuration, a SQLite
/// file and a token file in a temporary folder. It can be killed (SIGKILL) and started again.
final class BotProcess: @unchecked Sendable {
    let user: TestUser
    let folder: URL
    private let lock = NSLock()
    private var process: Process?
    private var starts = 0

    /// - Parameters:
    ///   - moderators: the moderators room, if there is one.
    ///   - settings: extra YAML lines, such as `reply: {cooldown_seconds: 0}`.
    ///   - intents: the rules folder, the repository's own unless a scenario changes a setting.
    init(user: TestUser, homeserver: any TestHomeserver, community: [String], ambassadors: String, moderators: String? = nil, settings: String = "",
         intents: URL = Synapse.root.appendingPathComponent("Intents")) throws {
        self.user = user
        self.intents = intents
        self.homeserver = homeserver.url
        self.ambassadors = ambassadors
        self.moderators = moderators
        self.settings = settings
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("supportbot-bot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try user.accessToken.write(to: folder.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        try configure(community: community)
    }

    private let homeserver: URL
    private let ambassadors: String
    private let moderators: String?
    private let settings: String
    private let intents: URL

    /// Writes the configuration; a running bot reads it on its next start.
    func configure(community: [String]) throws {
        let configuration = """
        homeserver: \(homeserver.absoluteString)
        user_id: "\(user.userID)"
        access_token_file: token
        rooms:
          community: [\(community.map { "\"\($0)\"" }.joined(separator: ", "))]
          ambassadors: "\(ambassadors)"
        \(moderators.map { "  moderators: \"\($0)\"" } ?? "")
        intents: \(intents.path)
        database: bot.sqlite
        \(settings)
        """
        try configuration.write(to: folder.appendingPathComponent("supportbot.yaml"), atomically: true, encoding: .utf8)
    }

    /// Another `supportbot` command (relay, demo) in the background, from the repository root.
    static func launch(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = Synapse.root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static var binary: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("supportbot")
        return FileManager.default.isExecutableFile(atPath: beside.path) ? beside : Synapse.root.appendingPathComponent(".build/debug/supportbot")
    }

    /// Starts the bot unless it runs; with `waitUntilReady`, returns once it follows its rooms.
    func start(waitUntilReady: Bool = true) async throws {
        if lock.withLock({ self.process?.isRunning == true }) { return }
        let log = folder.appendingPathComponent("bot-\(lock.withLock { starts += 1; return starts }).log")
        try Data().write(to: log)
        let process = Process()
        process.executableURL = Self.binary
        // Everything the bot can log, so the tests can check that no patient's words are in it;
        // as JSON, the way a log shipper reads it.
        process.arguments = ["run", "--config", folder.appendingPathComponent("supportbot.yaml").path, "--log-level", "trace", "--log-format", "json"]
        process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "SUPPORTBOT_ACCESS_TOKEN" }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        lock.withLock { self.process = process }
        guard waitUntilReady else { return }
        try await eventually("the bot follows its rooms (log: \(log.path))") {
            guard process.isRunning else { throw TestFailure("the bot exited: \(self.logText(log))") }
            return logText(log).contains("following rooms")
        }
    }

    func kill() {
        lock.withLock {
            guard let process, process.isRunning else { return }
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// SIGTERM, as systemd stops it; returns its exit status, or `nil` when it had to be
    /// killed after 30 s (as systemd would), so a hung shutdown fails the test instead of hanging it.
    func stop() -> Int32? {
        lock.withLock {
            guard let process, process.isRunning else { return process?.terminationStatus }
            process.terminate()
            let deadline = Date().addingTimeInterval(30)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            guard !process.isRunning else {
                Foundation.kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return nil
            }
            return process.terminationStatus
        }
    }

    /// `supportbot queue …` on this bot's configuration and database, as an operator runs it
    /// beside the running bot; its exit status and everything it printed.
    func queue(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try command(["queue"] + arguments)
    }

    /// An operator's `supportbot …` command on this bot's configuration.
    func command(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments + ["--config", folder.appendingPathComponent("supportbot.yaml").path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Whether the bot runs, or how it ended: for a failing test's message.
    var status: String {
        lock.withLock {
            guard let process else { return "never started" }
            return process.isRunning ? "is running" : "exited with status \(process.terminationStatus)"
        }
    }

    /// Everything the bot logged, over all its runs, in the order it ran (`bot-2.log` before `bot-10.log`).
    var logs: String {
        let runs = lock.withLock { starts }
        return (0..<runs).map { logText(folder.appendingPathComponent("bot-\($0 + 1).log")) }.joined()
    }

    private func logText(_ url: URL) -> String {
        (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(at: folder)
    }
}
