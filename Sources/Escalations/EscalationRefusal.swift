/// Why an action on an escalation was not done; `description` is what the person who tried is told.
public struct EscalationRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    enum Code: Equatable {
        case claimed(by: String)
        case alreadyYours
        case notYours(claimant: String)
        case notClaimed
        case closed(Escalation.State)
        case notAllowed
        case recorded(String)
    }

    let code: Code
    public let number: Int

    public static func claimed(_ number: Int, by claimant: String) -> Self { Self(code: .claimed(by: claimant), number: number) }
    public static func alreadyYours(_ number: Int) -> Self { Self(code: .alreadyYours, number: number) }
    public static func notYours(_ number: Int, claimant: String) -> Self { Self(code: .notYours(claimant: claimant), number: number) }
    public static func notClaimed(_ number: Int) -> Self { Self(code: .notClaimed, number: number) }
    public static func closed(_ number: Int, _ state: Escalation.State) -> Self { Self(code: .closed(state), number: number) }
    /// Not an ambassador who may claim: not in the room with enough power, nor in the configured list.
    public static func notAllowed(_ number: Int) -> Self { Self(code: .notAllowed, number: number) }

    /// A refusal as the audit trail recorded it, told again when the same event is retried.
    public static func recorded(_ number: Int, _ description: String) -> Self { Self(code: .recorded(description), number: number) }

    /// Who holds it, when that is why.
    public var claimant: String? {
        switch code {
        case let .claimed(by), let .notYours(by): by
        default: nil
        }
    }

    public var description: String {
        switch code {
        case let .claimed(by): "#\(number) is already claimed by \(by)."
        case .alreadyYours: "#\(number) is already yours."
        case let .notYours(claimant): "#\(number) is claimed by \(claimant), not by you."
        case .notClaimed: "#\(number) is not claimed yet: claim it first with !claim \(number)."
        case let .closed(state): "#\(number) is \(state.rawValue) already."
        case let .recorded(description): description
        case .notAllowed: "Only Patient Ambassadors can do that (power level or the bot's list); this attempt was noted."
        }
    }
}
