import Foundation
import Testing

/// Ctrl-C on `supportbot demo` with chat pages open: their long-polls are answered at once and
/// the demo stops, instead of waiting out the longest poll.
@Suite("Stopping the demo", .timeLimit(.minutes(2)))
struct DemoShutdownTests {
    @Test func anInterruptAnswersOpenLongPollsAndStops() async throws {
        let port = Int.random(in: 40_000...44_000)
        let demo = try BotProcess.launch(["demo", "--listen", "127.0.0.1:\(port)"])
        defer { if demo.isRunning { demo.terminate() } }
        let relay = RelayProcess(url: URL(string: "http://127.0.0.1:\(port)")!)
        try await eventually("the demo answers") { (try? await relay.register("probe")) != nil }
        let patient = try await relay.register("patient")
        let first = try await patient.client.sync(since: nil, filter: nil, timeout: .zero, userID: patient.userID)

        let poll = Task {
            let started = ContinuousClock.now
            _ = try? await patient.client.sync(since: first.nextBatch, filter: nil, timeout: .seconds(30), userID: patient.userID)
            return ContinuousClock.now - started
        }
        try await Task.sleep(for: .seconds(1))
        demo.interrupt()
        let waited = await poll.value
        #expect(waited < .seconds(10), "the open long-poll is answered, not waited out to its 30 s: \(waited)")
        try await eventually("the demo exits") { !demo.isRunning }
        #expect(demo.terminationStatus == 0)
    }
}
