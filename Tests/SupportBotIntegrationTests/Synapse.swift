import Foundation

/// A real Synapse on loopback, installed and started by `Deploy/synapse/synapse.sh` (the test
/// command starts it first; starting it again is a no-op).
struct Synapse: TestHomeserver {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let script = root.appendingPathComponent("Deploy/synapse/synapse.sh").path

    let url: URL
    let serverName = "localhost"

    static func start() throws -> Synapse {
        _ = try run(["install"])
        let output = try run(["start"]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let url = URL(string: output) else { throw TestFailure("synapse.sh start printed no URL: \(output)") }
        return Synapse(url: url)
    }

    func register(_ prefix: String) async throws -> TestUser {
        let name = "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
        let token = try Self.run(["register", name, password(of: name)]).trimmingCharacters(in: .whitespacesAndNewlines)
        return TestUser(userID: "@\(name):\(serverName)", accessToken: token, homeserver: url)
    }

    func password(of localpart: String) -> String { "password-\(localpart)" }

    /// Runs the script and returns what it printed; its progress goes to the test's output.
    /// Its output goes to a file, not a pipe: a Synapse it starts inherits the descriptor and
    /// would hold a pipe open, so reading it to the end would never finish.
    private static func run(_ arguments: [String]) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("synapse-sh-\(UUID().uuidString)")
        try Data().write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script] + arguments
        process.standardOutput = try FileHandle(forWritingTo: file)
        try process.run()
        process.waitUntilExit()
        let data = try Data(contentsOf: file)
        guard process.terminationStatus == 0 else {
            throw TestFailure("synapse.sh \(arguments.first ?? "") failed with status \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
