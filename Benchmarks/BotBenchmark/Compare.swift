import ArgumentParser
import Foundation
import MatrixClient

/// supportbot beside a matrix-nio echo bot on one Synapse: the same patients send each bot
/// the same messages, paced and then in a burst, and each bot's CPU time is read from /proc.
/// The echo bot classifies nothing and stores nothing, so it is the floor a Matrix bot costs.
struct Compare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "supportbot beside a matrix-nio echo bot on Synapse: CPU a reply, latency, delivery.",
        discussion: "Needs matrix-nio in the Python given (Benchmarks/compare-echo-bot.sh installs it)."
    )

    @Option(help: "Patients writing in each bot's room.")
    var patients = 4
    @Option(help: "Messages each patient sends in each phase.")
    var messages = 40
    @Option(help: "Milliseconds between one patient's messages in the paced phase.")
    var pace = 300
    @Option(help: "Seconds a bot has, after the last message of a phase, to answer.")
    var patience = 30
    @Option(help: "The Python with matrix-nio.")
    var python = BotBenchmark.root.appendingPathComponent(".venv/bin/python").path
    @Option(help: "The supportbot binary.")
    var bot = "../.build/release/supportbot"

    /// What one phase measured of one bot.
    struct Phase {
        var sent = 0
        var answered = 0
        var cpuSeconds = 0.0
        var latencies: [Double] = []

        var cpuPerReply: String { answered == 0 ? "-" : format(cpuSeconds * 1000 / Double(answered)) }
        var latency: String { "\(format(percentile(latencies, 50))) / \(format(percentile(latencies, 99)))" }
    }

    func run() async throws {
        let url = URL(string: try Setup.script(["start"]).trimmingCharacters(in: .whitespacesAndNewlines))!
        let admin = try Setup.script(["register", "bench-admin", "bench-admin-secret", "--admin"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let suffix = UUID().uuidString.prefix(6).lowercased()
        let create: @Sendable (String) async throws -> Setup.User = { try await Setup.synapseUser($0, url: url, adminToken: admin) }
        let echoBot = BotBenchmark.root.appendingPathComponent("Benchmarks/EchoBot/nio_echo_bot.py").path
        let binary = URL(fileURLWithPath: bot, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        say("\(patients) patients × \(messages) messages a phase, on Synapse at \(url.absoluteString), \(ProcessInfo.processInfo.activeProcessorCount) cores")

        let nio = try await measure("nio-\(suffix)", create: create) { botID, token, _, _ in
            try Setup.launch(URL(fileURLWithPath: python), [echoBot, url.absoluteString, botID, token])
        }
        let supportbot = try await measure("supportbot-\(suffix)", create: create) { botID, token, room, ambassadors in
            try Setup.launchSupportBot(binary, url: url, botID: botID, token: token, room: room, ambassadors: ambassadors, suffix: suffix)
        }
        let rows: [(String, (Phase) -> String)] = [
            ("CPU a reply (ms)", \.cpuPerReply),
            ("message → reply p50 / p99 (ms)", \.latency),
            ("answered within \(patience) s", { "\($0.answered) of \($0.sent)" }),
        ]
        say("")
        say(pad("", 40) + pad("nio echo bot", 20) + "supportbot")
        for (phase, index) in [("paced, \(pace) ms apart", 0), ("burst, all at once", 1)] {
            say(phase)
            for (name, value) in rows {
                say(pad("  " + name, 40) + pad(value(nio[index]), 20) + value(supportbot[index]))
            }
        }
    }

    /// One bot in a room of its own: warmed up, then the paced phase and the burst.
    private func measure(_ name: String, create: @Sendable (String) async throws -> Setup.User,
                         launch: (_ botID: String, _ token: String, _ room: String, _ ambassadors: String) throws -> Process) async throws -> [Phase] {
        let (botClient, token) = try await create("cmp-\(name)")
        let botID = try await botClient.whoami()
        let observer = try await create("cmp-observer-\(name)").client
        let observerID = try await observer.whoami()
        let room = try await observer.createRoom(["preset": "public_chat", "name": "Side by side"])
        let ambassadors = try await observer.createRoom(["preset": "public_chat", "name": "Side by side ambassadors"])
        try await botClient.join(room)
        var writers: [MatrixClient] = []
        for index in 0..<patients {
            let writer = try await create("cmp-patient-\(name)-\(index)").client
            try await writer.join(room)
            writers.append(writer)
        }
        let process = try launch(botID, token, room, ambassadors)
        // SIGKILL: an asyncio program can outlive SIGTERM, and the next bot must run alone.
        defer { kill(process.processIdentifier, SIGKILL) }
        let arrivals = Arrivals(bot: botID)
        let following = Task { try? await arrivals.follow(observer, userID: observerID) }
        defer { following.cancel() }
        try await warmUp(observer, room: room, arrivals)
        let pid = "\(process.processIdentifier)"
        return [
            try await phase(writers, room: room, paced: true, arrivals, pid: pid),
            try await phase(writers, room: room, paced: false, arrivals, pid: pid),
        ]
    }

    private func phase(_ writers: [MatrixClient], room: String, paced: Bool, _ arrivals: Arrivals, pid: String) async throws -> Phase {
        let tag = paced ? "paced" : "burst"
        let before = await arrivals.replyCount
        let cpuBefore = Setup.cpuSeconds(of: pid)
        let sent = try await withThrowingTaskGroup(of: [(String, ContinuousClock.Instant)].self) { group in
            for (patient, writer) in writers.enumerated() {
                if paced {
                    group.addTask {
                        var sent: [(String, ContinuousClock.Instant)] = []
                        for index in 0..<messages {
                            sent.append(try await send(writer, room: room, "my back hurts again today, \(tag) \(patient)-\(index)"))
                            try await Task.sleep(for: .milliseconds(pace))
                        }
                        return sent
                    }
                } else {
                    for index in 0..<messages {
                        group.addTask { [try await send(writer, room: room, "my back hurts again today, \(tag) \(patient)-\(index)")] }
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        try? await arrivals.waitForReplies(count: before + sent.count, timeout: .seconds(patience))
        var phase = Phase(sent: sent.count, cpuSeconds: Setup.cpuSeconds(of: pid) - cpuBefore)
        for (id, at) in sent {
            guard let replied = await arrivals.replied(to: id) else { continue }
            phase.answered += 1
            phase.latencies.append((replied - at).milliseconds)
        }
        return phase
    }

    private func send(_ writer: MatrixClient, room: String, _ text: String) async throws -> (String, ContinuousClock.Instant) {
        let at = ContinuousClock.now
        let id = try await writer.send(roomID: room, transactionID: UUID().uuidString, content: ["msgtype": "m.text", "body": .string(text)])
        return (id, at)
    }

    private func warmUp(_ observer: MatrixClient, room: String, _ arrivals: Arrivals) async throws {
        for attempt in 1...60 {
            let id = try await observer.send(roomID: room, transactionID: "warmup-\(attempt)", content: ["msgtype": "m.text", "body": "i cant sleep"])
            if (try? await arrivals.reply(to: id, timeout: .seconds(2))) != nil { return }
        }
        throw ValidationError("the bot never answered")
    }
}

private func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}
