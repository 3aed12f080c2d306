import Foundation
import HTTPTypes
import Logging
import Metrics
import Synchronization

/// The subset of the Matrix Client-Server API (v3) the bot uses, over any `HTTPTransport`.
///
/// Rate limits and server or network failures are retried here, by `RetryPolicy`, so callers
/// see only answers and errors that retrying cannot fix. The access token travels in the
/// `Authorization` header and never reaches a log.
public struct MatrixClient: Sendable {
    public let homeserver: URL
    /// Where every request goes: the homeserver's scheme and authority, and its path without
    /// query, fragment or trailing slash, so an operator's `https://host/prefix/` works as given.
    private let scheme: String
    private let authority: String
    private let pathPrefix: String
    private let accessToken: String
    private let transport: any HTTPTransport
    private let retry: RetryPolicy
    private let logger: Logger
    private let eventRequests = EventRequestCount()
    /// Set for a client that must never write plaintext into an encrypted room (the bot's).
    private let encryptedRooms: EncryptedRooms?
    /// A request that is not a long poll gives up after this long.
    public static let requestTimeout = Duration.seconds(30)

    /// - Parameter refusingEncryptedRooms: never send plaintext into an end-to-end encrypted
    ///   room: until `encryptEvents(with:)`, such a send throws `MatrixError` with `isRefusal`.
    public init(homeserver: URL, accessToken: String, transport: any HTTPTransport = AsyncHTTPClientTransport.shared, retry: RetryPolicy = RetryPolicy(),
                refusingEncryptedRooms: Bool = false, logger: Logger) {
        self.homeserver = homeserver
        encryptedRooms = refusingEncryptedRooms ? EncryptedRooms() : nil
        let address = homeserver.absoluteString
        let afterScheme = address.range(of: "://").map { address[$0.upperBound...] } ?? address[...]
        let location = afterScheme.prefix { $0 != "?" && $0 != "#" }
        let slash = location.firstIndex(of: "/") ?? location.endIndex
        scheme = homeserver.scheme ?? "https"
        authority = String(location[..<slash])
        pathPrefix = String(location[slash...]).trimmingSuffix("/")
        self.accessToken = accessToken
        self.transport = transport
        self.retry = retry
        self.logger = logger
    }

    /// Requests this client (and every copy of it) has made that put an event into a room,
    /// retries included: at least as many as the events it sent. A sync uses it to know how many
    /// of a room's newest events may be the user's own.
    public var eventRequestsMade: Int { eventRequests.value.load(ordering: .relaxed) }

    // MARK: - Endpoints

    public func whoami() async throws -> String {
        try await whoamiWithDevice().userID
    }

    /// The token's user, and its device when it has one (encryption keys belong to a device).
    public func whoamiWithDevice() async throws -> (userID: String, deviceID: String?) {
        let response = try await request(.get, ["account", "whoami"], endpoint: .whoami)
        guard let userID = response["user_id"]?.string else { throw MatrixError.malformedResponse("whoami without user_id") }
        return (userID, response["device_id"]?.string)
    }

    /// Uploads a sync filter and returns its id.
    public func createFilter(userID: String, filter: JSONValue) async throws -> String {
        let response = try await request(.post, ["user", userID, "filter"], body: filter, endpoint: .filter)
        guard let id = response["filter_id"]?.string else { throw MatrixError.malformedResponse("filter without filter_id") }
        return id
    }

    /// Long-polls for new events: the server holds the request until something happens or
    /// `timeout` passes. No `since` is an initial sync.
    public func sync(since: String?, filter: String?, timeout: Duration, userID: String) async throws -> SyncResponse {
        var query: [(String, String)] = [("timeout", "\(timeout.milliseconds)"), ("set_presence", "offline")]
        if let since { query.append(("since", since)) }
        if let filter { query.append(("filter", filter)) }
        let response = try await request(.get, ["sync"], query: query, timeout: timeout + Self.requestTimeout, endpoint: .sync)
        return try SyncResponse(json: response, userID: userID)
    }

