import Foundation
import Testing

/// The demo's chat page, seen the way a person sees it: headless Chromium loads it, a patient
/// writes, and the bot's reply appears. The screenshot stays in the test's temporary folder.
@Suite("Chat page in a browser", .serialized, .timeLimit(.minutes(5)))
struct ChatPageTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test func aPatientWritesAndTheBotsReplyAppears() async throws {
        let browser = try #require(Self.chromium, "headless Chromium is needed: the test command installs it (apt-get install chromium)")
        let port = Int.random(in: 30_000...39_000)
        let demo = try BotProcess.launch(["demo", "--listen", "127.0.0.1:\(port)"])
        defer { demo.terminate(); demo.waitUntilExit() }
        let base = URL(string: "http://127.0.0.1:\(port)")!
        try await eventually("the demo answers") {
            (try? Data(contentsOf: base.appendingPathComponent("_matrix/client/versions"))) != nil
        }

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chat-page-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let page = "\(base.absoluteString)/?name=alice&role=patient&room=direct&say=i%20cant%20sleep%2C%20the%20pain%20keeps%20me%20up"
        let dom = try run(browser, ["--dump-dom", page])
        #expect(dom.contains(#"data-bot-replied="true""#), "the bot's reply arrived in the page")
        #expect(dom.contains("Stress and sleep disorders"), "the reply's excerpt is shown")
        #expect(dom.contains("<blockquote"), "the excerpt is shown as a quote")

        let screenshot = folder.appendingPathComponent("chat.png")
        _ = try run(browser, ["--screenshot=\(screenshot.path)", "--window-size=1200,900",
                              page.replacingOccurrences(of: "name=alice", with: "name=alicia")])
        let size = (try FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int) ?? 0
        #expect(size > 10_000, "a screenshot of the page: \(screenshot.path)")
        print("chat page screenshot: \(screenshot.path)")
    }

    /// Headless Chromium with a budget of virtual time for the page's scripts to finish.
    private func run(_ browser: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--virtual-time-budget=20000"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
