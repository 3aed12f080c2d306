import Foundation

/// What the bot remembers of one patient's conversation between messages: a number and the
/// time it was last raised, never words. Warning signs and crisis messages raise it; it fades
/// steadily and is gone a day later (`memory.fade_hours`). From a patient whose level is
/// raised, a message that is harmless alone ("i've got everything ready") is read as a crisis.
public struct RiskMemory: Sendable, Equatable {
    public var level: Double
    public var updatedAt: Date

    public init(level: Double, updatedAt: Date) {
        self.level = level
        self.updatedAt = updatedAt
    }

    /// A patient the bot knows nothing worrying about.
    public static let calm = RiskMemory(level: 0, updatedAt: .distantPast)

    /// What a message adds to the level.
    public enum Raise {
        /// A warning sign that is also an everyday topic here: withdrawing, no sleep, unbearable pain.
        public static let warningSign = 1.0
        /// A possible crisis.
        public static let possible = 2.0
        /// A definite crisis.
        public static let definite = 3.0
    }

    /// The level never goes above this, so a long bad evening still fades within the day.
    public static let maximumLevel = 6.0

    /// The level at `date`: it falls in a straight line to zero `fade` after it was last raised.
    public func level(at date: Date, fadingOver fade: Duration) -> Double {
        let elapsed = max(0, date.timeIntervalSince(updatedAt))
        let fadeSeconds = fade / .seconds(1)
        guard fadeSeconds > 0, elapsed < fadeSeconds else { return 0 }
        return level * (1 - elapsed / fadeSeconds)
    }

    /// The memory after a message at `date` that raised the level by `amount`; a message that
    /// raised nothing changes nothing (the level goes on fading from when it was last raised).
    /// A message dated before the last one (a batch tried again) fades nothing.
    public func after(raising amount: Double, at date: Date, fadingOver fade: Duration) -> RiskMemory {
        guard amount > 0 else { return self }
        return RiskMemory(level: min(Self.maximumLevel, level(at: date, fadingOver: fade) + amount), updatedAt: max(date, updatedAt))
    }
}
