import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The relay started for this test run, stopped at exit.
private let relayProcess = Mutex<Process?>(nil)

/// `supportbot relay` on a loopback port, started once for all the tests of a run.
struct RelayProcess: TestHomeserver {
    let url: URL
    let serverName = "localhost"

    private static let shared = Mutex<RelayProcess?>(nil)

    static func start() throws -> RelayProcess {
        try shared.withLock { running in
            if let running { return running }
            // Port 0: the relay takes a free port and says which, so parallel runs never collide.
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("relay-\(UUID().uuidString).out")
            try Data().write(to: output)
            let process = Process()
            process.executableURL = BotProcess.binary
            process.arguments = ["relay", "--listen", "127.0.0.1:0"]
            process.standardOutput = try FileHandle(forWritingTo: output)
            process.standardError = FileHandle.nullDevice
            try process.run()
            // The relay lives as long as the test run: stop it when the test process exits.
            relayProcess.withLock { $0 = process }
            atexit { relayProcess.withLock { $0?.terminate() } }
            let deadline = Date().addingTimeInterval(60)
            while true {
                let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
                if let range = text.range(of: #"http://127\.0\.0\.1:\d+"#, options: .regularExpression), let url = URL(string: String(text[range])) {
                    let relay = RelayProcess(url: url)
                    running = relay
                    return relay
                }
                guard Date() < deadline, process.isRunning else { throw TestFailure("the relay did not start: \(text)") }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }

    func password(of localpart: String) -> String { "pw-\(localpart)" }

    func register(_ prefix: String) async throws -> TestUser {
        let name = "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
        var request = URLRequest(url: url.appendingPathComponent("_matrix/client/v3/register"))
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: ["username": name, "password": password(of: name), "auth": ["type": "m.login.dummy"]])
        let (data, _) = try await URLSession.shared.data(for: request)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any], let token = object["access_token"] as? String,
              let userID = object["user_id"] as? String
        else { throw TestFailure("registration failed: \(String(decoding: data, as: UTF8.self))") }
        return TestUser(userID: userID, accessToken: token, homeserver: url)
    }
}
