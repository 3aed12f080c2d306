import Foundation
import MatrixClient
import MatrixCrypto
import Metrics

/// What became of an encrypted room event.
public enum RoomEventDecryption: Sendable {
    /// The event as its sender wrote it, under its own id: handled like a plaintext one.
    case decrypted(ClientEvent)
    /// Its room key has not arrived (it usually comes with the next sync).
    case waitingForKey
    /// It can never be read: not Megolm, a key from someone else, a replayed message index.
    case refused(String)
}

/// Decrypting room events with the room keys received.
extension BotDevice {
    /// To-device messages the bot could not read (`supportbot_undecryptable_to_device_total`).
    static var undecryptableToDevice: Counter { Counter(label: "supportbot_undecryptable_to_device_total") }

    /// Decrypts a `m.room.encrypted` room event of `roomID`. A message index another event used
    /// before is refused (a replay); the same event read again (a sync read twice) is not.
    public func decrypt(_ event: ClientEvent, in roomID: String) throws -> RoomEventDecryption {
        guard event.content["algorithm"]?.string == Self.megolmAlgorithm, let sessionID = event.content["session_id"]?.string,
              let ciphertext = event.content["ciphertext"]?.string
        else { return .refused("not a Megolm message") }
        guard let record = try database.roomKey(roomID: roomID, sessionID: sessionID, sender: event.sender) else { return .waitingForKey }
        // Opened from the database each time, which `!forget` empties: a key is never kept elsewhere.
        var session = try InboundGroupSession(pickle: record.pickle, key: storeKey)
        let decrypted: (plaintext: [UInt8], messageIndex: UInt32)
        do {
            decrypted = try session.decrypt(ciphertext)
        } catch {
            return .refused("it does not decrypt with its room key: \(error)")
        }
        guard try database.recordMegolmIndex(sessionID: sessionID, index: decrypted.messageIndex, eventID: event.eventID) else {
            return .refused("another message used its message index before (a replay)")
        }
        guard let payload = try? JSONValue(parsing: Data(decrypted.plaintext)), payload["room_id"]?.string == roomID,
              let type = payload["type"]?.string, case var .object(content)? = payload["content"]
        else { return .refused("its plaintext is not an event of this room") }
        // Relations travel in the clear, so that servers can aggregate them.
        if content["m.relates_to"] == nil, let relation = event.content["m.relates_to"] { content["m.relates_to"] = relation }
        var plain = event
        plain.type = type
        plain.content = .object(content)
        return .decrypted(plain)
    }
}
