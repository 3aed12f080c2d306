import Crypto
import Foundation
import MatrixClient
import NIOCore
import NIOPosix

/// Everything the relay knows, behind one actor: accounts and sessions, rooms rebuilt from
/// one ordered event log, aliases, filters and transaction ids. Long-polls wait here for the
/// log to grow. With a journal, every change is written through and reloaded on start, except
/// encryption keys and to-device messages (`RelayKeys`, `RelayDeviceStream`): those stay in memory.
actor RelayStore {
    let serverName: String
    private let journal: RelayJournal?
    private var accounts: [String: RelayJournal.Account] = [:]
    private var sessions: [String: RelayJournal.Session] = [:]
    /// The devices (sessions) of each user: where a to-device message for `*` goes.
    private var devicesOfUser: [String: Set<String>] = [:]
    private var aliases: [String: String] = [:]
    private var data: RelayLog
    private var filters: [String: JSONValue] = [:]
    private var typing: [String: Set<String>] = [:]
    private var receipts: [String: [String: String]] = [:]
    /// Each user's global account data by type (such as `m.direct`, the list of their direct
    /// chats), in memory only: clients set it again as they use it.
    private var accountData: [String: [String: JSONValue]] = [:]
    /// Open long-polls, each with the user it waits for: an event wakes only those who can see it.
    private var waiters: [UUID: (user: String, continuation: CheckedContinuation<Void, Never>)] = [:]
    /// Shutting down: no long-poll waits any more.
    private var closing = false
    private var keys = RelayKeys()
    private var deviceStream = RelayDeviceStream()
    private var buckets: [String: TokenBucket] = [:]
    private let sendsPerSecond: Double
    /// Users the rate limit does not apply to, such as the bot (Synapse: a rate-limit override).
    private let unlimited: Set<String>

    /// - Parameter history: events a room keeps in memory; the journal, if any, keeps all.
    init(serverName: String, journal: RelayJournal?, history: Int, sendsPerSecond: Double, unlimited: Set<String>) throws {
        self.serverName = serverName
        self.journal = journal
        var log = RelayLog(history: history)
        self.sendsPerSecond = sendsPerSecond
        self.unlimited = unlimited
        if let journal {
            let saved = try journal.load { log.apply($0) }
            for account in saved.accounts { accounts[account.userID] = account }
            for session in saved.sessions {
                sessions[session.token] = session
                devicesOfUser[session.userID, default: []].insert(session.deviceID)
            }
            for alias in saved.aliases { aliases[alias.alias] = alias.roomID }
        }
        data = log
    }

    var position: Int { data.lastPosition }

    // MARK: - Accounts

    struct Login: Sendable {
        let userID: String
        let accessToken: String
        let deviceID: String
    }

    func register(username: String?, password: String?) throws(RelayError) -> Login {
        let name = username ?? "user-" + Self.randomString(8).lowercased()
        guard !name.isEmpty, name.count <= 64, name.utf8.allSatisfy({ Self.usernameBytes.contains($0) }) else {
            throw .invalidUsername("User names may contain only a-z, 0-9, . _ = - and /")
        }
        let userID = "@\(name):\(serverName)"
        guard accounts[userID] == nil else { throw .userInUse }
        let salt = Self.randomString(16)
        let account = RelayJournal.Account(userID: userID, passwordHash: Self.hash(password ?? Self.randomString(24), salt: salt), salt: salt)
        accounts[userID] = account
        try persist { try $0.save(account) }
        return try newSession(for: userID)
    }

    func login(user: String, password: String) throws(RelayError) -> Login {
        let userID = user.hasPrefix("@") ? user : "@\(user):\(serverName)"
        guard let account = accounts[userID], account.passwordHash == Self.hash(password, salt: account.salt) else {
            throw .forbidden("Invalid username or password")
        }
        return try newSession(for: userID)
    }

    func logout(_ token: String) throws(RelayError) {
        if let session = sessions.removeValue(forKey: token) {
            devicesOfUser[session.userID]?.remove(session.deviceID)
            deviceStream.remove(session.device)
        }
        try persist { try $0.delete(session: token) }
    }

    /// The session a token belongs to.
    func session(_ token: String) throws(RelayError) -> RelayJournal.Session {
        guard let session = sessions[token] else { throw .unknownToken }
        return session
    }

    private func newSession(for userID: String) throws(RelayError) -> Login {
        let session = RelayJournal.Session(token: "syt_" + Self.randomString(32), userID: userID, deviceID: Self.randomString(10).uppercased())
        sessions[session.token] = session
        devicesOfUser[userID, default: []].insert(session.deviceID)
        try persist { try $0.save(session) }
        return Login(userID: userID, accessToken: session.token, deviceID: session.deviceID)
    }

    // MARK: - Rooms

    func createRoom(by user: String, request: JSONValue) throws(RelayError) -> String {
        let preset = request["preset"]?.string ?? (request["visibility"]?.string == "public" ? "public_chat" : "private_chat")
        var alias: String?
        if let name = request["room_alias_name"]?.string {
            let full = "#\(name):\(serverName)"
            guard aliases[full] == nil else { throw .roomInUse }
            alias = full
        }
        let invites = (request["invite"]?.array ?? []).compactMap(\.string)
        let isDirect = request["is_direct"]?.bool ?? false
        let roomID = "!" + Self.randomString(18) + ":" + serverName
        data.rooms[roomID] = RelayRoom(id: roomID)
        var powers: [String: JSONValue] = [user: 100]
        if preset == "trusted_private_chat" { for invitee in invites { powers[invitee] = 100 } }
        try appendState(roomID, user, "m.room.create", "", ["creator": .string(user), "room_version": "10"])
        try appendState(roomID, user, "m.room.member", user, ["membership": "join"])
        try appendState(roomID, user, "m.room.power_levels", "", [
            "users": .object(powers), "users_default": 0, "events_default": 0, "state_default": 50,
            "invite": 0, "kick": 50, "ban": 50, "redact": 50,
        ])
        try appendState(roomID, user, "m.room.join_rules", "", ["join_rule": preset == "public_chat" ? "public" : "invite"])
        try appendState(roomID, user, "m.room.history_visibility", "", ["history_visibility": "shared"])
        if let name = request["name"]?.string { try appendState(roomID, user, "m.room.name", "", ["name": .string(name)]) }
        if let alias {
            aliases[alias] = roomID
            try persist { try $0.save(RelayJournal.Alias(alias: alias, roomID: roomID)) }
            try appendState(roomID, user, "m.room.canonical_alias", "", ["alias": .string(alias)])
        }
        // Such as `m.room.encryption`: a client that opens an encrypted chat says so here.
        for state in request["initial_state"]?.array ?? [] {
            guard let type = state["type"]?.string, let content = state["content"], content.object != nil else {
                throw .badJSON("Each initial_state event needs a type and a content object")
            }
            try appendState(roomID, user, type, state["state_key"]?.string ?? "", content)
        }
        for invitee in invites where invitee != user {
            try appendState(roomID, user, "m.room.member", invitee, ["membership": "invite", "is_direct": .bool(isDirect)])
        }
        return roomID
    }

    func resolve(_ idOrAlias: String) throws(RelayError) -> String {
        if idOrAlias.hasPrefix("#") {
            guard let roomID = aliases[idOrAlias] else { throw .notFound("Room alias \(idOrAlias) not found") }
            return roomID
        }
        guard data.rooms[idOrAlias] != nil else { throw .notFound("Unknown room \(idOrAlias)") }
        return idOrAlias
    }

    func join(_ idOrAlias: String, user: String) throws(RelayError) -> String {
        let roomID = try resolve(idOrAlias)
        let current = membership(of: user, in: roomID)
        if current == "join" { return roomID }
        let rule = stateContent(roomID, "m.room.join_rules", "")?["join_rule"]?.string ?? "invite"
        guard rule == "public" || current == "invite" else { throw .forbidden("You are not invited to this room") }
        try appendState(roomID, user, "m.room.member", user, ["membership": "join"])
        return roomID
    }

    func invite(_ invitee: String, to roomID: String, by user: String) throws(RelayError) {
        _ = try member(roomID, user)
        guard accounts[invitee] != nil else { throw .notFound("Unknown user \(invitee)") }
        let current = membership(of: invitee, in: roomID)
        guard current != "join", current != "invite" else { return }
        try appendState(roomID, user, "m.room.member", invitee, ["membership": "invite"])
    }

    func leave(_ roomID: String, user: String) throws(RelayError) {
        guard let membership = membership(of: user, in: roomID), membership == "join" || membership == "invite" else {
            throw .forbidden("You are not in this room")
        }
        try appendState(roomID, user, "m.room.member", user, ["membership": "leave"])
    }

    /// Sends an event; the same device and transaction id again is the same event.
    func send(_ roomID: String, type: String, stateKey: String? = nil, transaction: String?, content: JSONValue, session: RelayJournal.Session) throws(RelayError) -> String {
        _ = try member(roomID, session.userID)
        if let stateKey {
            guard content.object != nil else { throw .badJSON("State content must be a JSON object") }
            // Membership changes go through join, invite and leave; other state needs power.
            guard type != "m.room.member" else { throw .forbidden("Use join, invite and leave to change membership") }
            let powers = stateContent(roomID, "m.room.power_levels", "")
            let needed = powers?["events"]?[type]?.int ?? powers?["state_default"]?.int ?? 50
            guard (powers?["users"]?[session.userID]?.int ?? powers?["users_default"]?.int ?? 0) >= needed else {
                throw .forbidden("You need power level \(needed) to set \(type)\(stateKey.isEmpty ? "" : " for \(stateKey)")")
            }
        }
        let key = transaction.map { "\(session.deviceID)/\($0)" }
        if let key, let existing = data.eventID(forTransaction: key) { return existing }
        // A redaction and what it strips are saved together: a crash between them would leave
        // the words on disk, where memory no longer holds the event to redact it again.
        let redacted = type == "m.room.redaction" ? try redactable(content["redacts"]?.string, in: roomID, user: session.userID) : nil
        try rateLimit(session.userID)
        let event = try append(roomID, session.userID, type, stateKey, content, transactionKey: key, redacting: redacted.map(RelayLog.redacted))
        return event.eventID
    }

    /// The event a redaction by `user` would strip. One's own events may be redacted; others'
    /// need the room's `redact` power level (50), as on Synapse.
    private func redactable(_ eventID: String?, in roomID: String, user: String) throws(RelayError) -> RelayEvent {
        guard let eventID, let target = try event(eventID, in: roomID) else { throw .notFound("Event not found.") }
        guard target.sender != user else { return target }
        let powers = stateContent(roomID, "m.room.power_levels", "")
        let needed = powers?["redact"]?.int ?? 50
        guard (powers?["users"]?[user]?.int ?? powers?["users_default"]?.int ?? 0) >= needed else {
            throw .forbidden("You need power level \(needed) to redact another's event")
        }
        return target
    }

    func joinedRooms(_ user: String) -> [String] {
        (data.roomsOfUser[user] ?? []).filter { data.rooms[$0]?.joined(user) == true }.sorted()
    }

    func joinedMembers(_ roomID: String, user: String) throws(RelayError) -> [String: JSONValue] {
        let room = try member(roomID, user)
        var members: [String: JSONValue] = [:]
        for (id, membership) in room.membership where membership == "join" {
            members[id] = ["display_name": .string(String(id.dropFirst().prefix { $0 != ":" }))]
        }
        return members
    }

    func state(_ roomID: String, type: String?, stateKey: String, user: String) throws(RelayError) -> JSONValue {
        let room = try member(roomID, user)
        guard let type else {
            return .array(room.state.values.sorted().map { data.event(at: $0).clientJSON(for: user, includeRoomID: true) })
        }
        guard let content = stateContent(roomID, type, stateKey) else { throw .notFound("Event not found") }
        return content
    }

    /// `GET /rooms/{roomId}/event/{eventId}` with Synapse's answer to an unknown room or event,
    /// one of another room, and one the user may not see alike (the spec's 404: it does not
    /// say whether the event exists). Looked for from the newest: links point at recent messages.
    func event(_ eventID: String, in roomID: String, user: String) throws(RelayError) -> JSONValue {
        guard let room = data.rooms[roomID], room.membership[user] == "join" || room.membership[user] == "leave",
              let event = try event(eventID, in: roomID)
        else { throw .notFound("Event not found.") }
        return event.clientJSON(for: user, includeRoomID: true)
    }

    /// The event `eventID` of `roomID`: from memory, or else from the journal.
    private func event(_ eventID: String, in roomID: String) throws(RelayError) -> RelayEvent? {
        if let kept = data.event(eventID, in: roomID) { return kept }
        return try savedEvent(eventID, in: roomID)
    }

    private func savedEvent(_ eventID: String, in roomID: String) throws(RelayError) -> RelayEvent? {
        try read { try $0.event(eventID, in: roomID) }
    }

    func setTyping(_ roomID: String, user: String, typing isTyping: Bool) throws(RelayError) {
        _ = try member(roomID, user)
        if isTyping { typing[roomID, default: []].insert(user) } else { typing[roomID]?.remove(user) }
    }

    func receipt(_ roomID: String, eventID: String, user: String) throws(RelayError) {
        _ = try member(roomID, user)
        receipts[roomID, default: [:]][user] = eventID
    }

    func saveFilter(_ filter: JSONValue, user: String) -> String {
        let id = "\(filters.count + 1)"
        filters["\(user)/\(id)"] = filter
        return id
    }

    func filter(_ id: String, user: String) -> JSONValue? { filters["\(user)/\(id)"] }

    // MARK: - Reading the log

    func room(_ roomID: String) -> RelayRoom? { data.rooms[roomID] }
    /// Read without copying the room: a copy alive while the room changes would copy its
    /// members and state, thousands of entries in a community room, on every join.
    func membership(of user: String, in roomID: String) -> String? { data.rooms[roomID]?.membership[user] }
    func rooms(of user: String) -> Set<String> { data.roomsOfUser[user] ?? [] }
    func event(at position: Int) -> RelayEvent { data.event(at: position) }

    /// The rooms of `user` with events after `position`, found from whichever is shorter: the
    /// user's rooms, or the log since then. A patient in one room must not read every other
    /// patient's events to learn that nothing is theirs, nor the bot every room it is in.
    func roomsWithEvents(of user: String, after position: Int) -> Set<String> {
        let mine = rooms(of: user)
        guard data.lastPosition - position < mine.count, let recent = data.roomsOfEvents(after: position) else {
            return mine.filter { (data.rooms[$0]?.positions.last ?? 0) > position }
        }
        return Set(recent.filter(mine.contains))
    }
    func stateEvents(_ roomID: String) -> [RelayEvent] { (data.rooms[roomID]?.state.values.sorted() ?? []).map(data.event(at:)) }

    func stateContent(_ roomID: String, _ type: String, _ key: String) -> JSONValue? {
        data.rooms[roomID]?.state[RelayRoom.stateKey(type, key)].map { data.event(at: $0).content }
    }

    /// Where the log and the device stream are now: a sync token.
    var streamPosition: SyncToken { SyncToken(events: position, devices: deviceStream.position) }

    /// Waits until the log or the device stream moves past `seen`, or `timeout` passes. The
    /// timeout is an event loop's scheduled task, gone as soon as it is cancelled: a sleeping task
    /// would keep its memory for the whole long-poll, and every sync that finds news would leave
    /// one behind.
    func waitForNews(after seen: SyncToken, timeout: Duration, user: String) async {
        guard streamPosition == seen, timeout > .zero, !closing else { return }
        let id = UUID()
        let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: TimeAmount(timeout)) {
            Task { await self.wake(id) }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { waiters[id] = (user, $0) }
        } onCancel: {
            Task { await self.wake(id) }
        }
        timer.cancel()
    }

    private func wake(_ id: UUID) {
        waiters.removeValue(forKey: id)?.continuation.resume()
    }

    /// Ends the long-polls of the users a change is news to (`concerned`): they look again.
    private func wakeWaiters(where concerned: (String) -> Bool) {
        for (id, waiter) in waiters where concerned(waiter.user) { wake(id) }
    }

    /// Answers every open long-poll now, and every later one at once: on shutdown, clients get
    /// their (empty) answer instead of the server waiting out the longest poll.
    func endLongPolls() {
        closing = true
        for waiter in waiters.values { waiter.continuation.resume() }
        waiters.removeAll()
    }

    // MARK: - Writing the log

    private func member(_ roomID: String, _ user: String) throws(RelayError) -> RelayRoom {
        guard let room = data.rooms[roomID] else { throw .notFound("Unknown room \(roomID)") }
        guard room.joined(user) else { throw .forbidden("User \(user) is not in room \(roomID)") }
        return room
    }

    private func appendState(_ roomID: String, _ sender: String, _ type: String, _ stateKey: String, _ content: JSONValue) throws(RelayError) {
        _ = try append(roomID, sender, type, stateKey, content, transactionKey: nil)
    }

    private func append(_ roomID: String, _ sender: String, _ type: String, _ stateKey: String?, _ content: JSONValue, transactionKey: String?,
                        redacting redacted: RelayEvent? = nil) throws(RelayError) -> RelayEvent {
        // Fifteen bytes with its `$`: a string that short is kept inline, with no allocation, in the
        // log and in the day of transactions remembered; 62¹⁴ ids leave none alike in practice.
        let event = RelayEvent(
            position: data.lastPosition + 1, roomID: roomID, eventID: "$" + Self.randomString(14), type: type, sender: sender,
            stateKey: stateKey, content: content, originServerTS: Self.milliseconds, transactionKey: transactionKey
        )
        try persist { try $0.append(event, replacing: redacted) }
        data.apply(event)
        // Members and invitees see the event; a membership change is also news to the user it names.
        if let members = data.rooms[roomID]?.membership {
            let named = type == "m.room.member" ? stateKey : nil
            wakeWaiters { $0 == named || members[$0] == "join" || members[$0] == "invite" }
        }
        return event
    }

    private func persist(_ write: (RelayJournal) throws -> Void) throws(RelayError) {
        guard let journal else { return }
        do {
            try write(journal)
        } catch {
            throw .unknown("The relay could not save the change: \(error)")
        }
    }

    /// What the journal answers; nil without one.
    func read<T>(_ query: (RelayJournal) throws -> T?) throws(RelayError) -> T? {
        guard let journal else { return nil }
        do {
            return try query(journal)
        } catch {
            throw .unknown("The relay could not read its database: \(error)")
        }
    }

    private func rateLimit(_ user: String) throws(RelayError) {
        guard !unlimited.contains(user) else { return }
        var bucket = buckets[user] ?? TokenBucket(capacity: max(1, sendsPerSecond * 2), rate: sendsPerSecond)
        defer { buckets[user] = bucket }
        if let wait = bucket.take() { throw .limitExceeded(retryAfterMilliseconds: wait) }
    }

    // MARK: - Helpers

    private static let usernameBytes = Set("abcdefghijklmnopqrstuvwxyz0123456789._=-/".utf8)
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)

    /// Letters and digits from the system's secure generator (tokens are made of them), ten
    /// per 64-bit draw: every event id is one, and a draw is a system call.
    static func randomString(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var characters: [UInt8] = []
        characters.reserveCapacity(count)
        var bits: UInt64 = 0
        for index in 0..<count {
            if index % 10 == 0 { bits = generator.next() }
            characters.append(alphabet[Int(bits % UInt64(alphabet.count))])
            bits /= UInt64(alphabet.count)
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Now, in the milliseconds since 1970 that Matrix timestamps count.
    private static var milliseconds: Int { Int(Date().timeIntervalSince1970 * 1000) }

    private static func hash(_ password: String, salt: String) -> String {
        SHA256.hash(data: Data((salt + password).utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

// MARK: - End-to-end encryption: keys and to-device messages (store and forward)

extension RelayStore {
    func uploadKeys(_ body: JSONValue, session: RelayJournal.Session) throws(RelayError) -> JSONValue {
        defer { announceKeyChanges() }
        let counts = try keys.upload(body, user: session.userID, device: session.deviceID)
        return ["one_time_key_counts": .object(counts.mapValues { .number(Double($0)) })]
    }

    func queryKeys(_ body: JSONValue, user: String) -> JSONValue {
        keys.query(Array((body["device_keys"]?.object ?? [:]).keys), by: user)
    }

    func claimKeys(_ body: JSONValue) -> JSONValue {
        keys.claim(body["one_time_keys"] ?? [:])
    }

    func uploadCrossSigningKeys(_ body: JSONValue, user: String) throws(RelayError) {
        defer { announceKeyChanges() }
        try keys.uploadCrossSigning(body, user: user)
    }

    func uploadSignatures(_ body: JSONValue, by user: String) -> JSONValue {
        defer { announceKeyChanges() }
        return keys.uploadSignatures(body, by: user)
    }

    /// Puts the users whose keys just changed in the device stream, and wakes the long-polls of
    /// those who share a room with them: their clients must look the keys up again.
    private func announceKeyChanges() {
        let changed = keys.takeChanges()
        guard !changed.isEmpty else { return }
        deviceStream.keysChanged(of: changed)
        wakeWaiters { user in changed.contains { sharesRoom(user, with: $0) } }
    }

    /// Whether `user` is `other` or joined to a room `other` is joined to (read from `other`'s
    /// rooms: the one whose keys changed, often a patient in a room or two).
    private func sharesRoom(_ user: String, with other: String) -> Bool {
        user == other || rooms(of: other).contains { membership(of: user, in: $0) == "join" && membership(of: other, in: $0) == "join" }
    }

    /// `PUT /sendToDevice/{eventType}/{txnId}`: each `content` of `messages` queued for the device
    /// it names, `*` for all of that user's. Unknown users and devices are dropped, as Synapse
    /// does. The same device and transaction id again sends nothing.
    /// - Returns: the devices whose full queue dropped its oldest message to make room.
    func sendToDevice(type: String, transaction: String, body: JSONValue, session: RelayJournal.Session) throws(RelayError) -> [RelayKeys.Device] {
        guard let messages = body["messages"]?.object,
              messages.values.allSatisfy({ $0.object?.values.allSatisfy { $0.object != nil } == true })
        else { throw .badJSON("Expected messages: {user ID: {device ID or *: content object}}") }
        // Not a room send's key: those start with the device id, which has no lower-case letters.
        let key = "to-device/\(session.deviceID)/\(transaction)"
        guard data.eventID(forTransaction: key) == nil else { return [] }
        try rateLimit(session.userID)
        data.remember(transaction: key, sentAt: Self.milliseconds)
        var addressed: [(device: RelayKeys.Device, content: JSONValue)] = []
        for (user, contents) in messages {
            let known = devicesOfUser[user] ?? []
            for (device, content) in contents.object ?? [:] {
                let targets = device == "*" ? known.sorted() : known.contains(device) ? [device] : []
                addressed += targets.map { (RelayKeys.Device(user: user, device: $0), content) }
            }
        }
        guard !addressed.isEmpty else { return [] }
        let overflowed = deviceStream.send(type: type, from: session.userID, addressed)
        let recipients = Set(addressed.map(\.device.user))
        wakeWaiters(where: recipients.contains)
        return overflowed
    }

    /// What a sync of `session` shows outside rooms: the to-device messages waiting for its
    /// device, and the users it shares a room with whose keys changed after `since` (none on an
    /// initial sync).
    func deviceNews(for session: RelayJournal.Session, since: Int?) -> (toDevice: [JSONValue], keysChanged: [String]) {
        let changed = since.map { deviceStream.usersWithKeyChanges(after: $0).filter { sharesRoom(session.userID, with: $0) } }
        return (deviceStream.messages(for: session.device), changed ?? [])
    }

    /// A sync from `position` shows the device has every message up to there: they are deleted.
    func acknowledgeToDevice(_ session: RelayJournal.Session, through position: Int) {
        deviceStream.acknowledge(session.device, through: position)
    }

    /// What a device's sync says of its keys: `device_one_time_keys_count` and
    /// `device_unused_fallback_key_types`.
    func keyCounts(of session: RelayJournal.Session) -> [String: JSONValue] {
        [
            "device_one_time_keys_count": .object(keys.oneTimeKeyCounts(user: session.userID, device: session.deviceID).mapValues { .number(Double($0)) }),
            "device_unused_fallback_key_types": .array(keys.unusedFallbackKeyTypes(user: session.userID, device: session.deviceID).map(JSONValue.string)),
        ]
    }

    // MARK: - Account data

    func setAccountData(_ content: JSONValue, type: String, user: String) {
        accountData[user, default: [:]][type] = content
    }

    func accountData(type: String, user: String) throws(RelayError) -> JSONValue {
        guard let content = accountData[user]?[type] else { throw .notFound("No account data of type \(type)") }
        return content
    }

    /// What an initial sync shows of the user's account data (incremental syncs show none).
    func accountDataEvents(of user: String) -> [JSONValue] {
        (accountData[user] ?? [:]).sorted { $0.key < $1.key }.map { ["type": .string($0.key), "content": $0.value] }
    }
}
