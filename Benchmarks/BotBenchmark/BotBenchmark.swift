import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import MatrixClient

/// The bot end to end on a real Synapse on loopback: how much latency it adds to a patient's
/// message, and how much memory it holds after many distinct patients.
@main
struct BotBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bot-benchmark",
        abstract: "Measure the bot's added latency and its memory after many patients, on Synapse.",
        discussion: """
        Starts Synapse with Deploy/synapse/synapse.sh, runs the release build of supportbot \
        (swift build -c release --product supportbot, from the repository root), and prints the figures.
        """
    )

    @Option(help: "Messages sent one at a time to measure latency.")
    var messages = 300
    @Option(help: "Distinct patients who each send one message before memory is read.")
    var patients = 10_000
    @Option(help: "Patients created and writing at once.")
    var concurrency = 16
    @Option(help: "The supportbot binary.")
    var bot = "../.build/release/supportbot"

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func run() async throws {
        let url = try URL(string: Self.script(["start"]).trimmingCharacters(in: .whitespacesAndNewlines))!
        let admin = try Self.script(["register", "bench-admin", "bench-admin-secret", "--admin"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let suffix = UUID().uuidString.prefix(6).lowercased()
        let botName = "bench-bot-\(suffix)"
        let botToken = try Self.script(["register", botName, "secret-\(botName)"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let observerName = "bench-observer-\(suffix)"
        let observerToken = try Self.script(["register", observerName, "secret-\(observerName)"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let logger = Logger(label: "bot-benchmark")
        let observer = MatrixClient(homeserver: url, accessToken: observerToken, logger: logger)
        let observerID = "@\(observerName):localhost", botID = "@\(botName):localhost"

        let room = try await observer.createRoom(["preset": "public_chat", "name": "Benchmark community"])
        let ambassadors = try await observer.createRoom(["preset": "public_chat", "name": "Benchmark ambassadors"])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bot-benchmark-\(suffix)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try botToken.write(to: folder.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        try """
        homeserver: \(url.absoluteString)
        user_id: "\(botID)"
        access_token_file: token
        rooms: {community: ["\(room)"], ambassadors: "\(ambassadors)"}
        intents: \(Self.root.appendingPathComponent("Intents").path)
        database: bot.sqlite
        reply: {cooldown_seconds: 0}
        """.write(to: folder.appendingPathComponent("supportbot.yaml"), atomically: true, encoding: .utf8)

        let arrivals = Arrivals(bot: botID)
        let syncing = Task {
            do { try await arrivals.follow(observer, userID: observerID) } catch { print("observer stopped: \(error)") }
        }
        defer { syncing.cancel() }
        let process = try startBot(folder: folder)
        defer { process.terminate() }
        // Wait until the bot follows the room (what was said before it started is not answered):
        // its first reply proves it.
        var warmups = 0
        while true {
            warmups += 1
            let warmup = try await observer.send(roomID: room, transactionID: "warmup-\(suffix)-\(warmups)", content: ["msgtype": "m.text", "body": "i cant sleep"])
            if (try? await arrivals.reply(to: warmup, timeout: .seconds(2))) != nil { break }
            guard warmups < 30 else { throw ValidationError("the bot never answered") }
        }

        // Latency: one message at a time, so nothing queues.
        var added: [Double] = [], total: [Double] = [], roundTrip: [Double] = []
        for index in 0..<messages {
            let sent = ContinuousClock.now
            let id = try await observer.send(roomID: room, transactionID: "latency-\(suffix)-\(index)",
                                             content: ["msgtype": "m.text", "body": .string("i cant sleep, night \(index)")])
            let echoed = try await arrivals.echo(of: id, timeout: .seconds(30))
            let replied = try await arrivals.reply(to: id, timeout: .seconds(30))
            let trip = (echoed - sent).milliseconds, whole = (replied - sent).milliseconds
            roundTrip.append(trip)
            total.append(whole)
            // The reply crosses Synapse twice: the patient's event to the bot, the reply back.
            added.append(whole - 2 * trip)
        }
        print("latency over \(messages) messages (ms): p50 p99")
        print("  Synapse send→sync round trip: \(format(percentile(roundTrip, 50))) \(format(percentile(roundTrip, 99)))")
        print("  patient's event → bot's reply seen: \(format(percentile(total, 50))) \(format(percentile(total, 99)))")
        print("  bot's added latency (minus two round trips): \(format(percentile(added, 50))) \(format(percentile(added, 99)))")

        // Memory after many distinct patients, each writing once.
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    for index in stride(from: worker, to: patients, by: concurrency) {
                        let patient = try await Self.makePatient("bench-p\(suffix)-\(index)", homeserver: url, adminToken: admin, logger: logger)
                        try await patient.join(room)
                        try await patient.send(roomID: room, transactionID: "p\(index)", content: ["msgtype": "m.text", "body": "i cant sleep again"])
                    }
                }
            }
            try await group.waitForAll()
        }
        try await arrivals.waitForReplies(count: messages + 1 + patients, timeout: .seconds(1800))
        let memory = try String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
            .split(separator: "\n").filter { $0.hasPrefix("VmRSS") || $0.hasPrefix("VmHWM") }
        print("after \(patients) distinct patients (\(format((ContinuousClock.now - started).milliseconds / 1000)) s): \(memory.joined(separator: ", "))")
    }

    private func startBot(folder: URL) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bot, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        process.arguments = ["run", "--config", folder.appendingPathComponent("supportbot.yaml").path, "--log-level", "notice"]
        try process.run()
        return process
    }

    /// A new user through Synapse's admin API, logged in without a password round.
    static func makePatient(_ name: String, homeserver: URL, adminToken: String, logger: Logger) async throws -> MatrixClient {
        let userID = "@\(name):localhost"
        let encoded = userID.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        _ = try await admin("PUT", homeserver, "/_synapse/admin/v2/users/\(encoded)", ["password": "secret-\(name)"], token: adminToken)
        let login = try await admin("POST", homeserver, "/_synapse/admin/v1/users/\(encoded)/login", [:], token: adminToken)
        guard let token = login["access_token"] as? String else { throw ValidationError("no token for \(name)") }
        return MatrixClient(homeserver: homeserver, accessToken: token, logger: logger)
    }

    private static func admin(_ method: String, _ homeserver: URL, _ path: String, _ body: [String: String], token: String) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: homeserver.absoluteString + path)!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, _) = try await URLSession.shared.data(for: request)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    static func script(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [root.appendingPathComponent("Deploy/synapse/synapse.sh").path] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("synapse.sh \(arguments[0]) failed") }
        return String(decoding: data, as: UTF8.self)
    }
}

