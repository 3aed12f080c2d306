/// Sends allowed per user: `rate` a second, up to `capacity` at once.
struct TokenBucket: Sendable {
    let capacity: Double
    let rate: Double
    private var tokens: Double
    private var last = ContinuousClock.now

    init(capacity: Double, rate: Double) {
        self.capacity = capacity
        self.rate = rate
        tokens = capacity
    }

    /// Takes one token; when there is none, the milliseconds until there will be.
    mutating func take(now: ContinuousClock.Instant = .now) -> Int? {
        let elapsed = now - last
        last = now
        tokens = min(capacity, tokens + (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) * rate)
        guard tokens >= 1 else { return Int(((1 - tokens) / rate * 1000).rounded(.up)) }
        tokens -= 1
        return nil
    }
}
