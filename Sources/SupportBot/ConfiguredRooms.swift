import MatrixClient
import Storage

/// The configured rooms, joined once for every service that needs them: the sync loop and
/// the escalation timers ask, the first to ask joins.
actor ConfiguredRooms {
    private let configuration: BotConfiguration
    private let client: MatrixClient
    private let database: BotDatabase
    private var joining: Task<RoomDirectory, any Error>?

    init(configuration: BotConfiguration, client: MatrixClient, database: BotDatabase) {
        self.configuration = configuration
        self.client = client
        self.database = database
    }

    func directory() async throws -> RoomDirectory {
        if let joining { return try await joining.value }
        let task = Task { [configuration, client, database] in try await RoomDirectory.join(configuration, client: client, database: database) }
        joining = task
        return try await task.value
    }
}
