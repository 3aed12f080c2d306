import BotEncryption
import Foundation
import IntentEngine
import Logging
import MatrixClient
import Metrics
import ServiceLifecycle
import Storage

/// The bot's main loop: long-poll `/sync`, handle every new patient message exactly once,
/// then save the position.
///
/// Nothing lost, nothing twice: the position is saved only after its batch is handled, and
/// each handled event is remembered, so a crash at any moment neither skips nor repeats a
/// reply (the position is saved at most once a second and at shutdown: after a crash the last
/// second's batches are read again, and what they held is known as handled); a reply's
/// transaction id comes from the event it answers, so a resend after a crash is de-duplicated
/// by the homeserver; a `limited` timeline is back-filled to the saved position.
public struct SyncService: Service {
    let client: MatrixClient
    let database: BotDatabase
    let handler: EventHandler
    let configuration: BotConfiguration
    let health: BotHealth
    let configuredRooms: ConfiguredRooms
    let receipts: ReadReceipts
    let logger: Logger

    /// A gap is filled page by page down to the saved position; this many pages (a hundred
    /// thousand messages) only guards against a server whose pages never end.
    static let maximumBackfillPages = 1_000

    /// How often the sync position is saved at most. A write a batch was, in a room where
    /// patients write one by one, a write a message beside the one that records it (issue 15).
    static let positionSaveInterval = Duration.seconds(1)

    /// After a batch of several messages, the next sync waits this long: messages in a burst
    /// arrive a fraction of a millisecond apart, and without the wait each came in a sync, a
    /// database read and a receipt of its own. After a batch of one there is no wait (patients
    /// writing one at a time are answered as before, and on Synapse the wait cost more than it
    /// saved), nor after a quiet sync, so a lone message, a crisis too, is answered at once.
    static let gatherInterval = Duration.milliseconds(3)

    /// Syncs that failed after the client's retries (`supportbot_sync_failures_total`).
    static var failures: Counter { Counter(label: "supportbot_sync_failures_total") }

