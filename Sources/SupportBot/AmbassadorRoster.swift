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
        let members = try await client.joinedMembers(roomID: roomID)
        guard members.keys.contains(userID) else { return false }
        return try await powerLevel(of: userID) >= settings.claimPowerLevel
    }

    /// Whom a re-ping mentions: the configured list, else every member who may claim.
    func onDuty() async throws -> [String] {
        if !settings.ambassadors.isEmpty { return settings.ambassadors }
        let members = try await client.joinedMembers(roomID: roomID).keys.filter { $0 != botUserID }
        let levels = try await client.powerLevels(roomID: roomID)
        return members.filter { Self.level(of: $0, in: levels) >= settings.claimPowerLevel }.sorted()
    }

    /// What patients are told to call an ambassador: their display name, else their user name.
    func displayName(_ userID: String) async -> String {
        let members = try? await client.joinedMembers(roomID: roomID)
        if let name = members?[userID] ?? nil, !name.isEmpty { return name }
        return String(userID.dropFirst().prefix { $0 != ":" })
    }

    private func powerLevel(of userID: String) async throws -> Int {
        Self.level(of: userID, in: try await client.powerLevels(roomID: roomID))
    }

    private static func level(of userID: String, in levels: JSONValue) -> Int {
        levels["users"]?[userID]?.int ?? levels["users_default"]?.int ?? 0
    }
}
