/// What one `/sync` returned that the bot acts on.
public struct SyncResponse: Sendable {
    /// The position to pass as `since` next time.
    public var nextBatch: String
    public var joinedRooms: [JoinedRoom]
    public var invitedRooms: [InvitedRoom]
    /// How many one-time keys of each algorithm the server holds for the device
    /// (`device_one_time_keys_count`).
    public var oneTimeKeyCounts: [String: Int] = [:]
    /// The algorithms whose fallback key no one has used yet (`device_unused_fallback_key_types`);
    /// `nil` when the server does not say.
    public var unusedFallbackKeyTypes: [String]?
    /// Messages to the bot's device (room keys, in encryption), oldest first.
    public var toDeviceEvents: [ToDeviceEvent] = []
    /// Users whose devices changed since the last sync (`device_lists.changed`): their keys
    /// must be looked up again before anything is encrypted for them.
    public var deviceListsChanged: [String] = []

    public struct JoinedRoom: Sendable {
        public var roomID: String
        /// Oldest first.
        public var events: [ClientEvent]
        /// The server dropped events before these: back-fill from `previousBatch`.
        public var limited: Bool
        public var previousBatch: String?
        /// Events in the batch without the fields every event must have.
        public var malformedEvents: Int
        /// The batch shows the room end-to-end encrypted: `m.room.encryption` in its timeline or
        /// state, or an encrypted message (whatever the room's state says, an answer to one is
        /// never plaintext).
        public var turnsOnEncryption = false
        /// Someone joined, left or was invited in the batch: whom the room's keys go to changes.
        public var changesMembership = false

        public init(roomID: String, events: [ClientEvent], limited: Bool = false, previousBatch: String? = nil, malformedEvents: Int = 0,
                    turnsOnEncryption: Bool = false, changesMembership: Bool = false) {
            self.roomID = roomID
            self.events = events
            self.limited = limited
            self.previousBatch = previousBatch
            self.malformedEvents = malformedEvents
            self.turnsOnEncryption = turnsOnEncryption
            self.changesMembership = changesMembership
        }
    }

    public struct InvitedRoom: Sendable {
        public var roomID: String
        /// Who invited the bot, from the invite's stripped state.
        public var inviter: String?
        /// The invite says it is a direct chat (`is_direct`).
        public var isDirect: Bool
        /// The room is end-to-end encrypted (`m.room.encryption` in its state).
        public var isEncrypted: Bool
    }

    public init(nextBatch: String, joinedRooms: [JoinedRoom] = [], invitedRooms: [InvitedRoom] = []) {
        self.nextBatch = nextBatch
        self.joinedRooms = joinedRooms
        self.invitedRooms = invitedRooms
    }

    /// Reads a `/sync` body; only `next_batch` is required, every other part may be missing.
    init(json: JSONValue, userID: String) throws(MatrixError) {
        guard let nextBatch = json["next_batch"]?.string else {
            throw MatrixError.malformedResponse("a /sync response without next_batch")
        }
        self.nextBatch = nextBatch
        oneTimeKeyCounts = (json["device_one_time_keys_count"]?.object ?? [:]).compactMapValues(\.int)
        unusedFallbackKeyTypes = json["device_unused_fallback_key_types"]?.array?.compactMap(\.string)
        toDeviceEvents = (json["to_device"]?["events"]?.array ?? []).compactMap(ToDeviceEvent.init(json:))
        deviceListsChanged = (json["device_lists"]?["changed"]?.array ?? []).compactMap(\.string)
        let rooms = json["rooms"]
        joinedRooms = (rooms?["join"]?.object ?? [:]).sorted { $0.key < $1.key }.map { roomID, room in
            let raw = room["timeline"]?["events"]?.array ?? []
            let events = raw.compactMap(ClientEvent.init(json:))
            let state = room["state"]?["events"]?.array ?? []
            return JoinedRoom(
                roomID: roomID, events: events, limited: room["timeline"]?["limited"]?.bool ?? false,
                previousBatch: room["timeline"]?["prev_batch"]?.string, malformedEvents: raw.count - events.count,
                turnsOnEncryption: (raw + state).contains { ["m.room.encryption", "m.room.encrypted"].contains($0["type"]?.string) },
                changesMembership: (raw + state).contains { $0["type"]?.string == "m.room.member" }
            )
        }
        invitedRooms = (rooms?["invite"]?.object ?? [:]).sorted { $0.key < $1.key }.map { roomID, room in
            let state = room["invite_state"]?["events"]?.array ?? []
            let invite = state.first {
                $0["type"]?.string == "m.room.member" && $0["state_key"]?.string == userID && $0["content"]?["membership"]?.string == "invite"
            }
            return InvitedRoom(
                roomID: roomID, inviter: invite?["sender"]?.string, isDirect: invite?["content"]?["is_direct"]?.bool ?? false,
                isEncrypted: state.contains { $0["type"]?.string == "m.room.encryption" }
            )
        }
    }
}
