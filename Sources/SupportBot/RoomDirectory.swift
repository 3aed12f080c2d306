/// Which room is which: the configured rooms by id; every other room the bot is in is a
/// direct chat with a patient, since those are the only others it joins.
public struct RoomDirectory: Sendable {
    public let community: Set<String>
    public let ambassadors: String
    public let moderators: String?

    public init(community: Set<String>, ambassadors: String, moderators: String?) {
        self.community = community
        self.ambassadors = ambassadors
        self.moderators = moderators
    }

    public var configured: Set<String> {
        community.union([ambassadors]).union(moderators.map { [$0] } ?? [])
    }

    /// Where patients may talk to the bot; `nil` for the staff rooms.
    public func patientRoom(_ roomID: String) -> ReplyPolicy.Room? {
        if community.contains(roomID) { return .community }
        if roomID == ambassadors || roomID == moderators { return nil }
        return .direct
    }
}
