import Foundation
import Testing

/// vodozemac's Python binding driven as a subprocess (`Peer/vodozemac_peer.py`), one JSON
/// command a line. The interop tests fail, never skip, when it cannot start.
final class VodozemacPeer {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffered = Data()

    init() throws {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let python = ProcessInfo.processInfo.environment["VODOZEMAC_PYTHON"]
            ?? packageRoot.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Failure(description: """
                no Python with vodozemac at \(python): run `python3 -m venv .venv && .venv/bin/pip install vodozemac` \
                in \(packageRoot.path), or set VODOZEMAC_PYTHON to a python that has it
                """)
        }
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [packageRoot.appendingPathComponent("Tests/MatrixCryptoTests/Peer/vodozemac_peer.py").path]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// Sends one command and returns its answer; a refusal by vodozemac is thrown as `Failure`.
    @discardableResult
    func call(_ command: String, _ arguments: [String: Any] = [:]) throws -> [String: Any] {
        var request = arguments
        request["cmd"] = command
        var line = try JSONSerialization.data(withJSONObject: request)
        line.append(0x0A)
        try input.fileHandleForWriting.write(contentsOf: line)
        while !buffered.contains(0x0A) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw Failure(description: "the vodozemac peer exited (is vodozemac installed?)") }
            buffered.append(chunk)
        }
        let end = buffered.firstIndex(of: 0x0A)!
        let answer = try JSONSerialization.jsonObject(with: buffered[buffered.startIndex ..< end]) as? [String: Any] ?? [:]
        buffered = Data(buffered[(end + 1)...])
        guard answer["ok"] as? Bool == true else {
            throw Failure(description: "vodozemac refused \(command): \(answer["error"] ?? "?")")
        }
        return answer
    }

    func string(_ command: String, _ arguments: [String: Any] = [:], _ key: String) throws -> String {
        let answer = try call(command, arguments)
        guard let value = answer[key] as? String else { throw Failure(description: "\(command) answered no \(key)") }
        return value
    }
}