    public func run() async throws {
        let whoami = try await client.whoamiWithDevice()
        guard whoami.userID == configuration.userID else {
            throw BotStartupError.wrongUser(token: whoami.userID, configured: configuration.userID)
        }
        let device = try await openDevice(whoami.deviceID)
        let encrypted = device.map { EncryptedEvents(device: $0, database: database, botUserID: configuration.userID, keyWait: configuration.keyWait, logger: logger) }
        if let device { client.encryptEvents(with: device) }
        let rooms = try await configuredRooms.directory()
        let escalations = EscalationAnnouncer.make(client: client, database: database, rooms: rooms, configuration: configuration,
                                                   rules: handler.rules, logger: logger)
        let desk = AmbassadorDesk(database: database, announcer: escalations, botUserID: configuration.userID, logger: logger, now: handler.now)
        let desks = Desks(
            ambassadors: desk,
            moderators: ModeratorDesk(client: client, database: database, rules: handler.rules, rooms: rooms, powerLevel: configuration.moderatorPowerLevel,
                                      botUserID: configuration.userID, logger: logger, now: handler.now),
            feedback: PatientFeedback(client: client, database: database, botUserID: configuration.userID, logger: logger, now: handler.now)
        )
        var filters = try await SyncFilters(client: client, userID: configuration.userID, timelineLimit: configuration.timelineLimit)
        var since = try database.syncPosition()
        var publishedAtStart = false
        if since == nil {
            // First start: the device is published before the bot joins any room, so that a
            // member who writes the moment it joins encrypts for it too.
            if let device { publishedAtStart = await publish(device) }
            // What was said before the bot existed is not answered.
            let initial = try await client.sync(since: nil, filter: filters.everything, timeout: .zero, userID: configuration.userID)
            try await acceptInvites(initial, rooms: rooms, canEncrypt: device != nil)
            try database.saveSyncPosition(initial.nextBatch)
            since = initial.nextBatch
        }
        try database.purge(before: Date().addingTimeInterval(-configuration.retention.seconds))
        var lastPurge = ContinuousClock.now
        var saved = (position: since, at: ContinuousClock.now)
        var retries = 0
        health.synced()
        // Keys are published beside the loop, the newest counts only: a slow or failing key
        // endpoint never holds up a reply.
        let (keyCounts, keyCountsSink) = AsyncStream.makeStream(of: KeyCounts.self, bufferingPolicy: .bufferingNewest(1))
        defer { keyCountsSink.finish() }
        let publishing = Task { [publishedAtStart] in
            guard let device else { return }
            var published = publishedAtStart
            if !published { published = await publish(device) }
            for await counts in keyCounts {
                // A publish that failed (the homeserver was down) is tried again after a sync.
                if !published { published = await publish(device) }
                if published { await replenish(device, counts) }
            }
        }
        logger.info("following rooms", metadata: ["bot.rooms": "\(rooms.configured.count)"])

        while !Task.isShuttingDownGracefully {
            var response: SyncResponse
            let position = since
            let began = client.eventRequestsMade, syncBegan = ContinuousClock.now
            let filter = filters.filter(eventRequestsMade: began)
            do {
                response = try await cancelWhenGracefulShutdown {
                    try await client.sync(since: position, filter: filter, timeout: configuration.syncTimeout, userID: configuration.userID)
                }
            } catch is CancellationError where Task.isShuttingDownGracefully {
                break
            } catch let error as MatrixError where error.isUnknownToken {
                throw error
            } catch {
                // The client already retried what retrying can fix; keep trying, slowly.
                logger.error("sync failed; trying again", metadata: ["error": "\(error)"])
                Self.failures.increment()
                try await Task.sleep(for: .seconds(5))
                continue
            }
            guard filters.answer(of: filter, isTrustedAt: client.eventRequestsMade) else {
                logger.debug("the bot sent many events while the sync waited; syncing again with them")
                continue
            }
            health.synced()
            for room in response.joinedRooms where room.turnsOnEncryption {
                client.noteEncrypted(roomID: room.roomID)
            }
            keyCountsSink.yield(KeyCounts(oneTime: response.oneTimeKeyCounts, unusedFallback: response.unusedFallbackKeyTypes, syncBegan: syncBegan))
            logger.trace("synced", metadata: [
                "matrix.since": "\(position ?? "")", "matrix.next_batch": "\(response.nextBatch)",
                "matrix.events": "\(response.joinedRooms.reduce(0) { $0 + $1.events.count })",
                "matrix.limited_rooms": "\(response.joinedRooms.filter(\.limited).count)",
            ])
            // Keys first, and saved before the position can move past the messages that brought them.
            var readAgain: [String] = []
            if let encrypted {
                do {
                    readAgain = try await encrypted.receive(&response, isDirectChat: { rooms.patientRoom($0) == .direct },
                                                            tellUnreadable: handler.tellUnreadable)
                } catch {
                    logger.error("could not store what encryption received; the batch will be tried again", metadata: ["error": "\(error)"])
                    try await Task.sleep(for: .seconds(5))
                    continue
                }
            }
            try await acceptInvites(response, rooms: rooms, canEncrypt: device != nil)
            let batch = response
            let complete = await cancelWhenGracefulShutdown {
                await handle(batch, since: position, rooms: rooms, escalations: escalations, desks: desks, encrypted: encrypted)
            }
            // A batch cut short (shutdown, homeserver or database trouble) is handled again from
            // the same position; what was recorded as handled is not repeated.
            guard !Task.isShuttingDownGracefully, !Task.isCancelled else { break }
            guard complete else {
                retries += 1
                let delay = Duration.seconds(min(1 << min(retries, 5), 30))
                logger.warning("some messages could not be answered yet; trying the batch again", metadata: ["bot.retry_in_s": "\(delay.components.seconds)"])
                try await Task.sleep(for: delay)
                continue
            }
            retries = 0
            if let encrypted, !readAgain.isEmpty {
                do { try encrypted.done(readAgain) } catch { logger.warning("could not clear messages read late; they are read again", metadata: ["error": "\(error)"]) }
            }
            since = response.nextBatch
            filters.moved(bySyncBeganAt: began)
            if ContinuousClock.now - saved.at >= Self.positionSaveInterval {
                try database.saveSyncPosition(response.nextBatch)
                saved = (since, .now)
            }
            if ContinuousClock.now - lastPurge > .seconds(3600) {
                try database.purge(before: Date().addingTimeInterval(-configuration.retention.seconds))
                lastPurge = .now
            }
            if messagesFromOthers(in: response, encrypted: encrypted) > 1 {
                try? await Task.sleep(for: Self.gatherInterval)
            }
        }
        if let since, since != saved.position {
            do {
                try database.saveSyncPosition(since)
            } catch {
                logger.error("could not save the sync position; the next start reads the last batches again", metadata: ["error": "\(error)"])
            }
        }
        // A publish still retrying (the homeserver is down) must not hold up the shutdown.
        publishing.cancel()
        await publishing.value
        logger.info("stopped following rooms")
    }

