import Foundation
import MatrixClient
import Storage

/// Which room is which: the configured rooms by id; every other room the bot is in is a
/// direct chat with a patient, since those are the only others it joins.
public struct RoomDirectory: Sendable {
    /// Community rooms, with since when the bot follows each: a room added to the
    /// configuration later does not get its history answered.
    public let community: [String: Date]
    public let ambassadors: String
    public let moderators: String?

    public init(community: [String: Date], ambassadors: String, moderators: String?) {
        self.community = community
        self.ambassadors = ambassadors
        self.moderators = moderators
    }

    public var configured: Set<String> {
        Set(community.keys).union([ambassadors]).union(moderators.map { [$0] } ?? [])
    }

    /// Whether a message in a room is new enough to answer.
    public func isCurrent(_ originServerTS: Int, in roomID: String) -> Bool {
        guard let since = community[roomID] else { return true }
        return Double(originServerTS) / 1000 >= since.timeIntervalSince1970
    }

    /// Where patients may talk to the bot; `nil` for the staff rooms.
    public func patientRoom(_ roomID: String) -> ReplyPolicy.Room? {
        if community[roomID] != nil { return .community }
        if roomID == ambassadors || roomID == moderators { return nil }
        return .direct
    }

    /// Joins (or finds) every configured room; a community room is followed from the first
    /// time the bot joins it.
    static func join(_ configuration: BotConfiguration, client: MatrixClient, database: BotDatabase) async throws -> RoomDirectory {
        func join(_ idOrAlias: String) async throws -> String {
            do {
                return try await client.join(idOrAlias)
            } catch let error as MatrixError where !error.isUnknownToken {
                throw BotStartupError.cannotJoin(idOrAlias, reason: "\(error)")
            }
        }
        let rooms = configuration.rooms
        var community: [String: Date] = [:]
        for room in rooms.community {
            let roomID = try await join(room)
            community[roomID] = try database.followingSince(roomID, now: Date())
        }
        let ambassadors = try await join(rooms.ambassadors)
        var moderators: String?
        if let room = rooms.moderators { moderators = try await join(room) }
        return RoomDirectory(community: community, ambassadors: ambassadors, moderators: moderators)
    }
}
