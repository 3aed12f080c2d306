import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import MatrixClient
import Relay

/// A relay served over real HTTP on a loopback port for the length of one test.
struct RelayHarness {
    let url: URL

    static func with(database: String? = nil, history: Int = RelayServer.defaultHistory, sendsPerSecond: Double = 200,
                     _ body: (RelayHarness) async throws -> Void) async throws {
        let relay = try RelayServer(serverName: "localhost", database: database, history: history, sendsPerSecond: sendsPerSecond)
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "relay-test")
        logger.logLevel = .critical // cancelling the server at the end of each test is expected
        let application = relay.application(host: "127.0.0.1", port: 0, logger: logger) { port in
            readyContinuation.yield(port)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await application.run() }
            var ports = ready.makeAsyncIterator()
            guard let port = await ports.next() else { throw RelayTestFailure("the relay did not start") }
            try await body(RelayHarness(url: URL(string: "http://127.0.0.1:\(port)")!))
            group.cancelAll()
        }
    }

    struct Answer {
        let status: Int
        let json: JSONValue
        let headers: [AnyHashable: Any]
    }

    /// One raw HTTP request, as any client would send it.
    func call(_ method: String, _ path: String, token: String? = nil, body: Data? = nil, timeout: TimeInterval = 30) async throws -> Answer {
        var request = URLRequest(url: URL(string: url.absoluteString + path)!, timeoutInterval: timeout)
        request.httpMethod = method
        request.httpBody = body
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return Answer(status: http.statusCode, json: (try? JSONDecoder().decode(JSONValue.self, from: data)) ?? .null, headers: http.allHeaderFields)
    }

    func call(_ method: String, _ path: String, token: String? = nil, json: JSONValue) async throws -> Answer {
        try await call(method, path, token: token, body: try JSONEncoder().encode(json))
    }

    /// Registers a user and returns a client for them.
    func user(_ name: String) async throws -> (id: String, token: String, client: MatrixClient) {
        let answer = try await call("POST", "/_matrix/client/v3/register", json: ["username": .string(name), "password": "pw", "auth": ["type": "m.login.dummy"]])
        guard let token = answer.json["access_token"]?.string, let id = answer.json["user_id"]?.string else {
            throw RelayTestFailure("cannot register \(name): \(answer.json)")
        }
        return (id, token, MatrixClient(homeserver: url, accessToken: token, logger: Logger(label: name)))
    }

    /// Signs a registered user in again: another device of theirs.
    func login(_ name: String) async throws -> (token: String, device: String) {
        let answer = try await call("POST", "/_matrix/client/v3/login", json: ["type": "m.login.password", "user": .string(name), "password": "pw"])
        guard let token = answer.json["access_token"]?.string, let device = answer.json["device_id"]?.string else {
            throw RelayTestFailure("cannot sign \(name) in: \(answer.json)")
        }
        return (token, device)
    }
}

struct RelayTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The path of a relay database in a folder of its own, removed after `body`.
func withRelayDatabase(_ body: (String) async throws -> Void) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("relay-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try await body(folder.appendingPathComponent("relay.sqlite").path)
}