    // MARK: - Encryption

    /// What a sync says of the device's keys on the server.
    private struct KeyCounts: Sendable {
        let oneTime: [String: Int]
        let unusedFallback: [String]?
        let syncBegan: ContinuousClock.Instant
    }

    /// The bot's encryption device; `nil` when the token has no device or the homeserver takes
    /// no keys (encrypted rooms then stay declined). A store key that does not open the stored
    /// identity stops the bot.
    private func openDevice(_ deviceID: String?) async throws -> BotDevice? {
        guard let deviceID else {
            logger.notice("the access token has no device: end-to-end encryption is off")
            return nil
        }
        do {
            // Retried like any request: a bot that went on without its device would leave
            // encrypted chats unanswered without a word, so a failure that lasts stops it.
            _ = try await client.uploadKeys([:])
        } catch let error as MatrixError where error.errcode == "M_UNRECOGNIZED" || error.status == 404 {
            logger.notice("the homeserver takes no encryption keys: end-to-end encryption is off")
            return nil
        }
        let storeKey = try StoreKey.load(environment: ProcessInfo.processInfo.environment, file: configuration.storeKeyFile,
                                         database: configuration.database == ":memory:" ? nil : URL(fileURLWithPath: configuration.database), logger: logger)
        return try BotDevice(client: client, database: database, userID: configuration.userID, deviceID: deviceID, storeKey: storeKey,
                             keySharing: configuration.keySharing, logger: logger)
    }

    /// Publishes the device's keys (on a first start before the bot joins any room, then beside
    /// the sync loop); whether they are out (a device its owner could not sign still is).
    private func publish(_ device: BotDevice) async -> Bool {
        do {
            try await device.publish()
        } catch let error as BotDeviceError {
            logger.warning("\(error)", metadata: ["matrix.device_id": "\(device.deviceID)"])
        } catch {
            if !(error is CancellationError) {
                logger.error("could not publish the bot's encryption keys; trying again after the next sync", metadata: ["error": "\(error)"])
            }
            return false
        }
        return true
    }

