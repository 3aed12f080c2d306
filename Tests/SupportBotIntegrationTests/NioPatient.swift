import Foundation
import Synchronization

/// A patient on matrix-nio (Python, vodozemac): a real encrypting Matrix client written by
/// someone else, so the bot's encryption is checked against an independent implementation
/// rather than against our own MatrixCrypto. It runs `Peers/nio_patient.py`, one JSON command a
/// line; that script's header documents the protocol.
final class NioPatient: @unchecked Sendable {
    let user: TestUser
    /// nio's device for this patient: the device the bot must share its room keys with.
    private(set) var deviceID = ""

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let answers = Answers()
    private let nextID = Atomic<Int>(1)
    /// The encryption store and the script's log, removed with the patient.
    private let folder: URL
    private var log: URL { folder.appendingPathComponent("nio.log") }

    /// Starts the client and returns once it has synced and published its keys.
    static func start(_ user: TestUser, homeserver: any TestHomeserver) async throws -> NioPatient {
        let patient = try NioPatient(user, homeserver: homeserver)
        // The first line, with no id, says the client is ready.
        let ready = try await patient.answer(to: 0, "start", timeout: .seconds(60))
        patient.deviceID = ready["device_id"] as? String ?? ""
        return patient
    }

    private init(_ user: TestUser, homeserver: any TestHomeserver) throws {
        self.user = user
        let python = Synapse.root.appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw TestFailure("no Python at \(python.path): `bash Deploy/synapse/synapse.sh install` makes .venv; then `.venv/bin/pip install 'matrix-nio[e2e]'`")
        }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("nio-patient-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data().write(to: log)
        process.executableURL = python
        process.arguments = [
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Peers/nio_patient.py").path,
            "--homeserver", homeserver.url.absoluteString, "--user-id", user.userID,
            "--access-token", user.accessToken, "--store", folder.appendingPathComponent("store").path,
        ]
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("store"), withIntermediateDirectories: true)
        process.standardInput = input
        process.standardOutput = output
        // A file, not a pipe: nobody has to drain it, and a failure can quote it.
        process.standardError = try FileHandle(forWritingTo: log)
        // Writing to a patient that died must fail the command, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        let answers = answers
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                answers.end()
            } else {
                answers.receive(data)
            }
        }
        try process.run()
    }

    deinit {
        // A test that ends without `stop` (a failure, a thrown error) still ends the client.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    // MARK: Commands

    /// A direct chat as Element X opens one: `is_direct`, `trusted_private_chat`, encrypted from
    /// its first event; returns the room id.
    func openDirectChat(with userID: String) async throws -> String {
        try await string("room_id", from: call("open_dm", ["invite": userID]))
    }

    /// A private group room (a community, a staff room), encrypted unless asked otherwise, with
    /// `users` invited; returns the room id.
    func createRoom(named name: String, inviting users: [String], encrypted: Bool = true) async throws -> String {
        try await string("room_id", from: call("create_room", ["name": name, "invite": users, "encrypted": encrypted]))
    }

    /// Returns once this client's sync shows `userID` joined: from then on, what it sends is
    /// encrypted for that user's devices too.
    func waitJoined(_ userID: String, in roomID: String, timeout: Duration = .seconds(30)) async throws {
        try await call("wait_joined", ["room_id": roomID, "user_id": userID, "timeout": timeout / .seconds(1)], timeout: timeout + .seconds(10))
    }

    /// Sends an `m.text`, encrypted when the room is; returns its event id.
    @discardableResult
    func say(_ text: String, in roomID: String) async throws -> String {
        try await string("event_id", from: call("send", ["room_id": roomID, "text": text]))
    }

    /// Joins, and returns once sync shows the room (before that nio would not know it is encrypted).
    func join(_ roomID: String) async throws {
        try await call("join", ["room_id": roomID])
    }

    /// The rooms this client is invited to and has not joined.
    func invites() async throws -> [String] {
        try await call("invites")["room_ids"] as? [String] ?? []
    }

    func leave(_ roomID: String) async throws {
        try await call("leave", ["room_id": roomID])
    }

    /// Every timeline event this client has synced in the room, oldest first, decrypted where it could.
    func messages(in roomID: String) async throws -> [NioEvent] {
        let events = try await call("messages", ["room_id": roomID])["events"] ?? []
        return try JSONDecoder().decode([NioEvent].self, from: JSONSerialization.data(withJSONObject: events))
    }

    /// Asks the client to quit, and kills it if it does not within 10 s.
    func stop() async {
        if process.isRunning {
            _ = try? await call("quit", timeout: .seconds(10))
            try? input.fileHandleForWriting.close()
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    // MARK: The line protocol

    /// Sends one command and waits for its answer (matched by id); an `"ok": false` is thrown.
    @discardableResult
    private func call(_ command: String, _ arguments: [String: Any] = [:], timeout: Duration = .seconds(60)) async throws -> [String: Any] {
        let id = nextID.add(1, ordering: .relaxed).oldValue
        var request = arguments
        request["cmd"] = command
        request["id"] = id
        var line = try JSONSerialization.data(withJSONObject: request)
        line.append(0x0A)
        return try await answer(to: id, command, timeout: timeout) { try self.input.fileHandleForWriting.write(contentsOf: line) }
    }

    private func answer(to id: Int, _ command: String, timeout: Duration, send: () throws -> Void = {}) async throws -> [String: Any] {
        let answers = answers
        let timer = Task {
            try await Task.sleep(for: timeout)
            answers.fail(id, TestFailure("the nio patient did not answer \(command) within \(timeout)"))
        }
        defer { timer.cancel() }
        let data: Data
        do {
            data = try await answers.wait(for: id, send: send)
        } catch {
            throw TestFailure("nio patient \(user.userID): \(error)\n--- its log ---\n\(logTail)")
        }
        guard let answer = try JSONSerialization.jsonObject(with: data) as? [String: Any], answer["ok"] as? Bool == true else {
            throw TestFailure("nio patient \(user.userID): \(command) failed: \(String(decoding: data, as: UTF8.self))")
        }
        return answer
    }

    private func string(_ key: String, from answer: [String: Any]) throws -> String {
        guard let value = answer[key] as? String else { throw TestFailure("the nio patient's answer has no \(key): \(answer)") }
        return value
    }

    private var logTail: String {
        String(((try? String(contentsOf: log, encoding: .utf8)) ?? "").suffix(3000))
    }
}

/// A timeline event as the nio patient saw it.
struct NioEvent: Decodable, Sendable, Equatable {
    let eventID: String
    let sender: String
    /// The decrypted event's type, or `undecryptable` when nio has no key for it.
    let type: String
    let decrypted: Bool
    let body: String?
    let inReplyTo: String?
    /// Whether the homeserver saw it as `m.room.encrypted`.
    let encryptedOnTheWire: Bool

    private enum CodingKeys: String, CodingKey {
        case eventID = "event_id", sender, type, decrypted, body, inReplyTo = "in_reply_to", encryptedOnTheWire = "encrypted_on_the_wire"
    }
}

/// Answers waiting for the commands that asked for them, by command id. The reader thread
/// delivers them; a command that times out, or a patient that exits, fails its waiters.
private final class Answers: Sendable {
    private struct State {
        var buffer = Data()
        var waiting: [Int: CheckedContinuation<Data, any Error>] = [:]
        /// Answers nobody waits for yet: the ready line can come before `start` asks for it.
        var unclaimed: [Int: Data] = [:]
        var ended = false
    }

    private let state = Mutex(State())

    /// Registers the waiter before sending, so the answer always finds it.
    func wait(for id: Int, send: () throws -> Void) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            let (early, ended) = state.withLock { state in
                let early = state.unclaimed.removeValue(forKey: id)
                if early == nil, !state.ended { state.waiting[id] = continuation }
                return (early, state.ended)
            }
            if let early { return continuation.resume(returning: early) }
            if ended { return continuation.resume(throwing: TestFailure("it has exited")) }
            do { try send() } catch { fail(id, error) }
        }
    }

    func receive(_ data: Data) {
        let lines: [Data] = state.withLock { state in
            state.buffer.append(data)
            var lines: [Data] = []
            while let newline = state.buffer.firstIndex(of: 0x0A) {
                lines.append(Data(state.buffer[state.buffer.startIndex ..< newline]))
                state.buffer = Data(state.buffer[(newline + 1)...])
            }
            return lines
        }
        for line in lines {
            // The ready line has no id: it answers "command" 0.
            let id = ((try? JSONSerialization.jsonObject(with: line)) as? [String: Any])?["id"] as? Int ?? 0
            let waiter = state.withLock { state in
                let waiter = state.waiting.removeValue(forKey: id)
                if waiter == nil { state.unclaimed[id] = line }
                return waiter
            }
            waiter?.resume(returning: line)
        }
    }

    func fail(_ id: Int, _ error: any Error) {
        state.withLock { $0.waiting.removeValue(forKey: id) }?.resume(throwing: error)
    }

    func end() {
        let waiting = state.withLock { state in
            state.ended = true
            defer { state.waiting = [:] }
            return state.waiting
        }
        for continuation in waiting.values { continuation.resume(throwing: TestFailure("it has exited")) }
    }
}
