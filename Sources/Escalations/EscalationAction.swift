/// Something someone does to an escalation; each one done is a line in its audit trail.
public enum EscalationAction: Sendable, Equatable {
    /// The patient asked again while it was active; a crisis raises it to urgent.
    case request(Escalation.Priority)
    case claim
    /// The claimant gives it back to the queue.
    case release
    case resolve(note: String?)
    case note(String)
    /// The patient withdrew.
    case cancel
    /// Still open at its re-ping time: posted again.
    case reping
    /// Still open at its moderators time: raised with the moderators.
    case pageModerators

    /// The word the audit trail records.
    public var name: String {
        switch self {
        case .request: "request"
        case .claim: "claim"
        case .release: "release"
        case .resolve: "resolve"
        case .note: "note"
        case .cancel: "cancel"
        case .reping: "reping"
        case .pageModerators: "page-moderators"
        }
    }

    /// What the audit trail keeps beside the word: the ambassador's note, or the priority.
    public var detail: String? {
        switch self {
        case let .request(priority): priority.rawValue
        case let .resolve(note): note
        case let .note(text): text
        default: nil
        }
    }
}

/// Who acts: an ambassador (by Matrix id), the bot's own timers, or an operator at the command line.
public struct EscalationActor: Sendable, Equatable {
    public let id: String
    /// Operators may release or resolve what someone else claimed, and resolve what is open.
    public let isOperator: Bool
    /// The operator who acted for `id` (`supportbot queue claim --as`), for the audit trail.
    public let via: String?

    public init(_ id: String, isOperator: Bool = false, via: String? = nil) {
        self.id = id
        self.isOperator = isOperator
        self.via = via
    }
}