    /// Keys topped up after a sync; a failure waits for the next sync.
    private func replenish(_ device: BotDevice, _ counts: KeyCounts) async {
        do {
            try await device.replenish(oneTimeKeyCounts: counts.oneTime, unusedFallbackKeyTypes: counts.unusedFallback, syncBegan: counts.syncBegan)
        } catch {
            logger.warning("could not publish new encryption keys; trying after the next sync", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - One batch

    /// At most this many patients' messages are answered at once; each patient's in order.
    static let concurrentPatients = 64

    /// Who handles what is not a patient's message: the staff rooms' commands, and feedback.
    private struct Desks: Sendable {
        let ambassadors: AmbassadorDesk
        let moderators: ModeratorDesk
        let feedback: PatientFeedback
    }

    private struct Pending: Sendable {
        let roomID: String
        let kind: ReplyPolicy.Room
        let message: EventHandler.Reading

        var event: ClientEvent { message.event }
    }

    /// Handles a sync's new patient messages: one patient's messages in order, different
    /// patients side by side, so a busy room does not make everyone wait in one line; patients
    /// with a crisis message first. Returns whether every message was recorded.
    private func handle(_ response: SyncResponse, since: String?, rooms: RoomDirectory, escalations: EscalationAnnouncer, desks: Desks,
                        encrypted: EncryptedEvents?) async -> Bool {
        var patientRooms: [(roomID: String, kind: ReplyPolicy.Room, events: [ClientEvent])] = []
        var reactions: [(roomID: String, kind: ReplyPolicy.Room, event: ClientEvent)] = []
        var staffEvents: [ClientEvent] = []
        var moderatorEvents: [ClientEvent] = []
        var gathered = true
        for room in response.joinedRooms {
            let kind = rooms.patientRoom(room.roomID)
            let wanted: (ClientEvent) -> Bool = if room.roomID == rooms.ambassadors {
                desks.ambassadors.isStaffEvent
            } else if kind == nil {
                desks.moderators.isModeratorEvent
            } else {
                { handler.isPatientMessage($0) || desks.feedback.isReaction($0) }
            }
            guard let events = await newEvents(room, since: since, rooms: rooms, encrypted: encrypted, where: wanted) else {
                gathered = false
                continue
            }
            if let kind {
                let messages = events.filter(handler.isPatientMessage)
                if !messages.isEmpty { patientRooms.append((room.roomID, kind, messages)) }
                reactions += events.filter(desks.feedback.isReaction).map { (room.roomID, kind, $0) }
            } else if room.roomID == rooms.ambassadors {
                staffEvents = events
            } else {
                moderatorEvents = events
            }
        }
        let patientEvents = patientRooms.flatMap(\.events)
        let others = staffEvents + moderatorEvents + reactions.map(\.event)
        guard !patientEvents.isEmpty || !others.isEmpty else { return gathered }
        let memory: BatchMemory
        do {
            memory = try database.recall(
                events: (others + patientEvents).map(\.eventID), rooms: patientRooms.filter { $0.kind == .direct }.map(\.roomID),
                patients: Array(Set(patientEvents.map(\.sender)))
            )
        } catch {
            logger.error("cannot read which messages were handled; the batch will be tried again", metadata: ["error": "\(error)"])
            return false
        }
        let staff = staffEvents.filter { !memory.handled.contains($0.eventID) }
        let moderatorCommands = moderatorEvents.filter { !memory.handled.contains($0.eventID) }
        let feedback = reactions.filter { !memory.handled.contains($0.event.eventID) }
        var arrived: [(roomID: String, kind: ReplyPolicy.Room, handoff: HandoffRoom?, event: ClientEvent)] = []
        for room in patientRooms {
            // A private room the bot opened for a claim is the patient's and the ambassador's to
            // talk in: the bot answers only a crisis from the patient there (safety rule 1).
            let handoff = memory.handoffRooms[room.roomID]
            arrived += room.events
                .filter { !memory.handled.contains($0.eventID) && (handoff == nil || $0.sender == handoff?.patient) }
                .map { (room.roomID, room.kind, handoff, $0) }
        }
        let pending = read(arrived, memory: memory)
        // Ambassadors' commands and claims, in the order they were made, then patients' feedback
        // and moderators' commands; after the patients, so that a crisis in the same batch is
        // never behind them.
        let handleStaff = {
            var complete = true
            for event in staff where complete && !Task.isCancelled {
                complete = await desks.ambassadors.handle(event) != .retry
            }
            for item in feedback where complete && !Task.isCancelled {
                complete = await desks.feedback.handle(item.event, roomID: item.roomID, room: item.kind) != .retry
            }
            for event in moderatorCommands where complete && !Task.isCancelled {
                complete = await desks.moderators.handle(event, in: rooms.moderators ?? "") != .retry
            }
            return complete
        }
        guard !pending.isEmpty else { return await handleStaff() && gathered }
        var byPatient: [String: [Pending]] = [:]
        for item in pending { byPatient[item.event.sender, default: []].append(item) }
        let groups = byPatient.values
            .map { items in (items.sorted { $0.event.originServerTS < $1.event.originServerTS }, items.contains { $0.message.isCrisis }) }
            .sorted { first, second in
                first.1 != second.1 ? first.1 : first.0[0].event.originServerTS < second.0[0].event.originServerTS
            }
            .map(\.0)
        let directRooms = Set(pending.filter { $0.kind == .direct }.map(\.roomID))
        let complete = await withTaskGroup(of: Bool.self) { group in
            for roomID in directRooms {
                group.addTask { await notify { try await client.setTyping(true, userID: configuration.userID, roomID: roomID) }; return true }
            }
            var running = directRooms.count, complete = true
            for items in groups {
                if running >= Self.concurrentPatients + directRooms.count, let done = await group.next() {
                    complete = complete && done
                    running -= 1
                }
                group.addTask {
                    var recorded = true
                    for (index, item) in items.enumerated() where recorded && !Task.isCancelled {
                        // What was read before the batch holds for the patient's first message in it.
                        let known = index == 0 ? memory.patients[item.event.sender] : nil
                        recorded = await handler.handle(item.message, roomID: item.roomID, room: item.kind, knowing: known, escalations: escalations) != .retry
                    }
                    return recorded && !Task.isCancelled
                }
                running += 1
            }
            for await done in group { complete = complete && done }
            return complete
        }
        for item in pending {
            receipts.read(item.event.eventID, sentAt: item.event.originServerTS, in: item.roomID)
        }
        await withTaskGroup(of: Void.self) { group in
            for roomID in directRooms {
                group.addTask { await notify { try await client.setTyping(false, userID: configuration.userID, roomID: roomID) } }
            }
        }
        return await handleStaff() && complete && gathered
    }

    /// Reads the new messages, each patient's in order with the memory of their conversation
    /// (its risk level, read once for all of them). In a claim's private room only a crisis is kept.
    private func read(_ arrived: [(roomID: String, kind: ReplyPolicy.Room, handoff: HandoffRoom?, event: ClientEvent)], memory: BatchMemory) -> [Pending] {
        var pending: [Pending] = []
        for (sender, items) in Dictionary(grouping: arrived, by: \.event.sender) {
            let items = items.sorted { $0.event.originServerTS < $1.event.originServerTS }
            var risk = memory.patients[sender]?.risk.map { RiskMemory(level: $0.level, updatedAt: $0.at) } ?? .calm
            risk.planToldAt = memory.patients[sender]?.planToldAt
            risk.askedAt = memory.patients[sender]?.askedAt
            let readings = handler.read(items.map(\.event), remembering: risk, mayAnswer: items.map { $0.kind == .direct && $0.handoff == nil })
            for (item, reading) in zip(items, readings) where item.handoff == nil || reading.isCrisis {
                pending.append(Pending(roomID: item.roomID, kind: item.kind, message: reading))
            }
        }
        return pending
    }

    /// A room's new events in this sync that `wanted` picks, with any gap back-filled (those
    /// handled before included); `nil` when they cannot all be known now (the batch is then tried again).
    private func newEvents(_ room: SyncResponse.JoinedRoom, since: String?, rooms: RoomDirectory, encrypted: EncryptedEvents?,
                           where wanted: (ClientEvent) -> Bool) async -> [ClientEvent]? {
        if room.malformedEvents > 0 {
            logger.warning("skipped malformed events", metadata: ["matrix.room_id": "\(room.roomID)", "matrix.count": "\(room.malformedEvents)"])
        }
        var events = room.events
        if room.limited, let previous = room.previousBatch, let since {
            do {
                events = try await backfill(room.roomID, from: previous, to: since) + events
            } catch is CancellationError {
                return nil // shutting down: the batch is handled again on the next start
            } catch {
                logger.error("back-fill failed; the batch will be tried again", metadata: ["matrix.room_id": "\(room.roomID)", "error": "\(error)"])
                return nil
            }
        }
        if let encrypted {
            do {
                events = try await encrypted.decrypt(events, in: room.roomID)
            } catch {
                logger.error("could not decrypt or keep encrypted messages; the batch will be tried again", metadata: ["matrix.room_id": "\(room.roomID)", "error": "\(error)"])
                return nil
            }
        }
        var seen = Set<String>()
        return events.filter { wanted($0) && rooms.isCurrent($0.originServerTS, in: room.roomID) && seen.insert($0.eventID).inserted }
    }

    /// The events the server left out of a `limited` timeline, oldest first.
    private func backfill(_ roomID: String, from start: String, to since: String) async throws -> [ClientEvent] {
        var events: [ClientEvent] = []
        var from = start
        for _ in 0..<Self.maximumBackfillPages {
            let page = try await client.messages(roomID: roomID, from: from, to: since, limit: 100, filter: backfillFilter)
            events += page.events
            guard let end = page.end, !page.events.isEmpty, end != from else { break }
            from = end
        }
        // A gap of the bot's own replies only, after it answered a backlog, is not news.
        logger.log(level: events.isEmpty ? .debug : .info, "back-filled a gap in the timeline", metadata: ["matrix.room_id": "\(roomID)", "matrix.count": "\(events.count)"])
        return events.reversed()
    }

    /// Typing notices are courtesies: their failure changes nothing.
    private func notify(_ request: @Sendable () async throws -> Void) async {
        do { try await request() } catch { logger.debug("notice not sent", metadata: ["error": "\(error)"]) }
    }

    // MARK: - Invitations

    /// Joins direct chats from users of the bot's homeserver, and invites to configured rooms;
    /// declines the rest. An encrypted direct chat is declined when the bot has no encryption
    /// device: it never answers in plaintext where a patient expects encryption.
    private func acceptInvites(_ response: SyncResponse, rooms: RoomDirectory, canEncrypt: Bool) async throws {
        for invite in response.invitedRooms {
            let fromLocalUser = invite.inviter.map { $0.hasSuffix(":" + configuration.serverName) } ?? false
            let accept = rooms.configured.contains(invite.roomID)
                || (configuration.acceptDirectChats && invite.isDirect && fromLocalUser && (canEncrypt || !invite.isEncrypted))
            do {
                if accept {
                    try await client.join(invite.roomID)
                    logger.info("joined a room on invitation", metadata: ["matrix.room_id": "\(invite.roomID)", "bot.direct": "\(invite.isDirect)"])
                } else {
                    try await client.leave(invite.roomID)
                    logger.info("declined an invitation", metadata: ["matrix.room_id": "\(invite.roomID)", "bot.encrypted": "\(invite.isEncrypted)"])
                }
            } catch let error as MatrixError where !error.isUnknownToken {
                logger.warning("could not answer an invitation", metadata: ["matrix.room_id": "\(invite.roomID)", "error": "\(error)"])
            }
        }
    }

    /// Messages, plain or encrypted, that others wrote: what the gathering wait counts (a join,
    /// or the bot's own reply, is not a burst).
    private func messagesFromOthers(in response: SyncResponse, encrypted: EncryptedEvents?) -> Int {
        response.joinedRooms.reduce(0) { count, room in
            count + room.events.count { handler.isPatientMessage($0) || encrypted?.isForeignEncrypted($0) == true }
        }
    }

    /// What a gap is back-filled with: others' messages (encrypted ones too), and reactions and their removal (a 👍
    /// claims an escalation; on a reply, a patient's 👍 or 👎 is feedback). The bot's own replies, which
    /// fill most of a gap it caused by answering a backlog, are left out.
    private var backfillFilter: JSONValue {
        ["types": ["m.room.message", "m.room.encrypted", "m.reaction", "m.room.redaction"], "not_senders": [.string(configuration.userID)]]
    }
}
