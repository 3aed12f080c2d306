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
            let port = Int.random(in: 41_000...49_000)
            let process = try BotProcess.launch(["relay", "--listen", "127.0.0.1:\(port)"])
            // The relay lives as long as the test run: stop it when the test process exits.
            relayProcess.withLock { $0 = process }
            atexit { relayProcess.withLock { $0?.terminate() } }
            let relay = RelayProcess(url: URL(string: "http://127.0.0.1:\(port)")!)
            let deadline = Date().addingTimeInterval(20)
            while (try? Data(contentsOf: relay.url.appendingPathComponent("_matrix/client/versions"))) == nil {
                guard Date() < deadline, process.isRunning else { throw TestFailure("the relay did not start on port \(port)") }
                Thread.sleep(forTimeInterval: 0.05)
            }
            running = relay
            return relay
        }
    }

    func register(_ prefix: String) async throws -> TestUser {
        let name = "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
        var request = URLRequest(url: url.appendingPathComponent("_matrix/client/v3/register"))
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: ["username": name, "password": "pw-\(name)", "auth": ["type": "m.login.dummy"]])
        let (data, _) = try await URLSession.shared.data(for: request)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any], let token = object["access_token"] as? String,
              let userID = object["user_id"] as? String
        else { throw TestFailure("registration failed: \(String(decoding: data, as: UTF8.self))") }
        return TestUser(userID: userID, accessToken: token, homeserver: url)
    }
}
