import Foundation

/// What the bot remembers of one patient's conversation between messages: a number and the
/// time it was last raised, when they last told of a harmless plan, and when the bot last asked
/// them directly whether they are thinking about ending their life; never words. Warning
/// signs and crisis messages raise the level; it fades steadily and is gone a day later
/// (`memory.fade_hours`). From a patient whose level is raised, a message that is harmless
/// alone ("i've got everything ready") is read as a crisis; from one who told of a surgery or a
/// trip lately and whose level is not raised, a finality line ("you won't hear from me after
/// today") is read as what the plan makes it (`memory.plan_hours`); from one the bot has just
/// asked, and who has not answered yet, "yes" is the answer (`memory.answer_minutes`).
public struct RiskMemory: Sendable, Equatable {
    public var level: Double
    public var updatedAt: Date
    /// When the patient last told of a harmless plan (`Intent.harmlessPlans`), if they did.
    public var planToldAt: Date?
    /// When the bot last asked them directly (`Classification.asksDirectly`), if it did.
    public var askedAt: Date?

    public init(level: Double, updatedAt: Date, planToldAt: Date? = nil, askedAt: Date? = nil) {
        self.level = level
        self.updatedAt = updatedAt
        self.planToldAt = planToldAt
        self.askedAt = askedAt
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

    /// Whether a harmless plan was told of within `window` before `date`.
    public func planIsRecent(at date: Date, within window: Duration) -> Bool {
        Self.isRecent(planToldAt, at: date, within: window)
    }

    /// Whether the bot asked them directly within `window` before `date`.
    public func questionIsRecent(at date: Date, within window: Duration) -> Bool {
        Self.isRecent(askedAt, at: date, within: window)
    }

    private static func isRecent(_ time: Date?, at date: Date, within window: Duration) -> Bool {
        guard let time else { return false }
        let elapsed = date.timeIntervalSince(time)
        return elapsed >= 0 && elapsed < window / .seconds(1)
    }

    /// The memory after a message at `date` that raised the level by `amount`, told of a
    /// harmless plan or not, and was answered with the direct question (`asked`) or answered it
    /// (`answered`: the question is closed, so "yes, ok" to the resources is not another
    /// answer); a message that did none of these changes nothing (the level goes on fading
    /// from when it was last raised). A message dated before the last one (a batch tried
    /// again) fades nothing.
    public func after(raising amount: Double, toldPlan: Bool = false, asked: Bool = false, answered: Bool = false, at date: Date,
                      fadingOver fade: Duration) -> RiskMemory {
        var memory = self
        if amount > 0 {
            memory.level = min(Self.maximumLevel, level(at: date, fadingOver: fade) + amount)
            memory.updatedAt = max(date, updatedAt)
        }
        if toldPlan { memory.planToldAt = max(date, planToldAt ?? date) }
        if asked { memory.askedAt = max(date, askedAt ?? date) } else if answered { memory.askedAt = nil }
        return memory
    }
}
