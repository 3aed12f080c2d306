import Foundation
import Hummingbird
import MatrixClient
import NIOCore

/// The Client-Server API v3 subset the bot and ordinary clients use, over `RelayStore`.
struct RelayRoutes: Sendable {
    let store: RelayStore
    /// The largest request body accepted (Synapse's event limit).
    static let maximumBody = 65_536
    /// The chat page, served at `/`.
    let page: ByteBuffer

    func register(on router: Router<BasicRequestContext>) {
        var paths: [[Substring]] = []
        func route(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response) {
            router.on(RouterPath(path), method: method, use: handler)
            paths.append(path.split(separator: "/"))
        }
        defer { router.add(middleware: UnrecognizedRequestMiddleware(routes: paths)) }
        let v3 = "/_matrix/client/v3"
        route(.get, "/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"], body: .init(byteBuffer: page))
        }
        route(.get, "/_matrix/client/versions") { _, _ in
            try json(["versions": ["v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6"], "unstable_features": [:]])
        }
        route(.get, "\(v3)/login") { _, _ in try json(["flows": [["type": "m.login.password"]]]) }
        route(.post, "\(v3)/login") { request, _ in
            let body = try await body(request)
            guard body["type"]?.string == "m.login.password",
                  let user = body["identifier"]?["user"]?.string ?? body["user"]?.string, let password = body["password"]?.string
            else { throw RelayError.badJSON("Expected m.login.password with identifier.user and password") }
            return try login(try await store.login(user: user, password: password))
        }
        route(.post, "\(v3)/register") { request, _ in
            let body = try await body(request)
            if let kind = request.uri.queryParameters.get("kind"), kind != "user" {
                throw RelayError.forbidden("Only kind=user registration is open")
            }
            return try login(try await store.register(username: body["username"]?.string, password: body["password"]?.string))
        }
        route(.post, "\(v3)/logout") { request, _ in
            _ = try await session(request)
            try await store.logout(try token(request))
            return try json([:])
        }
        route(.get, "\(v3)/account/whoami") { request, _ in
            let session = try await session(request)
            return try json(["user_id": .string(session.userID), "device_id": .string(session.deviceID)])
        }
        route(.put, "\(v3)/user/:user/account_data/:type") { request, context in
            let session = try await session(request)
            guard try parameter(context, "user") == session.userID else { throw RelayError.forbidden("Cannot set another user's account data") }
            let content = try await body(request)
            guard content.object != nil else { throw RelayError.badJSON("Account data must be a JSON object") }
            await store.setAccountData(content, type: try parameter(context, "type"), user: session.userID)
            return try json([:])
        }
        route(.get, "\(v3)/user/:user/account_data/:type") { request, context in
            let session = try await session(request)
            guard try parameter(context, "user") == session.userID else { throw RelayError.forbidden("Cannot read another user's account data") }
            return try json(try await store.accountData(type: try parameter(context, "type"), user: session.userID))
        }
        route(.post, "\(v3)/createRoom") { request, _ in
            let session = try await session(request)
            let roomID = try await store.createRoom(by: session.userID, request: try await body(request))
            return try json(["room_id": .string(roomID)])
        }
        route(.post, "\(v3)/join/:room") { request, context in
            let session = try await session(request)
            return try json(["room_id": .string(try await store.join(try parameter(context, "room"), user: session.userID))])
        }
        route(.post, "\(v3)/rooms/:room/join") { request, context in
            let session = try await session(request)
            return try json(["room_id": .string(try await store.join(try parameter(context, "room"), user: session.userID))])
        }
        route(.post, "\(v3)/rooms/:room/invite") { request, context in
            let session = try await session(request)
            guard let invitee = try await body(request)["user_id"]?.string else { throw RelayError.badJSON("Expected user_id") }
            try await store.invite(invitee, to: try parameter(context, "room"), by: session.userID)
            return try json([:])
        }
        route(.post, "\(v3)/rooms/:room/leave") { request, context in
            let session = try await session(request)
            try await store.leave(try parameter(context, "room"), user: session.userID)
            return try json([:])
        }
        route(.get, "\(v3)/directory/room/:alias") { request, context in
            let roomID = try await store.resolve(try parameter(context, "alias"))
            return try json(["room_id": .string(roomID), "servers": .array([.string(store.serverName)])])
        }
        route(.put, "\(v3)/rooms/:room/send/:type/:txn") { request, context in
            let session = try await session(request)
            let content = try await body(request)
            guard content.object != nil else { throw RelayError.badJSON("Event content must be a JSON object") }
            let eventID = try await store.send(try parameter(context, "room"), type: try parameter(context, "type"),
                                               transaction: try parameter(context, "txn"), content: content, session: session)
            return try json(["event_id": .string(eventID)])
        }
        // A redaction is an event naming what it removes (in its content, as room version 11
        // has it); the redacted event keeps only what room state needs, in memory and on disk.
        route(.put, "\(v3)/rooms/:room/redact/:event/:txn") { request, context in
            let session = try await session(request)
            var content = try await body(request).object ?? [:]
            content["redacts"] = .string(try parameter(context, "event"))
            let eventID = try await store.send(try parameter(context, "room"), type: "m.room.redaction",
                                               transaction: try parameter(context, "txn"), content: .object(content), session: session)
            return try json(["event_id": .string(eventID)])
        }
        // The state key may be empty: `state/m.room.name/` arrives without its last segment.
        for path in ["\(v3)/rooms/:room/state/:type/:key", "\(v3)/rooms/:room/state/:type"] {
            route(.put, path) { request, context in
                let session = try await session(request)
                let eventID = try await store.send(try parameter(context, "room"), type: try parameter(context, "type"),
                                                   stateKey: context.parameters.get("key").map { $0.percentDecoded ?? String($0) } ?? "",
                                                   transaction: nil, content: try await body(request), session: session)
                return try json(["event_id": .string(eventID)])
            }
        }
        route(.get, "\(v3)/rooms/:room/state") { request, context in
            let session = try await session(request)
            return try json(try await store.state(try parameter(context, "room"), type: nil, stateKey: "", user: session.userID))
        }
        route(.get, "\(v3)/rooms/:room/state/:type") { request, context in
            let session = try await session(request)
            return try json(try await store.state(try parameter(context, "room"), type: try parameter(context, "type"), stateKey: "", user: session.userID))
        }
        route(.get, "\(v3)/rooms/:room/state/:type/:key") { request, context in
            let session = try await session(request)
            return try json(try await store.state(try parameter(context, "room"), type: try parameter(context, "type"),
                                                  stateKey: try parameter(context, "key"), user: session.userID))
        }
        route(.get, "\(v3)/rooms/:room/event/:event") { request, context in
            let session = try await session(request)
            return try json(try await store.event(try parameter(context, "event"), in: try parameter(context, "room"), user: session.userID))
        }
        route(.get, "\(v3)/rooms/:room/joined_members") { request, context in
            let session = try await session(request)
            return try json(["joined": .object(try await store.joinedMembers(try parameter(context, "room"), user: session.userID))])
        }
        route(.get, "\(v3)/joined_rooms") { request, _ in
            let session = try await session(request)
            return try json(["joined_rooms": .array(await store.joinedRooms(session.userID).map { .string($0) })])
        }
        route(.put, "\(v3)/rooms/:room/typing/:user") { request, context in
            let session = try await session(request)
            guard try parameter(context, "user") == session.userID else { throw RelayError.forbidden("You may only set your own typing notice") }
            let typing = try await body(request)["typing"]?.bool ?? false
            try await store.setTyping(try parameter(context, "room"), user: session.userID, typing: typing)
            return try json([:])
        }
        route(.post, "\(v3)/rooms/:room/receipt/:type/:event") { request, context in
            let session = try await session(request)
            try await store.receipt(try parameter(context, "room"), eventID: try parameter(context, "event"), user: session.userID)
            return try json([:])
        }
        route(.post, "\(v3)/user/:user/filter") { request, context in
            let session = try await session(request)
            guard try parameter(context, "user") == session.userID else { throw RelayError.forbidden("Cannot create filters for other users") }
            return try json(["filter_id": .string(await store.saveFilter(try await body(request), user: session.userID))])
        }
        route(.get, "\(v3)/user/:user/filter/:id") { request, context in
            let session = try await session(request)
            guard let filter = await store.filter(try parameter(context, "id"), user: session.userID) else { throw RelayError.notFound("No such filter") }
            return try json(filter)
        }
        route(.get, "\(v3)/sync") { request, _ in
            let session = try await session(request)
            let query = request.uri.queryParameters
            let since = try query.get("since").map { token throws(RelayError) in try RelayStore.SyncToken(token) }
            let timeout = Duration.milliseconds(min(max(query.get("timeout", as: Int.self) ?? 0, 0), 60_000))
            var filter: JSONValue?
            if let text = query.get("filter") {
                filter = text.hasPrefix("{") ? try? JSONValue(parsing: Data(text.utf8)) : await store.filter(text, user: session.userID)
            }
            let response = await store.sync(session: session, since: since, timeout: timeout, filter: .init(filter))
            guard case let .object(fields) = response else { return try json(response) }
            return try json(.object(fields.merging(await store.keyCounts(of: session)) { $1 }))
        }
        route(.put, "\(v3)/sendToDevice/:type/:txn") { request, context in
            let session = try await session(request)
            let overflowed = try await store.sendToDevice(type: try parameter(context, "type"), transaction: try parameter(context, "txn"),
                                                          body: try await body(request), session: session)
            for device in overflowed {
                context.logger.warning("a device's to-device queue is full: its oldest message was dropped",
                                       metadata: ["matrix.device_id": "\(device.device)"])
            }
            return try json([:])
        }
        route(.post, "\(v3)/keys/upload") { request, _ in
            let session = try await session(request)
            return try json(try await store.uploadKeys(try await body(request), session: session))
        }
        route(.post, "\(v3)/keys/query") { request, _ in
            let session = try await session(request)
            return try json(await store.queryKeys(try await body(request), user: session.userID))
        }
        route(.post, "\(v3)/keys/claim") { request, _ in
            _ = try await session(request)
            return try json(await store.claimKeys(try await body(request)))
        }
        route(.post, "\(v3)/keys/device_signing/upload") { request, _ in
            let session = try await session(request)
            try await store.uploadCrossSigningKeys(try await body(request), user: session.userID)
            return try json([:])
        }
        route(.post, "\(v3)/keys/signatures/upload") { request, _ in
            let session = try await session(request)
            return try json(await store.uploadSignatures(try await body(request), by: session.userID))
        }
        route(.get, "\(v3)/rooms/:room/messages") { request, context in
            let session = try await session(request)
            let query = request.uri.queryParameters
            let from = try query.get("from").map { token throws(RelayError) in try RelayStore.position(token) }
            let to = try query.get("to").map { token throws(RelayError) in try RelayStore.position(token) }
            let filter = query.get("filter").flatMap { try? JSONValue(parsing: Data($0.utf8)) }
            return try json(try await store.messages(try parameter(context, "room"), user: session.userID, from: from, to: to,
                                                     backwards: query.get("dir") != "f", limit: query.get("limit", as: Int.self) ?? 10,
                                                     filter: .init(roomEvents: filter)))
        }
    }

    // MARK: - Helpers

    private func session(_ request: Request) async throws -> RelayJournal.Session {
        try await store.session(try token(request))
    }

    private func token(_ request: Request) throws -> String {
        let header = request.headers[.authorization]
        guard let token = header.flatMap({ $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }) ?? request.uri.queryParameters.get("access_token") else {
            throw RelayError.missingToken
        }
        return token
    }

    private func body(_ request: Request) async throws -> JSONValue {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maximumBody)
        } catch {
            throw RelayError.tooLarge(limit: Self.maximumBody)
        }
        return try RelayJSON.decode(buffer)
    }

    private func parameter(_ context: BasicRequestContext, _ name: String) throws -> String {
        let raw = try context.parameters.require(name)
        return raw.percentDecoded ?? String(raw)
    }

    private func login(_ login: RelayStore.Login) throws -> Response {
        try json(["user_id": .string(login.userID), "access_token": .string(login.accessToken), "device_id": .string(login.deviceID), "home_server": .string(store.serverName)])
    }

    private func json(_ value: JSONValue) throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try RelayJSON.encode(value))))
    }
}
