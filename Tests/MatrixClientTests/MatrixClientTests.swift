import Foundation
import Logging
@testable import MatrixClient
import Testing

@Suite("Matrix client")
struct MatrixClientTests {
    let fast = RetryPolicy(initialDelay: .milliseconds(1), maximumDelay: .milliseconds(50))

    func client(_ transport: ScriptedTransport, retry: RetryPolicy? = nil) -> MatrixClient {
        MatrixClient(homeserver: URL(string: "http://127.0.0.1:8008")!, accessToken: "secret-token", transport: transport,
                     retry: retry ?? fast, logger: Logger(label: "test"))
    }

    @Test func rateLimitWaitsWhatTheServerAsksThenSucceeds() async throws {
        let transport = ScriptedTransport([
            .init(status: 429, body: #"{"errcode":"M_LIMIT_EXCEEDED","error":"Too many requests","retry_after_ms":20}"#),
            .init(status: 429, body: #"{"errcode":"M_LIMIT_EXCEEDED","error":"Too many requests"}"#, headers: [.retryAfter: "0"]),
            .init(status: 200, body: #"{"event_id":"$sent"}"#),
        ])
        let started = ContinuousClock.now
        let eventID = try await client(transport).send(roomID: "!room:localhost", transactionID: "txn1", content: ["body": "hi"])
        #expect(eventID == "$sent")
        #expect(transport.requests.count == 3)
        #expect(ContinuousClock.now - started >= .milliseconds(20))
    }

    @Test func serverErrorsBackOffThenSucceed() async throws {
        let transport = ScriptedTransport([
            .init(status: 502, body: "Bad Gateway"),
            .init(status: 503, body: #"{"errcode":"M_UNKNOWN","error":"down"}"#),
            .init(status: 200, body: #"{"user_id":"@bot:localhost"}"#),
        ])
        #expect(try await client(transport).whoami() == "@bot:localhost")
        #expect(transport.requests.count == 3)
    }

    @Test func networkErrorsBackOffUntilTheLimit() async throws {
        let transport = ScriptedTransport([])
        let limited = RetryPolicy(initialDelay: .milliseconds(1), maximumDelay: .milliseconds(5), maximumAttempts: 4)
        await #expect(throws: URLError.self) { try await client(transport, retry: limited).whoami() }
        #expect(transport.requests.count == 4)
    }

    @Test func unknownTokenStopsWithAnActionableMessage() async throws {
        let transport = ScriptedTransport([.init(status: 401, body: #"{"errcode":"M_UNKNOWN_TOKEN","error":"Invalid access token"}"#)])
        let error = try await #require(throws: MatrixError.self) { try await client(transport).whoami() }
        #expect(error.isUnknownToken)
        #expect(error.description.contains("SUPPORTBOT_ACCESS_TOKEN"))
        #expect(!error.description.contains("secret-token"))
        #expect(transport.requests.count == 1)
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let transport = ScriptedTransport([.init(status: 403, body: #"{"errcode":"M_FORBIDDEN","error":"You are not invited"}"#)])
        let error = try await #require(throws: MatrixError.self) { try await client(transport).join("#community:localhost") }
        #expect(error.errcode == "M_FORBIDDEN")
        #expect(error.description == "M_FORBIDDEN: You are not invited")
    }

    @Test func pathsAreEncodedAndTheTokenTravelsInTheHeader() async throws {
        let transport = ScriptedTransport([.init(status: 200, body: #"{"room_id":"!abc:localhost"}"#)])
        _ = try await client(transport).join("#community:localhost")
        let request = try #require(transport.requests.first)
        #expect(request.address == "http://127.0.0.1:8008/_matrix/client/v3/join/%23community%3Alocalhost")
        #expect(request.request.headerFields[.authorization] == "Bearer secret-token")
        #expect(request.address.contains("secret") == false)
    }

    @Test func theAccessTokenNeverShowsWhenTheClientIsPrinted() {
        let client = client(ScriptedTransport([]))
        struct Holder { let client: MatrixClient } // as a service that holds one is logged
        var dumped = ""
        dump(Holder(client: client), to: &dumped)
        for text in [String(describing: client), String(reflecting: client), String(describing: Holder(client: client)), dumped] {
            #expect(!text.contains("secret-token"))
            #expect(text.contains("127.0.0.1:8008"))
        }
    }

    @Test func aHomeserverUnderAPathPrefixKeepsItAndDropsQueryAndFragment() async throws {
        for address in ["https://example.org/matrix", "https://example.org/matrix/", "https://example.org/matrix/?x=1#top"] {
            let transport = ScriptedTransport([.init(status: 200, body: #"{"user_id":"@bot:example.org"}"#)])
            let client = MatrixClient(homeserver: URL(string: address)!, accessToken: "t", transport: transport, retry: fast, logger: Logger(label: "test"))
            _ = try await client.whoami()
            #expect(transport.requests.first?.address == "https://example.org/matrix/_matrix/client/v3/account/whoami", "\(address)")
        }
    }

    @Test func everyByteOutsideTheUnreservedSetIsPercentEncoded() async throws {
        let transport = ScriptedTransport([
            .init(status: 200, body: #"{"room_id":"!abc:localhost"}"#), .init(status: 200, body: #"{"chunk":[]}"#),
        ])
        _ = try await client(transport).join("#café~1_a-b.c:localhost")
        _ = try await client(transport).messages(roomID: "!r:localhost", from: "t 1/2&x=y", to: nil, limit: 5)
        #expect(transport.requests[0].address == "http://127.0.0.1:8008/_matrix/client/v3/join/%23caf%C3%A9~1_a-b.c%3Alocalhost")
        #expect(transport.requests[1].address == "http://127.0.0.1:8008/_matrix/client/v3/rooms/%21r%3Alocalhost/messages?dir=b&limit=5&from=t%201%2F2%26x%3Dy")
    }

    @Test func syncSkipsMalformedEventsAndKeepsTheRest() async throws {
        let body = """
        {"next_batch":"s2","rooms":{"join":{"!r:localhost":{"timeline":{"limited":true,"prev_batch":"p1","events":[
          {"event_id":"$1","type":"m.room.message","sender":"@a:localhost","origin_server_ts":1,"content":{"msgtype":"m.text","body":"hi"}},
          {"type":"m.room.message","content":{"body":"no id"}},
          "not even an object",
          {"event_id":"$3","type":"m.room.message","sender":"@a:localhost","content":"not an object"},
          {"event_id":"$4","type":"com.example.unknown","sender":"@b:localhost","content":{}}
        ]}}},"invite":{"!dm:localhost":{"invite_state":{"events":[
          {"type":"m.room.member","state_key":"@bot:localhost","sender":"@a:localhost","content":{"membership":"invite","is_direct":true}}
        ]}}}}}
        """
        let transport = ScriptedTransport([.init(status: 200, body: body)])
        let sync = try await client(transport).sync(since: "s1", filter: "7", timeout: .seconds(30), userID: "@bot:localhost")
        #expect(sync.nextBatch == "s2")
        let room = try #require(sync.joinedRooms.first)
        #expect(room.events.map(\.eventID) == ["$1", "$4"])
        #expect(room.malformedEvents == 3)
        #expect(room.limited && room.previousBatch == "p1")
        #expect(sync.invitedRooms.first?.isDirect == true)
        #expect(sync.invitedRooms.first?.inviter == "@a:localhost")
        let query = transport.requests.first?.query ?? ""
        #expect(query.contains("since=s1") && query.contains("timeout=30000") && query.contains("filter=7"))
        #expect(transport.requests.first.map { $0.timeout > .seconds(30) } == true)
    }

    @Test func syncWithoutNextBatchIsAnError() async throws {
        let transport = ScriptedTransport([.init(status: 200, body: #"{"rooms":{}}"#)])
        await #expect(throws: MatrixError.self) {
            try await client(transport).sync(since: nil, filter: nil, timeout: .zero, userID: "@bot:localhost")
        }
    }

    @Test func backoffGrowsWithJitterUpToTheCap() {
        let policy = RetryPolicy(initialDelay: .milliseconds(100), maximumDelay: .seconds(2))
        #expect(policy.backoff(afterAttempt: 1, jitter: 1) == .milliseconds(100))
        #expect(policy.backoff(afterAttempt: 1, jitter: 0) == .milliseconds(50))
        #expect(policy.backoff(afterAttempt: 4, jitter: 1) == .milliseconds(800))
        #expect(policy.backoff(afterAttempt: 40, jitter: 1) == .seconds(2))
        #expect(policy.rateLimitDelay(retryAfterMilliseconds: 1500, retryAfterHeader: "9") == .milliseconds(1500))
        #expect(policy.rateLimitDelay(retryAfterMilliseconds: nil, retryAfterHeader: "1") == .seconds(1))
        #expect(policy.rateLimitDelay(retryAfterMilliseconds: nil, retryAfterHeader: nil) == nil)
        #expect(policy.rateLimitDelay(retryAfterMilliseconds: 999_999, retryAfterHeader: nil) == .seconds(2))
    }
}
