import MatrixClient

/// Who the ambassadors are, read from their room each time it matters, so a change of power
/// level or membership counts at once.
struct AmbassadorRoster: Sendable {
    let client: MatrixClient
    let roomID: String
    let settings: EscalationSettings
    let botUserID: String

    /// Listed in the configuration, or a member of the room with enough power.
    func mayClaim(_ userID: String) async throws -> Bool {
        if settings.ambassadors.contains(userID) { return true }
        let power = RoomPower(try await client.roomState(roomID: roomID))
        return power.members.contains(userID) && power.level(of: userID) >= settings.claimPowerLevel
    }

    /// Whom a re-ping mentions: the configured list, else every member who may claim.
    func onDuty() async throws -> [String] {
        if !settings.ambassadors.isEmpty { return settings.ambassadors }
        let power = RoomPower(try await client.roomState(roomID: roomID))
        return power.members.filter { $0 != botUserID && power.level(of: $0) >= settings.claimPowerLevel }.sorted()
    }

    /// What patients are told to call an ambassador: their display name, else their user name.
    /// - Parameter room: where to look the name up; the ambassadors room by default.
    func displayName(_ userID: String, in room: String? = nil) async -> String {
        // Operators at the command line are named as they are.
        guard userID.hasPrefix("@") else { return userID }
        let members = try? await client.joinedMembers(roomID: room ?? roomID)
        if let name = members?[userID] ?? nil, !name.isEmpty { return name }
        return String(userID.dropFirst().prefix { $0 != ":" })
    }
}

/// Who may do what in a room, from its state: power levels, and from room version 12 on, its
/// creators, who outrank every level and are not listed among them.
struct RoomPower {
    let members: Set<String>
    private let levels: JSONValue
    private let creators: Set<String>

    init(_ state: [ClientEvent]) {
        members = Set(state.filter { $0.type == "m.room.member" && $0.content["membership"]?.string == "join" }.compactMap(\.stateKey))
        levels = state.first { $0.type == "m.room.power_levels" }?.content ?? [:]
        let create = state.first { $0.type == "m.room.create" }
        let version = Int(create?.content["room_version"]?.string ?? "") ?? 1
        let additional = create?.content["additional_creators"]?.array?.compactMap(\.string) ?? []
        creators = version >= 12 ? Set([create?.sender].compactMap { $0 } + additional) : []
    }

    func level(of userID: String) -> Int {
        if creators.contains(userID) { return Int.max }
        return levels["users"]?[userID]?.int ?? levels["users_default"]?.int ?? 0
    }
}
