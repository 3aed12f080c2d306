/// A room event as the Client-Server API delivers it. Only events with the fields every event
/// must have are built; anything else is malformed and skipped by whoever reads the batch.
public struct ClientEvent: Sendable, Hashable {
    public var eventID: String
    public var type: String
    public var sender: String
    public var originServerTS: Int
    public var content: JSONValue
    public var stateKey: String?
    /// Set on redaction events: the event they remove.
    public var redacts: String?
    /// The transaction id, present on the sender's own events.
    public var transactionID: String?

    public init(
        eventID: String, type: String, sender: String, originServerTS: Int, content: JSONValue,
        stateKey: String? = nil, redacts: String? = nil, transactionID: String? = nil
    ) {
        self.eventID = eventID
        self.type = type
        self.sender = sender
        self.originServerTS = originServerTS
        self.content = content
        self.stateKey = stateKey
        self.redacts = redacts
        self.transactionID = transactionID
    }

    public init?(json: JSONValue) {
        guard let eventID = json["event_id"]?.string, let type = json["type"]?.string, let sender = json["sender"]?.string,
              let content = json["content"], content.object != nil
        else { return nil }
        self.init(
            eventID: eventID, type: type, sender: sender, originServerTS: json["origin_server_ts"]?.int ?? 0, content: content,
            stateKey: json["state_key"]?.string, redacts: json["redacts"]?.string ?? content["redacts"]?.string,
            transactionID: json["unsigned"]?["transaction_id"]?.string
        )
    }

    // MARK: - m.room.message

    /// `content.body` of a message; `nil` when it is missing or not text.
    public var body: String? { content["body"]?.string }
    public var messageType: String? { content["msgtype"]?.string }
    /// `m.replace` for edits, `m.annotation` for reactions, `m.thread` for threads.
    public var relationType: String? { content["m.relates_to"]?["rel_type"]?.string }
}
