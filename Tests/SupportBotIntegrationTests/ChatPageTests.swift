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

    /// The two things a person must see on a phone: a crisis reply with its resources in view
    /// and tap-able, and a claimed request marked as claimed, with no Claim button left.
    @Test func onAPhoneTheCrisisResourcesAreInViewAndAClaimedPostSaysSo() async throws {
        let browser = try #require(Self.chromium, "headless Chromium is needed: the test command installs it (apt-get install chromium)")
        let port = Int.random(in: 30_000...39_000)
        let demo = try BotProcess.launch(["demo", "--listen", "127.0.0.1:\(port)"])
        defer { demo.terminate(); demo.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)"
        try await eventually("the demo answers") { (try? Data(contentsOf: URL(string: "\(base)/_matrix/client/versions")!)) != nil }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chat-page-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let phone = "--window-size=400,800"

        // A request, claimed by one ambassador while the patient's page is open: the private room
        // opens by itself there, written for the patient. Another ambassador sees it claimed.
        let privateRoom = folder.appendingPathComponent("private-room-phone.png")
        let patientPage = try start(browser, [phone, "--dump-dom", "--screenshot=\(privateRoom.path)", "\(base)/?name=dana&role=patient&room=direct&say=!ambassador"],
                                    budget: 90_000)
        let watcher = try await RelayProcess(url: URL(string: base)!).register("watcher")
        let ambassadorsRoom = try await watcher.client.join("#ambassadors:localhost")
        try await eventually("the request is posted") {
            try await watcher.history(of: ambassadorsRoom).contains { $0.body?.contains("To claim: !claim 1") == true }
        }
        let claim = try run(browser, ["--dump-dom", "\(base)/?name=rosa&role=ambassador&room=ambassadors&say=!claim%201"])
        #expect(claim.contains(#"data-bot-replied="true""#), "the claim is confirmed")
        // The messages the patient sees: the timeline, not the page's own script and markup.
        let patientPageDOM = finish(patientPage)
        let timeline = patientPageDOM.range(of: #"(?s)<ol id="timeline".*?</ol>"#, options: .regularExpression).map { String(patientPageDOM[$0]) } ?? ""
        #expect(timeline.contains("This private room is for you and rosa"), "the private room opened by itself for the patient")
        for staffNote in ["#1 ·", "URGENT", "matrix.to", "!claim", "asked 20"] {
            #expect(!timeline.contains(staffNote), "the patient's page shows no staff notes ('\(staffNote)')")
        }
        #expect(((try? FileManager.default.attributesOfItem(atPath: privateRoom.path)[.size] as? Int) ?? 0) > 10_000, "\(privateRoom.path)")
        let board = "\(base)/?name=sam&role=ambassador&room=ambassadors"
        let seen = try run(browser, [phone, "--dump-dom", board])
        #expect(seen.contains("Claimed by rosa"), "the post is shown as edited: claimed")
        #expect(!seen.contains("Claim #1"), "no Claim button on a claimed request")
        try screenshot(browser, [phone, board.replacingOccurrences(of: "sam", with: "samp")], to: folder.appendingPathComponent("claimed-phone.png"))
        try screenshot(browser, ["--window-size=1200,900", board.replacingOccurrences(of: "sam", with: "samd")], to: folder.appendingPathComponent("claimed-desktop.png"))

        let crisis = "\(base)/?name=erin&role=patient&room=direct&say=i%20want%20to%20kill%20myself"
        let dom = try run(browser, [phone, "--dump-dom", crisis])
        #expect(dom.contains(#"data-bot-replied="true""#), "the bot's reply arrived")
        #expect(dom.contains(#"class="msg bot crisis""#), "the crisis reply is set apart")
        #expect(dom.contains(#"href="tel:988""#) && dom.contains(#"href="sms:988""#), "the resources are links to call and text")
        #expect(dom.contains(#"data-resources-in-view="true""#), "the first resource is on screen, not scrolled past")
        try screenshot(browser, [phone, crisis.replacingOccurrences(of: "erin", with: "erina")], to: folder.appendingPathComponent("crisis-phone.png"))
        try screenshot(browser, ["--window-size=1200,900", crisis.replacingOccurrences(of: "erin", with: "erinb")], to: folder.appendingPathComponent("crisis-desktop.png"))
        let community = "\(base)/?name=carla&role=patient&room=community&say=hi%20everyone"
        let communityDOM = try run(browser, [phone, "--dump-dom", community])
        #expect(communityDOM.contains(#"<span class="narrow-only">Private chat</span>"#), "a label that fits a phone for the private chat")
        try screenshot(browser, [phone, community.replacingOccurrences(of: "carla", with: "carlap")], to: folder.appendingPathComponent("community-phone.png"))

        print("chat page screenshots: \(folder.path)")
    }

    private func screenshot(_ browser: String, _ arguments: [String], to file: URL) throws {
        _ = try run(browser, ["--screenshot=\(file.path)"] + arguments)
        let size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        #expect(size > 10_000, "a screenshot of the page: \(file.path)")
    }

    /// Headless Chromium with a budget of virtual time for the page's scripts to finish.
    private func run(_ browser: String, _ arguments: [String]) throws -> String {
        finish(try start(browser, arguments))
    }

    /// Starts headless Chromium and returns at once, for a page that stays open meanwhile.
    private func start(_ browser: String, _ arguments: [String], budget: Int = 20_000) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--virtual-time-budget=\(budget)"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, output)
    }

    /// What a started Chromium printed, once it has finished.
    private func finish(_ started: (Process, Pipe)) -> String {
        let data = started.1.fileHandleForReading.readDataToEndOfFile()
        started.0.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