    /// Sends an event, encrypted in an encrypted room. The same `transactionID` twice is one
    /// event: the homeserver de-duplicates.
    @discardableResult
    public func send(roomID: String, eventType: String = "m.room.message", transactionID: String, content: JSONValue) async throws -> String {
        var (eventType, content) = (eventType, content)
        if let encryptor = try await encryptor(for: roomID) {
            content = try await encryptor.encrypt(content, type: eventType, roomID: roomID)
            eventType = "m.room.encrypted"
        }
        let response = try await request(.put, ["rooms", roomID, "send", eventType, transactionID], body: content, endpoint: .send)
        guard let eventID = response["event_id"]?.string else { throw MatrixError.malformedResponse("send without event_id") }
        return eventID
    }

    /// Sets a piece of room state (`PUT /rooms/{roomId}/state/{type}/{stateKey}`).
    @discardableResult
    public func setState(roomID: String, type: String, stateKey: String = "", content: JSONValue) async throws -> String {
        let response = try await request(.put, ["rooms", roomID, "state", type, stateKey], body: content, endpoint: .state)
        guard let eventID = response["event_id"]?.string else { throw MatrixError.malformedResponse("state without event_id") }
        return eventID
    }

    /// A sync showed encryption turned on in a room: nothing more is sent there.
    public func noteEncrypted(roomID: String) {
        encryptedRooms?.note(roomID, encrypted: true)
    }

    /// From now on events for encrypted rooms go out encrypted by `encryptor`, from this client
    /// and every copy of it. Only for a client that refuses plaintext in encrypted rooms.
    public func encryptEvents(with encryptor: any RoomEventEncrypting) {
        encryptedRooms?.encryptor = encryptor
    }

    /// Whether events for encrypted rooms go out encrypted (rather than being refused).
    public var canEncrypt: Bool { encryptedRooms?.encryptor != nil }

    /// What encrypts events for `roomID`: `nil` when the room is not encrypted (or the client
    /// does not care); throws when it is and the client cannot encrypt. Looks the room's state
    /// up the first time.
    private func encryptor(for roomID: String) async throws -> (any RoomEventEncrypting)? {
        guard let encryptedRooms else { return nil }
        var encrypted = encryptedRooms.isEncrypted(roomID)
        if encrypted == nil {
            do {
                _ = try await request(.get, ["rooms", roomID, "state", "m.room.encryption"], endpoint: .state)
                encrypted = true
            } catch let error as MatrixError where error.errcode == "M_NOT_FOUND" {
                encrypted = false
            }
            encryptedRooms.note(roomID, encrypted: encrypted ?? true)
        }
        guard encrypted == true else { return nil }
        guard let encryptor = encryptedRooms.encryptor else { throw MatrixError.encryptedRoom(roomID) }
        return encryptor
    }

    /// Removes an event's content (a reaction taken back, a message withdrawn); the same
    /// `transactionID` twice is one redaction.
    @discardableResult
    public func redact(roomID: String, eventID: String, transactionID: String, reason: String? = nil) async throws -> String {
        let response = try await request(.put, ["rooms", roomID, "redact", eventID, transactionID], body: .object(reason.map { ["reason": .string($0)] } ?? [:]),
                                         endpoint: .redact)
        guard let redaction = response["event_id"]?.string else { throw MatrixError.malformedResponse("redact without event_id") }
        return redaction
    }

    /// Joins a room by id or alias and returns its id.
    @discardableResult
    public func join(_ roomIDOrAlias: String) async throws -> String {
        let response = try await request(.post, ["join", roomIDOrAlias], body: [:], endpoint: .join)
        guard let roomID = response["room_id"]?.string else { throw MatrixError.malformedResponse("join without room_id") }
        return roomID
    }

    public func leave(_ roomID: String) async throws {
        _ = try await request(.post, ["rooms", roomID, "leave"], body: [:], endpoint: .leave)
    }

