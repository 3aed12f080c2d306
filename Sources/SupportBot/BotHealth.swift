import Synchronization

/// Whether the bot is keeping up: the time of its last completed `/sync`. The health endpoint
/// reads it; the sync loop writes it.
public final class BotHealth: Sendable {
    private let lastSync = Mutex<ContinuousClock.Instant?>(nil)
    /// A sync older than this means the bot is stuck or the homeserver unreachable.
    let staleAfter: Duration

    public init(staleAfter: Duration) {
        self.staleAfter = staleAfter
    }

    func synced(at instant: ContinuousClock.Instant = .now) {
        lastSync.withLock { $0 = instant }
    }

    /// `nil` when healthy, else why not.
    public func problem(now: ContinuousClock.Instant = .now) -> String? {
        guard let last = lastSync.withLock({ $0 }) else { return "not synced yet" }
        let age = now - last
        return age > staleAfter ? "last sync \(age.components.seconds) s ago" : nil
    }
}
