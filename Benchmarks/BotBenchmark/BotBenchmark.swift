import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import MatrixClient

/// The bot end to end over real HTTP on loopback.
@main
struct BotBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bot-benchmark",
        abstract: "Measure the bot end to end on a real homeserver.",
        discussion: """
        Uses the release build of supportbot (swift build -c release --product supportbot, from the \
        repository root).
        """,
        subcommands: [Measure.self, Compare.self],
        defaultSubcommand: Measure.self
    )

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// The latency the bot adds to a patient's message, how many messages a second it answers,
/// and its memory after many distinct patients.
struct Measure: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the bot on Synapse, on the relay, or as `supportbot demo`.",
        discussion: """
        synapse: Synapse from Deploy/synapse/synapse.sh and `supportbot run`; relay: \
        `supportbot relay` and `supportbot run`; demo: `supportbot demo`, relay and bot in one process.
        """
    )

    enum Target: String, ExpressibleByArgument, CaseIterable { case synapse, relay, demo }

    @Argument(help: "Where the bot runs: synapse, relay or demo.")
    var target: Target = .synapse
    @Option(help: "Messages sent one at a time to measure the latency the bot adds.")
    var messages = 300
    @Option(help: "Distinct patients who each send one message, all at once, before memory is read.")
    var patients = 10_000
    @Option(help: "Patients in a round: the bot's memory is read after each.")
    var memoryEvery = 10_000
    @Option(help: "Patients writing at the same moment.")
    var concurrency = 64
    @Option(help: "Messages a second, offered at a steady pace (open loop); without it, as fast as the homeserver takes them.")
    var rate: Double?
    @Option(help: "Escalations opened and then claimed one at a time, to time a claim (command → state change → confirmation).")
    var claims = 0
    @Option(help: "Messages the last round's patients send again, in the same room, after the rounds; memory is read after them.")
    var moreMessages = 0
    @Flag(help: "relay: keep the relay's history in a SQLite file (--database), only a window of it in memory.")
    var relayDatabase = false
    @Option(help: "The supportbot binary.")
    var bot = "../.build/release/supportbot"

    func run() async throws {
        let binary = URL(fileURLWithPath: bot, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        let setup = try await Setup.start(target, binary: binary, relayDatabase: relayDatabase)
        defer { setup.stop() }
        let arrivals = Arrivals(bot: setup.botID)
        let syncing = Task { try? await arrivals.follow(setup.observer.client, userID: setup.observer.id) }
        defer { syncing.cancel() }
        try await warmUp(setup, arrivals)
        say("\(target.rawValue): \(ProcessInfo.processInfo.activeProcessorCount) cores, supportbot \(bot)")
        say("\(setup.botProcessName) memory before any patient: \(setup.memory())")

        // Unloaded latency: one message at a time, each from a patient of its own (so no
        // cooldown applies, as in the demo).
        var writers: [MatrixClient] = []
        for index in 0..<messages { writers.append(try await setup.makePatient("l\(setup.suffix)-\(index)")) }
        var total: [Double] = [], roundTrip: [Double] = []
        for (index, writer) in writers.enumerated() {
            let sent = ContinuousClock.now
            let id = try await writer.send(roomID: setup.room, transactionID: "latency-\(index)",
                                           content: ["msgtype": "m.text", "body": .string("i cant sleep, night \(index)")])
            let echoed = try await arrivals.echo(of: id, timeout: .seconds(30))
            let replied = try await arrivals.reply(to: id, timeout: .seconds(30))
            roundTrip.append((echoed - sent).milliseconds)
            total.append((replied - sent).milliseconds)
        }
        let added = zip(total, roundTrip).map { $0 - 2 * $1 }
        say("one message at a time, \(messages) messages (ms):          p50     p99")
        say("  homeserver's own send→sync round trip           \(format(percentile(roundTrip, 50)))   \(format(percentile(roundTrip, 99)))")
        say("  patient's event → bot's reply seen by patient   \(format(percentile(total, 50)))   \(format(percentile(total, 99)))")
        say("  added by the bot (the above minus two trips)    \(format(percentile(added, 50)))   \(format(percentile(added, 99)))")

        if claims > 0 { try await measureClaims(setup, arrivals) }
        guard patients > 0 else { return }

        // Load: many distinct patients, each writing once, `concurrency` at a time, in rounds of
        // `memoryEvery`: the bot's memory is read after each, so growth with patients shows.
        say("\(patients) patients, in rounds of \(memoryEvery); sending")
        let before = await arrivals.replyCount
        var sentAt: [(String, ContinuousClock.Instant)] = []
        // Registering a round's patients is not the bot's work: only the rounds' sending counts.
        var elapsed = 0.0, cpu = (bot: 0.0, benchmark: 0.0)
        var clients: [MatrixClient] = []
        for first in stride(from: 0, to: patients, by: memoryEvery) {
            clients = []
            for index in first..<min(patients, first + memoryEvery) {
                clients.append(try await setup.makePatient("p\(setup.suffix)-\(index)"))
            }
            // Said when the round's sending begins, so a profile can be started then (`perf record -p`).
            say("  \(clients.count) patients registered; their messages go now")
            let cpuBefore = setup.cpuSeconds()
            let roundStarted = ContinuousClock.now
            sentAt += try await send(clients.count, from: clients, label: "load-\(first)", to: setup)
            try await arrivals.waitForReplies(count: before + sentAt.count, timeout: .seconds(1800))
            elapsed += (await arrivals.lastReply - roundStarted).milliseconds / 1000
            let cpuAfter = setup.cpuSeconds()
            cpu = (cpu.bot + cpuAfter.bot - cpuBefore.bot, cpu.benchmark + cpuAfter.benchmark - cpuBefore.benchmark)
            // At rest: the bot has answered everyone; what it holds now is what it keeps.
            try await Task.sleep(for: .seconds(6))
            say("  after \(sentAt.count) patients, at rest, \(setup.botProcessName) memory: \(setup.memory())")
        }
        if moreMessages > 0, !clients.isEmpty {
            let answered = await arrivals.replyCount
            _ = try await send(moreMessages, from: clients, label: "more", to: setup)
            try await arrivals.waitForReplies(count: answered + moreMessages, timeout: .seconds(1800))
            try await Task.sleep(for: .seconds(6))
            say("  after \(moreMessages) more messages from the last round's patients, at rest, \(setup.botProcessName) memory: \(setup.memory())")
        }
        var latencies: [Double] = []
        for (id, at) in sentAt { latencies.append((try await arrivals.reply(to: id, timeout: .seconds(1)) - at).milliseconds) }
        say("\(patients) messages from \(patients) distinct patients, \(concurrency) writing at once\(rate.map { ", offered at \(format($0))/s" } ?? ""):")
        say("  answered in \(format(elapsed)) s: \(format(Double(patients) / elapsed)) messages/s")
        say("  message → reply (ms): p50 \(format(percentile(latencies, 50)))  p99 \(format(percentile(latencies, 99)))")
        say("  CPU a message (µs): \(setup.botProcessName) \(format(cpu.bot * 1e6 / Double(patients))), this benchmark's patients \(format(cpu.benchmark * 1e6 / Double(patients)))")
    }

    /// Sends `count` messages into the community room, message `index` from
    /// `clients[index % clients.count]`, `concurrency` at a time (at `rate`, if given); returns
    /// each message's id and the moment it was due.
    private func send(_ count: Int, from clients: [MatrixClient], label: String, to setup: Setup) async throws -> [(String, ContinuousClock.Instant)] {
        let started = ContinuousClock.now
        return try await withThrowingTaskGroup(of: [(String, ContinuousClock.Instant)].self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var sent: [(String, ContinuousClock.Instant)] = []
                    for index in stride(from: worker, to: count, by: concurrency) {
                        // At a steady pace each message has its moment; latency counts from it,
                        // so a sender that falls behind is not hidden.
                        var at = ContinuousClock.now
                        if let rate {
                            at = started + .seconds(Double(index) / rate)
                            await PatientHTTP.sleep(until: at)
                        }
                        let id = try await clients[index % clients.count].send(roomID: setup.room, transactionID: "\(label)-\(index)",
                                                                               content: ["msgtype": "m.text", "body": "i cant sleep again tonight"])
                        sent.append((id, at))
                    }
                    return sent
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    /// Each claim is timed from the ambassador's `!claim N` to the bot's confirmation reaching
    /// them: the claim's transaction, the private room with both invited, its first post, and
    /// the confirmation in the escalation's thread.
    private func measureClaims(_ setup: Setup, _ arrivals: Arrivals) async throws {
        var latencies: [Double] = []
        for index in 0..<claims {
            let patient = try await setup.makePatient("c\(setup.suffix)-\(index)")
            let request = try await patient.send(roomID: setup.room, transactionID: "claim-request-\(index)",
                                                 content: ["msgtype": "m.text", "body": "can i talk to a real person please"])
            _ = try await arrivals.reply(to: request, timeout: .seconds(30))
            // A fresh database numbers escalations from 1, in order.
            let sent = ContinuousClock.now
            let command = try await setup.observer.client.send(roomID: setup.ambassadors, transactionID: "claim-\(index)",
                                                               content: ["msgtype": "m.text", "body": .string("!claim \(index + 1)")])
            latencies.append((try await arrivals.reply(to: command, timeout: .seconds(30)) - sent).milliseconds)
            // A refusal is an answer too, and is faster: only a confirmed claim is timed.
            guard let body = await arrivals.replyBody(to: command), body.contains("#\(index + 1) is yours") else {
                throw ValidationError("!claim \(index + 1) was not confirmed: \(await arrivals.replyBody(to: command) ?? "no answer")")
            }
        }
        say("\(claims) claims, one at a time, !claim → confirmation seen by the ambassador (ms): p50 \(format(percentile(latencies, 50)))  p99 \(format(percentile(latencies, 99)))")
    }

    /// What was said before the bot followed the room is not answered: its first reply says it follows.
    private func warmUp(_ setup: Setup, _ arrivals: Arrivals) async throws {
        for attempt in 1...60 {
            let id = try await setup.observer.client.send(roomID: setup.room, transactionID: "warmup-\(attempt)", content: ["msgtype": "m.text", "body": "i cant sleep"])
            if (try? await arrivals.reply(to: id, timeout: .seconds(2))) != nil { return }
        }
        throw ValidationError("the bot never answered")
    }
}

/// Prints at once, even into a file.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))]
}

func format(_ value: Double) -> String { String(format: "%.1f", value) }

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
