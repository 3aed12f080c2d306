/// How long an open escalation may wait before it is posted again, and before the moderators
/// hear of it; each by priority.
public struct EscalationTimers: Sendable, Equatable {
    public var repingAfter: [Escalation.Priority: Duration]
    public var pageModeratorsAfter: [Escalation.Priority: Duration]

    /// Urgent: posted again after 2 minutes, moderators after 10. Normal: 15 minutes and an hour.
    public init(
        repingAfter: [Escalation.Priority: Duration] = [.urgent: .seconds(120), .normal: .seconds(900)],
        pageModeratorsAfter: [Escalation.Priority: Duration] = [.urgent: .seconds(600), .normal: .seconds(3600)]
    ) {
        self.repingAfter = repingAfter
        self.pageModeratorsAfter = pageModeratorsAfter
    }

    func reping(_ priority: Escalation.Priority) -> Double { (repingAfter[priority] ?? .seconds(120)) / .seconds(1) }
    func pageModerators(_ priority: Escalation.Priority) -> Double { (pageModeratorsAfter[priority] ?? .seconds(600)) / .seconds(1) }
}