    /// Creates a room. Not retried after a failure that may have created it anyway.
    public func createRoom(_ body: JSONValue) async throws -> String {
        let response = try await request(.post, ["createRoom"], body: body, retrying: false, endpoint: .createRoom)
        guard let roomID = response["room_id"]?.string else { throw MatrixError.malformedResponse("createRoom without room_id") }
        // Only encryption asked for is known: a server may encrypt new rooms by itself, so a room
        // asked for without it is looked up at its first send like any other.
        if (body["initial_state"]?.array ?? []).contains(where: { $0["type"]?.string == "m.room.encryption" }) {
            encryptedRooms?.note(roomID, encrypted: true)
        }
        return roomID
    }

    public func invite(_ userID: String, to roomID: String) async throws {
        _ = try await request(.post, ["rooms", roomID, "invite"], body: ["user_id": .string(userID)], endpoint: .invite)
        await encryptedRooms?.encryptor?.membershipChanged(in: roomID)
    }

    /// Events before `from` (the newest when `nil`), newest first, down to `to` when given;
    /// only of `types` when given.
    public func messages(roomID: String, from: String?, to: String?, limit: Int, filter: JSONValue? = nil) async throws -> (events: [ClientEvent], end: String?) {
        var query = [("dir", "b"), ("limit", "\(limit)")]
        if let from { query.append(("from", from)) }
        if let to { query.append(("to", to)) }
        if let filter { query.append(("filter", String(decoding: filter.serialized(), as: UTF8.self))) }
        let response = try await request(.get, ["rooms", roomID, "messages"], query: query, endpoint: .messages)
        return ((response["chunk"]?.array ?? []).compactMap(ClientEvent.init(json:)), response["end"]?.string)
    }

    public func setTyping(_ typing: Bool, userID: String, roomID: String, timeout: Duration = .seconds(10)) async throws {
        var body: JSONValue = ["typing": .bool(typing)]
        if typing, case var .object(object) = body {
            object["timeout"] = .number(Double(timeout.milliseconds))
            body = .object(object)
        }
        _ = try await request(.put, ["rooms", roomID, "typing", userID], body: body, endpoint: .typing)
    }

    public func sendReadReceipt(roomID: String, eventID: String) async throws {
        _ = try await request(.post, ["rooms", roomID, "receipt", "m.read", eventID], body: [:], endpoint: .receipt)
    }

    public func resolveAlias(_ alias: String) async throws -> String {
        let response = try await request(.get, ["directory", "room", alias], endpoint: .directory)
        guard let roomID = response["room_id"]?.string else { throw MatrixError.malformedResponse("alias without room_id") }
        return roomID
    }

    /// Members who have joined, with their display names.
    public func joinedMembers(roomID: String) async throws -> [String: String?] {
        let response = try await request(.get, ["rooms", roomID, "joined_members"], endpoint: .joinedMembers)
        return (response["joined"]?.object ?? [:]).mapValues { $0["display_name"]?.string }
    }

    /// Every state event of a room: who created it, its power levels, its members.
    public func roomState(roomID: String) async throws -> [ClientEvent] {
        let response = try await request(.get, ["rooms", roomID, "state"], endpoint: .state)
        return (response.array ?? []).compactMap(ClientEvent.init(json:))
    }

    /// One event of a room the user may see (`M_NOT_FOUND` for an unknown one and for one they
    /// may not see): what a moderator's link points at.
    public func event(roomID: String, eventID: String) async throws -> ClientEvent {
        let response = try await request(.get, ["rooms", roomID, "event", eventID], endpoint: .event)
        guard let event = ClientEvent(json: response) else { throw MatrixError.malformedResponse("event without event_id, type, sender or content") }
        return event
    }

    // MARK: - Requests

