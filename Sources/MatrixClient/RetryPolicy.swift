import Foundation

/// How long to wait before trying a request again. Rate limits say how long themselves
/// (`retry_after_ms`, then the `Retry-After` header); server and network failures back off
/// exponentially with jitter, up to a cap, so a restarting homeserver is not stampeded.
public struct RetryPolicy: Sendable {
    public var initialDelay: Duration
    public var maximumDelay: Duration
    /// Attempts in all before giving up on a server or network failure; `nil` never gives up.
    public var maximumAttempts: Int?

    public init(initialDelay: Duration = .milliseconds(250), maximumDelay: Duration = .seconds(30), maximumAttempts: Int? = nil) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.maximumAttempts = maximumAttempts
    }

    /// The wait after a failed `attempt` (1 for the first); `jitter` in 0...1 spreads it
    /// between half and all of the exponential delay.
    public func backoff(afterAttempt attempt: Int, jitter: Double) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let full = min(initialDelay * (1 << exponent), maximumDelay)
        return full * (0.5 + 0.5 * min(max(jitter, 0), 1))
    }

    /// The wait a rate-limited response asks for, capped; `nil` if it names none.
    public func rateLimitDelay(retryAfterMilliseconds: Int?, retryAfterHeader: String?) -> Duration? {
        if let milliseconds = retryAfterMilliseconds, milliseconds >= 0 {
            return min(.milliseconds(milliseconds), maximumDelay)
        }
        if let header = retryAfterHeader, let seconds = Int(header.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
            return min(.seconds(seconds), maximumDelay)
        }
        return nil
    }

    public func shouldRetry(afterAttempt attempt: Int) -> Bool {
        maximumAttempts.map { attempt < $0 } ?? true
    }
}
