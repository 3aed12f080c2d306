import Benchmark
import Escalations
import Foundation
import Storage

/// The queue as the bot keeps it: a real SQLite file in WAL mode, each operation one
/// transaction with its audit line.
let benchmarks: @Sendable () -> Void = {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("queue-benchmark-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let database = try! BotDatabase.open(path: folder.appendingPathComponent("bot.sqlite").path)
    let timers = EscalationTimers()
    let ambassador = EscalationActor("@alex:example.org")
    let counter = Counter()

    Benchmark(
        "Escalation lifecycle: request, claim, resolve (3 queue operations)",
        configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(5))
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            let id = counter.next()
            let opened = try database.requestEscalation(patient: "@p\(id):example.org", roomID: "!dm\(id)", eventID: "$ask\(id)", reason: "ambassador",
                                                        priority: .normal, at: Date(), timers: timers)
            try database.changeEscalation(opened.escalation.number, .claim, by: ambassador, at: Date(), eventID: "$claim\(id)", timers: timers)
            try database.changeEscalation(opened.escalation.number, .resolve(note: nil), by: ambassador, at: Date(), eventID: "$resolve\(id)", timers: timers)
        }
    }

    Benchmark(
        "!queue: open escalations, urgent first (1,000 open)",
        configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(5), setup: {
            for _ in 0..<1_000 {
                let id = counter.next()
                _ = try database.requestEscalation(patient: "@q\(id):example.org", roomID: "!dm\(id)", eventID: "$open\(id)", reason: "ambassador",
                                                   priority: id % 5 == 0 ? .urgent : .normal, at: Date(), timers: timers)
            }
        })
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try database.escalationQueue())
        }
    }
}

/// Unique ids across iterations.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}
