/// How sure a crisis is, and so how it is answered (DESIGN.md, safety rule 1).
public enum RiskLevel: String, Sendable, CaseIterable, Codable, Comparable {
    /// Possible rather than certain: the reply asks directly and kindly ("Are you thinking about
    /// ending your life?"), the way clinical screening (C-SSRS) does, with the resources.
    case possible
    /// Certain: resources at once, and an urgent escalation.
    case definite

    public static func < (lhs: RiskLevel, rhs: RiskLevel) -> Bool {
        lhs == .possible && rhs == .definite
    }
}
