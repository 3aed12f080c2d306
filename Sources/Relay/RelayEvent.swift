import MatrixClient

/// One event in the relay's log. Its position in the log is its place in every stream:
/// sync tokens and pagination tokens are positions.
struct RelayEvent: Codable, Sendable {
    var position: Int
    var roomID: String
    var eventID: String
    var type: String
    var sender: String
    var stateKey: String?
    var content: JSONValue
    var originServerTS: Int
    /// `device/txnId` of the send that made it, so a resend is the same event.
    var transactionKey: String?

    /// The Client-Server API shape; the sender sees their own transaction id.
    func clientJSON(for viewer: String?, includeRoomID: Bool = false) -> JSONValue {
        var object: [String: JSONValue] = [
            "event_id": .string(eventID), "type": .string(type), "sender": .string(sender),
            "origin_server_ts": .number(Double(originServerTS)), "content": content,
        ]
        if let stateKey { object["state_key"] = .string(stateKey) }
        if includeRoomID { object["room_id"] = .string(roomID) }
        if viewer == sender, let transactionKey, let txn = transactionKey.split(separator: "/", maxSplits: 1).last {
            object["unsigned"] = ["transaction_id": .string(String(txn))]
        }
        return .object(object)
    }

    /// The reduced form invitees see of a room's state.
    var strippedJSON: JSONValue {
        ["type": .string(type), "state_key": .string(stateKey ?? ""), "sender": .string(sender), "content": content]
    }
}
