import Logging
import MatrixClient
import ServiceLifecycle
import Synchronization

/// The bot's read receipts, at most one a room each `interval`: the newest message read in
/// that time. A receipt tells a patient their words were read; a reply tells them more, and
/// sooner. Sent per batch, a busy room cost one request a message, a third of the bot's
/// requests (issue 15); gathered, it costs one a second.
final class ReadReceipts: Service, Sendable {
    let client: MatrixClient
    let interval: Duration
    let logger: Logger
    /// Room → the newest message read and not yet acknowledged, with its time on the server.
    private let unsent = Mutex<[String: (eventID: String, sentAt: Int)]>([:])

    init(client: MatrixClient, interval: Duration = .seconds(1), logger: Logger) {
        self.client = client
        self.interval = interval
        self.logger = logger
    }

    /// Notes that the bot has read `eventID`, sent at `sentAt` (ms) in `roomID`.
    func read(_ eventID: String, sentAt: Int, in roomID: String) {
        unsent.withLock { unsent in
            if let newer = unsent[roomID], newer.sentAt > sentAt { return }
            unsent[roomID] = (eventID, sentAt)
        }
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
            await send()
        }
    }

    /// Sends what was read since the last time, every room at once. Receipts are courtesies:
    /// one that fails is not tried again.
    func send() async {
        let receipts = unsent.withLock { unsent in
            defer { unsent = [:] }
            return unsent
        }
        await withTaskGroup(of: Void.self) { group in
            for (roomID, receipt) in receipts {
                group.addTask {
                    do {
                        try await self.client.sendReadReceipt(roomID: roomID, eventID: receipt.eventID)
                    } catch {
                        self.logger.debug("read receipt not sent", metadata: ["matrix.room_id": "\(roomID)", "error": "\(error)"])
                    }
                }
            }
        }
    }
}