/// When the observer's sync saw each event, and each of the bot's replies.
actor Arrivals {
    let bot: String
    private var seen: [String: ContinuousClock.Instant] = [:]
    private var replies: [String: ContinuousClock.Instant] = [:]

    init(bot: String) { self.bot = bot }

    func follow(_ client: MatrixClient, userID: String) async throws {
        var since: String?
        let filter = #"{"room":{"timeline":{"limit":1000,"types":["m.room.message"]}},"presence":{"not_types":["*"]}}"#
        while !Task.isCancelled {
            let response = try await client.sync(since: since, filter: filter, timeout: .seconds(30), userID: userID)
            let now = ContinuousClock.now
            for room in response.joinedRooms {
                for event in room.events {
                    seen[event.eventID] = seen[event.eventID] ?? now
                    if event.sender == bot, let target = event.content["m.relates_to"]?["m.in_reply_to"]?["event_id"]?.string {
                        replies[target] = replies[target] ?? now
                    }
                }
            }
            since = response.nextBatch
        }
    }

    func echo(of id: String, timeout: Duration) async throws -> ContinuousClock.Instant {
        try await waitFor(timeout) { seen[id] }
    }

    func reply(to id: String, timeout: Duration) async throws -> ContinuousClock.Instant {
        try await waitFor(timeout) { replies[id] }
    }

    func waitForReplies(count: Int, timeout: Duration) async throws {
        _ = try await waitFor(timeout) { replies.count >= count ? ContinuousClock.now : nil }
    }

    private func waitFor(_ timeout: Duration, _ value: () -> ContinuousClock.Instant?) async throws -> ContinuousClock.Instant {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let value = value() { return value }
            try await Task.sleep(for: .microseconds(200))
        }
        throw ValidationError("timed out")
    }
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1)]
}

func format(_ value: Double) -> String { String(format: "%.1f", value) }

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
