import Foundation
import HTTPTypes
import Logging
import MatrixClient
import Testing

/// The transport the bot runs with, against a real socket whose server misbehaves the ways
/// homeservers and their proxies do.
@Suite("HTTP transport on loopback")
struct AsyncHTTPClientTransportTests {
    let retry = RetryPolicy(initialDelay: .milliseconds(10), maximumDelay: .milliseconds(100))

    func client(_ server: LoopbackHTTPServer) -> MatrixClient {
        MatrixClient(homeserver: URL(string: "http://127.0.0.1:\(server.port)")!, accessToken: "secret-token",
                     retry: retry, logger: Logger(label: "test"))
    }

    @Test func aServerThatHangsUpIsAskedAgainOnANewConnection() async throws {
        let server = try await LoopbackHTTPServer([.hangUp, .hangUp, .respond(status: 200, body: #"{"user_id":"@bot:localhost"}"#)])
        defer { Task { try await server.stop() } }
        #expect(try await client(server).whoami() == "@bot:localhost")
        #expect(server.requests == Array(repeating: "GET /_matrix/client/v3/account/whoami", count: 3))
        #expect(server.connections == 3)
    }

    @Test func keptConnectionsCarryTheNextRequests() async throws {
        let answer = LoopbackHTTPServer.Answer.respond(status: 200, body: #"{"event_id":"$sent"}"#)
        let server = try await LoopbackHTTPServer(Array(repeating: answer, count: 5))
        defer { Task { try await server.stop() } }
        let client = client(server)
        for index in 0..<5 {
            #expect(try await client.send(roomID: "!room:localhost", transactionID: "t\(index)", content: ["body": "hi"]) == "$sent")
        }
        // Kept, not one a request. Not exactly one: a request that starts while the last one's
        // connection is still on its way back to the pool may open a second (seen under CI).
        #expect(server.connections < 5)
    }

    @Test func aLongPollIsAnsweredWhenTheServerAnswersLate() async throws {
        let server = try await LoopbackHTTPServer([.respond(status: 200, body: #"{"next_batch":"s2"}"#, after: .seconds(2))])
        defer { Task { try await server.stop() } }
        let started = ContinuousClock.now
        let response = try await client(server).sync(since: "s1", filter: nil, timeout: .seconds(5), userID: "@bot:localhost")
        #expect(response.nextBatch == "s2")
        #expect(ContinuousClock.now - started >= .seconds(2))
    }

    @Test func anAnswerLaterThanTheRequestsTimeoutIsAnErrorNotAHang() async throws {
        let server = try await LoopbackHTTPServer([.respond(status: 200, body: "{}", after: .seconds(60))])
        defer { Task { try await server.stop() } }
        let request = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1:\(server.port)", path: "/slow")
        let started = ContinuousClock.now
        await #expect(throws: (any Error).self) { try await AsyncHTTPClientTransport.shared.send(request, body: nil, timeout: .milliseconds(500)) }
        // Bounds loose enough for a loaded machine, and far below the server's minute.
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test func aRateLimitWaitsTheRetryAfterHeaderThenSends() async throws {
        let server = try await LoopbackHTTPServer([
            .respond(status: 429, headers: [("Retry-After", "1")], body: #"{"errcode":"M_LIMIT_EXCEEDED","error":"Too many requests"}"#),
            .respond(status: 200, body: #"{"event_id":"$sent"}"#),
        ])
        defer { Task { try await server.stop() } }
        let slower = RetryPolicy(initialDelay: .milliseconds(10), maximumDelay: .seconds(5))
        let client = MatrixClient(homeserver: URL(string: "http://127.0.0.1:\(server.port)")!, accessToken: "secret-token", retry: slower, logger: Logger(label: "test"))
        let started = ContinuousClock.now
        #expect(try await client.send(roomID: "!room:localhost", transactionID: "t1", content: ["body": "hi"]) == "$sent")
        #expect(ContinuousClock.now - started >= .seconds(1))
        #expect(server.requests.count == 2)
    }

    @Test func cancellingALongPollEndsItAtOnce() async throws {
        let server = try await LoopbackHTTPServer([.respond(status: 200, body: #"{"next_batch":"s2"}"#, after: .seconds(60))])
        defer { Task { try await server.stop() } }
        let client = client(server)
        let poll = Task { try await client.sync(since: "s1", filter: nil, timeout: .seconds(30), userID: "@bot:localhost") }
        try await Task.sleep(for: .milliseconds(300))
        let cancelled = ContinuousClock.now
        poll.cancel()
        _ = await poll.result
        #expect(ContinuousClock.now - cancelled < .seconds(20))
    }
}
