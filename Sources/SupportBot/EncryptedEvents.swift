import BotEncryption
import Foundation
import Logging
import MatrixClient
import Metrics
import Storage
import Synchronization

/// Encrypted room events on their way to the handlers: decrypted into the events their senders
/// wrote, or kept until their room key arrives, then handled exactly like plaintext ones.
struct EncryptedEvents: Sendable {
    let device: BotDevice
    let database: BotDatabase
    let botUserID: String
    /// How long a message waits for its room key before the patient is told it was unreadable.
    let keyWait: Duration
    let logger: Logger
    /// Whether the database may hold messages waiting for keys: most syncs then read nothing.
    private let mayBeWaiting = WaitingFlag()

    init(device: BotDevice, database: BotDatabase, botUserID: String, keyWait: Duration, logger: Logger) {
        self.device = device
        self.database = database
        self.botUserID = botUserID
        self.keyWait = keyWait
        self.logger = logger
    }

    /// Messages that stayed unreadable (`supportbot_undecryptable_messages_total`).
    static var unreadable: Counter { Counter(label: "supportbot_undecryptable_messages_total") }

    /// A room's events with the encrypted ones decrypted; one whose key has not arrived is kept
    /// for later and left out, one that can never be read is left out and logged.
    func decrypt(_ events: [ClientEvent], in roomID: String) async throws -> [ClientEvent] {
        guard events.contains(where: isForeignEncrypted) else { return events }
        var readable: [ClientEvent] = []
        for event in events {
            guard isForeignEncrypted(event) else {
                readable.append(event)
                continue
            }
            switch try await device.decrypt(event, in: roomID) {
            case let .decrypted(plain):
                readable.append(plain)
            case .waitingForKey:
                mayBeWaiting.value.store(true, ordering: .relaxed)
                try database.keepUndecrypted(UndecryptedEventRecord(eventID: event.eventID, roomID: roomID, event: Self.json(event), arrivedAt: Date()))
                logger.debug("an encrypted message waits for its key", metadata: ["matrix.room_id": "\(roomID)", "matrix.event_id": "\(event.eventID)"])
            case let .refused(reason):
                // Kept as long overdue, so the next sync gives up on it the way it gives up on a
                // key that never came: the patient is told, with the crisis resources.
                mayBeWaiting.value.store(true, ordering: .relaxed)
                try database.keepUndecrypted(UndecryptedEventRecord(eventID: event.eventID, roomID: roomID, event: Self.json(event), arrivedAt: .distantPast))
                logger.warning("an encrypted message cannot be read", metadata: ["matrix.room_id": "\(roomID)", "matrix.event_id": "\(event.eventID)", "bot.reason": "\(reason)"])
            }
        }
        return readable
    }

    /// Reads what a sync brought for encryption: changed devices and memberships, room keys;
    /// then adds to the batch the kept messages whose key has come, and gives up on those that
    /// waited too long (a patient in a direct chat is told, with `tellUnreadable`). Returns those
    /// messages' ids, to clear once the batch is handled.
    func receive(_ response: inout SyncResponse, isDirectChat: (String) -> Bool,
                 tellUnreadable: (ClientEvent, String) async throws -> Void) async throws -> [String] {
        if !response.deviceListsChanged.isEmpty { try await device.devicesChanged(response.deviceListsChanged) }
        for room in response.joinedRooms where room.changesMembership {
            await device.membershipChanged(in: room.roomID)
        }
        if !response.toDeviceEvents.isEmpty { _ = try await device.receive(response.toDeviceEvents) }
        let (readable, expired) = try await waiting()
        var givenUp: [String] = []
        for (roomID, event) in expired {
            if isDirectChat(roomID) {
                do {
                    try await tellUnreadable(event, roomID)
                } catch let error as MatrixError where error.isRefusal {
                    // The bot left the chat, or may not write there: no one to tell.
                    logger.notice("could not tell a patient their message was unreadable", metadata: ["error": "\(error)"])
                } catch {
                    logger.warning("could not tell a patient their message was unreadable; trying after the next sync", metadata: ["error": "\(error)"])
                    continue
                }
            }
            Self.unreadable.increment()
            logger.warning("an encrypted message stayed unreadable; given up on", metadata: ["matrix.room_id": "\(roomID)", "matrix.event_id": "\(event.eventID)"])
            givenUp.append(event.eventID)
        }
        for (roomID, events) in readable {
            if let index = response.joinedRooms.firstIndex(where: { $0.roomID == roomID }) {
                response.joinedRooms[index].events.insert(contentsOf: events, at: 0)
            } else {
                response.joinedRooms.append(SyncResponse.JoinedRoom(roomID: roomID, events: events))
            }
        }
        return readable.values.flatMap { $0.map(\.eventID) } + givenUp
    }

    /// Kept messages whose key has come, decrypted, by room; and those that waited too long for
    /// it, to be told to the patient. Both are removed from the kept ones with `done` once handled.
    private func waiting(now: Date = Date()) async throws -> (readable: [String: [ClientEvent]], expired: [(roomID: String, event: ClientEvent)]) {
        var readable: [String: [ClientEvent]] = [:]
        var expired: [(roomID: String, event: ClientEvent)] = []
        guard mayBeWaiting.value.load(ordering: .relaxed) else { return ([:], []) }
        let records = try database.undecryptedEvents()
        if records.isEmpty { mayBeWaiting.value.store(false, ordering: .relaxed) }
        for record in records {
            guard let event = (try? JSONValue(parsing: record.event)).flatMap(ClientEvent.init(json:)) else {
                try database.removeUndecrypted([record.eventID])
                continue
            }
            switch try await device.decrypt(event, in: record.roomID) {
            case let .decrypted(plain):
                readable[record.roomID, default: []].append(plain)
            case .waitingForKey where now.timeIntervalSince(record.arrivedAt) < TimeInterval(keyWait.components.seconds):
                continue
            case .waitingForKey, .refused:
                expired.append((record.roomID, event))
            }
        }
        return (readable, expired)
    }

    func done(_ eventIDs: [String]) throws {
        try database.removeUndecrypted(eventIDs)
    }

    /// An encrypted event someone other than the bot sent.
    func isForeignEncrypted(_ event: ClientEvent) -> Bool {
        event.type == "m.room.encrypted" && event.sender != botUserID
    }

    private static func json(_ event: ClientEvent) -> Data {
        let json: JSONValue = [
            "event_id": .string(event.eventID), "type": .string(event.type), "sender": .string(event.sender),
            "origin_server_ts": .number(Double(event.originServerTS)), "content": event.content,
        ]
        return json.serialized()
    }
}

/// Shared by the copies of `EncryptedEvents`; set when a message is kept, cleared when none is.
private final class WaitingFlag: Sendable {
    let value = Atomic<Bool>(true)
}
