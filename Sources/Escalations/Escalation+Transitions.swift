import Foundation

extension Escalation {
    /// A new escalation, waiting for an ambassador, its timers running.
    public static func opened(
        number: Int, patient: String, roomID: String, sourceEventID: String, reason: String, priority: Priority,
        at date: Date, timers: EscalationTimers
    ) -> Escalation {
        var escalation = Escalation(number: number, patient: patient, roomID: roomID, sourceEventID: sourceEventID,
                                    reason: reason, priority: priority, openedAt: date)
        escalation.armTimers(from: date, timers: timers)
        return escalation
    }

    /// The escalation after `action`, or why it may not be done. Pure: the caller stores the
    /// result (and its audit line) in one transaction, which is what makes a claim atomic.
    public func applying(_ action: EscalationAction, by actor: EscalationActor, at date: Date, timers: EscalationTimers) throws(EscalationRefusal) -> Escalation {
        var next = self
        next.updatedAt = date
        switch action {
        case let .request(priority):
            guard state.isActive else { throw .closed(number, state) }
            next.requests += 1
            if priority > self.priority {
                next.priority = priority
                // Raised to urgent: the sooner of the two schedules.
                if state == .open { next.armTimers(from: date, timers: timers, keepingSooner: true) }
            }
        case .claim:
            switch state {
            case .open:
                next.state = .claimed
                next.claimant = actor.id
                next.nextRepingAt = nil
                next.pageModeratorsAt = nil
            case .claimed:
                throw claimant == actor.id ? .alreadyYours(number) : .claimed(number, by: claimant ?? "someone")
            case .resolved, .cancelled:
                throw .closed(number, state)
            }
        case .release:
            try requireClaimed(by: actor)
            next.state = .open
            next.claimant = nil
            next.handoffRoomID = nil
            next.armTimers(from: date, timers: timers)
        case .resolve:
            if state == .open, actor.isOperator {
                next.state = .resolved
                break
            }
            try requireClaimed(by: actor)
            next.state = .resolved
        case .note:
            break
        case .cancel:
            guard state.isActive else { throw .closed(number, state) }
            next.state = .cancelled
        case .reping:
            guard state == .open else { throw .closed(number, state) }
            next.nextRepingAt = date.addingTimeInterval(timers.reping(priority))
        case .pageModerators:
            guard state == .open else { throw .closed(number, state) }
            next.pageModeratorsAt = nil
        }
        if !next.state.isActive {
            next.nextRepingAt = nil
            next.pageModeratorsAt = nil
        }
        return next
    }

    private func requireClaimed(by actor: EscalationActor) throws(EscalationRefusal) {
        switch state {
        case .open: throw .notClaimed(number)
        case .resolved, .cancelled: throw .closed(number, state)
        case .claimed:
            guard claimant == actor.id || actor.isOperator else { throw .notYours(number, claimant: claimant ?? "someone") }
        }
    }

    private mutating func armTimers(from date: Date, timers: EscalationTimers, keepingSooner: Bool = false) {
        let reping = date.addingTimeInterval(timers.reping(priority))
        let page = date.addingTimeInterval(timers.pageModerators(priority))
        nextRepingAt = keepingSooner ? min(nextRepingAt ?? reping, reping) : reping
        pageModeratorsAt = keepingSooner ? min(pageModeratorsAt ?? page, page) : page
    }
}
