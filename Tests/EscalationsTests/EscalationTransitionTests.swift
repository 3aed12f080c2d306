import Escalations
import Foundation
import Testing

@Suite("An escalation's life: open, claimed, released, resolved, withdrawn")
struct EscalationTransitionTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let timers = EscalationTimers()
    let alice = EscalationActor("@alice:example.org")
    let bob = EscalationActor("@bob:example.org")

    func opened(_ priority: Escalation.Priority = .normal) -> Escalation {
        Escalation.opened(number: 7, patient: "@pat:example.org", roomID: "!dm", sourceEventID: "$ask", reason: "ambassador",
                          priority: priority, at: start, timers: timers)
    }

    @Test func anOpenedEscalationWaitsWithItsTimersRunning() {
        let normal = opened(.normal), urgent = opened(.urgent)
        #expect(normal.state == .open && normal.claimant == nil)
        #expect(normal.nextRepingAt == start.addingTimeInterval(900), "normal: posted again after 15 minutes")
        #expect(urgent.nextRepingAt == start.addingTimeInterval(120), "urgent: posted again after 2 minutes")
        #expect(urgent.pageModeratorsAt == start.addingTimeInterval(600))
    }

    @Test func theFirstClaimWinsAndTheSecondIsToldWhoHasIt() throws {
        let claimed = try opened().applying(.claim, by: alice, at: start, timers: timers)
        #expect(claimed.state == .claimed && claimed.claimant == alice.id)
        #expect(claimed.nextRepingAt == nil && claimed.pageModeratorsAt == nil, "a claimed escalation is not posted again")
        #expect(throws: EscalationRefusal.claimed(7, by: alice.id)) { try claimed.applying(.claim, by: bob, at: start, timers: timers) }
        #expect(throws: EscalationRefusal.alreadyYours(7)) { try claimed.applying(.claim, by: alice, at: start, timers: timers) }
    }

    @Test func onlyTheClaimantReleasesOrResolvesUnlessAnOperatorDoes() throws {
        let claimed = try opened().applying(.claim, by: alice, at: start, timers: timers)
        #expect(throws: EscalationRefusal.notYours(7, claimant: alice.id)) { try claimed.applying(.resolve(note: nil), by: bob, at: start, timers: timers) }
        #expect(throws: EscalationRefusal.notYours(7, claimant: alice.id)) { try claimed.applying(.release, by: bob, at: start, timers: timers) }
        let later = start.addingTimeInterval(60)
        let released = try claimed.applying(.release, by: alice, at: later, timers: timers)
        #expect(released.state == .open && released.claimant == nil)
        #expect(released.nextRepingAt == later.addingTimeInterval(900), "back in the queue, its timers start again")
        let byOperator = try claimed.applying(.resolve(note: "done"), by: EscalationActor("operator:sam", isOperator: true), at: later, timers: timers)
        #expect(byOperator.state == .resolved)
    }

    @Test func resolvingTwiceOrWhatIsOpenIsRefused() throws {
        #expect(throws: EscalationRefusal.notClaimed(7)) { try opened().applying(.resolve(note: nil), by: alice, at: start, timers: timers) }
        let resolved = try opened().applying(.claim, by: alice, at: start, timers: timers).applying(.resolve(note: nil), by: alice, at: start, timers: timers)
        #expect(throws: EscalationRefusal.closed(7, .resolved)) { try resolved.applying(.resolve(note: nil), by: alice, at: start, timers: timers) }
        #expect(throws: EscalationRefusal.closed(7, .resolved)) { try resolved.applying(.claim, by: bob, at: start, timers: timers) }
        #expect(throws: EscalationRefusal.closed(7, .resolved)) { try resolved.applying(.release, by: alice, at: start, timers: timers) }
    }

    @Test func aCrisisWhileWaitingRaisesItToUrgentAndSoonerTimers() throws {
        let later = start.addingTimeInterval(30)
        let raised = try opened(.normal).applying(.request(.urgent), by: EscalationActor("@pat:example.org"), at: later, timers: timers)
        #expect(raised.priority == .urgent && raised.requests == 2)
        #expect(raised.nextRepingAt == later.addingTimeInterval(120))
        let again = try raised.applying(.request(.normal), by: EscalationActor("@pat:example.org"), at: later, timers: timers)
        #expect(again.priority == .urgent, "a later ordinary request never lowers the priority")
    }

    @Test func thePatientCanWithdrawWhatIsActiveOnly() throws {
        let cancelled = try opened().applying(.cancel, by: EscalationActor("@pat:example.org"), at: start, timers: timers)
        #expect(cancelled.state == .cancelled && cancelled.nextRepingAt == nil)
        #expect(throws: EscalationRefusal.closed(7, .cancelled)) { try cancelled.applying(.claim, by: alice, at: start, timers: timers) }
    }

    @Test func timersMoveOnWhenTheyFire() throws {
        let due = start.addingTimeInterval(120)
        let repinged = try opened(.urgent).applying(.reping, by: EscalationActor("supportbot"), at: due, timers: timers)
        #expect(repinged.nextRepingAt == due.addingTimeInterval(120), "posted again every interval while open")
        let paged = try repinged.applying(.pageModerators, by: EscalationActor("supportbot"), at: due, timers: timers)
        #expect(paged.pageModeratorsAt == nil, "the moderators hear of it once")
        let claimed = try opened().applying(.claim, by: alice, at: start, timers: timers)
        #expect(throws: EscalationRefusal.closed(7, .claimed)) { try claimed.applying(.reping, by: EscalationActor("supportbot"), at: due, timers: timers) }
    }
}
