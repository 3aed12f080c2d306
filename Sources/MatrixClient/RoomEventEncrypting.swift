/// What turns an event into its end-to-end encrypted form for a room's members. The client asks
/// it for every event it sends into an encrypted room; without one it refuses to send there.
public protocol RoomEventEncrypting: Sendable {
    /// The `m.room.encrypted` content that carries `type` and `content` to `roomID`'s members.
    /// Throws rather than return anything a member could read without the room's key.
    func encrypt(_ content: JSONValue, type: String, roomID: String) async throws -> JSONValue
    /// The client changed who is in `roomID` (an invitation): its keys go to whom it now holds.
    /// Others' changes come in syncs; the client's own may be left out of them.
    func membershipChanged(in roomID: String) async
}