    func request(
        _ method: HTTPRequest.Method, _ path: [String], query: [(String, String)] = [], body: JSONValue? = nil,
        timeout: Duration = requestTimeout, retrying: Bool = true, endpoint: Endpoint
    ) async throws -> JSONValue {
        let request = httpRequest(method, path, query: query, hasBody: body != nil)
        let bytes = body?.serialized()
        var attempt = 0
        while true {
            attempt += 1
            endpoint.requests.increment()
            if endpoint.makesAnEvent { eventRequests.value.add(1, ordering: .relaxed) }
            let outcome: Result<(HTTPResponse, Data), any Error>
            do {
                outcome = .success(try await transport.send(request, body: bytes, timeout: timeout))
            } catch {
                outcome = .failure(error)
            }
            try Task.checkCancellation()
            switch outcome {
            case let .success((response, data)) where response.status.kind == .successful:
                do {
                    return data.isEmpty ? .object([:]) : try JSONValue(parsing: data)
                } catch {
                    throw MatrixError.malformedResponse("\(endpoint.rawValue) answered with a body that is not JSON")
                }
            case let .success((response, data)):
                let status = response.status.code
                let body = try? JSONValue(parsing: data)
                let error = MatrixError.server(status: status, body: body)
                if status == 429 || error.errcode == "M_LIMIT_EXCEEDED" {
                    let delay = retry.rateLimitDelay(
                        retryAfterMilliseconds: body?["retry_after_ms"]?.int,
                        retryAfterHeader: response.headerFields[.retryAfter]
                    ) ?? retry.backoff(afterAttempt: attempt, jitter: .random(in: 0...1))
                    logger.notice("rate limited; waiting", metadata: ["matrix.endpoint": "\(endpoint.rawValue)", "matrix.retry_in_ms": "\(delay.milliseconds)"])
                    try await Task.sleep(for: delay)
                    continue
                }
                guard status >= 500, retrying, retry.shouldRetry(afterAttempt: attempt) else { throw error }
                try await backOff(endpoint, attempt: attempt, reason: "HTTP \(status)")
            case let .failure(error):
                if error is MatrixError { throw error }
                guard retrying, retry.shouldRetry(afterAttempt: attempt) else { throw error }
                try await backOff(endpoint, attempt: attempt, reason: "network error")
            }
        }
    }

    private func backOff(_ endpoint: Endpoint, attempt: Int, reason: String) async throws {
        let delay = retry.backoff(afterAttempt: attempt, jitter: .random(in: 0...1))
        logger.warning("request failed; retrying", metadata: [
            "matrix.endpoint": "\(endpoint.rawValue)", "matrix.reason": "\(reason)", "matrix.attempt": "\(attempt)", "matrix.retry_in_ms": "\(delay.milliseconds)",
        ])
        try await Task.sleep(for: delay)
    }

    private func httpRequest(_ method: HTTPRequest.Method, _ path: [String], query: [(String, String)], hasBody: Bool) -> HTTPRequest {
        var address = pathPrefix + "/_matrix/client/v3/" + path.map(Self.percentEncoded).joined(separator: "/")
        if !query.isEmpty {
            address += "?" + query.map { "\($0.0)=\(Self.percentEncoded($0.1))" }.joined(separator: "&")
        }
        var fields: HTTPFields = [.authorization: "Bearer \(accessToken)"]
        if hasBody { fields[.contentType] = "application/json" }
        return HTTPRequest(method: method, scheme: scheme, authority: authority, path: address, headerFields: fields)
    }

    /// RFC 3986 unreserved characters stay; every other byte is percent-encoded, so a path
    /// segment keeps `!room:server`, `#alias:server` and `$event` whole. Every request builds
    /// its address here.
    static func percentEncoded(_ text: String) -> String {
        var encoded: [UInt8] = []
        encoded.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.append(byte)
            default:
                encoded += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}

/// Printed, dumped or logged (service lifecycles log their services at debug level), a client
/// shows its homeserver, never its access token.
extension MatrixClient: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "MatrixClient(\(homeserver.absoluteString))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["homeserver": homeserver]) }
}

/// A count shared by a client's copies.
private final class EventRequestCount: Sendable {
    let value = Atomic<Int>(0)
}
