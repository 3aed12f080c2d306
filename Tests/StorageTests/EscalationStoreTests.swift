import Escalations
import Foundation
import Storage
import Testing

@Suite("The escalation queue in SQLite")
struct EscalationStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let timers = EscalationTimers()

    /// A real SQLite file, opened twice as the bot and an operator's command would.
    func withTwoConnections(_ body: (BotDatabase, BotDatabase) throws -> Void) throws {
        try withDatabaseFile { path in try body(try BotDatabase.open(path: path), try BotDatabase.open(path: path)) }
    }

    func ask(_ database: BotDatabase, _ patient: String, event: String, priority: Escalation.Priority = .normal, after seconds: Double = 0) throws -> EscalationChange {
        try database.requestEscalation(patient: patient, roomID: "!dm-\(patient)", eventID: event, reason: priority == .urgent ? "crisis" : "ambassador",
                                       priority: priority, at: now.addingTimeInterval(seconds), timers: timers)
    }

    @Test func aHundredPairsOfRacingClaimsEachHaveExactlyOneWinner() throws {
        try withTwoConnections { bot, other in
            var numbers: [Int] = []
            for index in 0..<100 { numbers.append(try ask(bot, "@p\(index):x", event: "$ask\(index)").escalation.number) }
            for number in numbers {
                let claimants = [(bot, "@alice:x"), (other, "@bob:x")]
                let results = ResultBox()
                DispatchQueue.concurrentPerform(iterations: 2) { side in
                    let (database, claimant) = claimants[side]
                    do {
                        try database.changeEscalation(number, .claim, by: EscalationActor(claimant), at: now, eventID: "$claim-\(number)-\(side)", timers: timers)
                        results.add(.won(claimant))
                    } catch let refusal as EscalationRefusal {
                        results.add(.lost(refusal.claimant))
                    } catch {
                        results.add(.failed("\(error)"))
                    }
                }
                let winners = results.all.compactMap { if case let .won(who) = $0 { who } else { nil } }
                let losers = results.all.compactMap { if case let .lost(holder) = $0 { holder } else { nil } }
                #expect(winners.count == 1 && losers.count == 1, "#\(number): \(results.all)")
                #expect(losers.first == winners.first, "the loser is told who has it")
                #expect(try bot.escalation(number)?.claimant == winners.first)
                let trail = try other.auditTrail(of: number).filter { $0.action == "claim" }
                #expect(trail.count == 2 && trail.filter { $0.refusal == nil }.count == 1, "both attempts are audited, one refused")
            }
        }
    }

    @Test func aPatientNeverHasTwoActiveEscalations() throws {
        try withTwoConnections { database, _ in
            let first = try ask(database, "@pat:x", event: "$1")
            let second = try ask(database, "@pat:x", event: "$2", priority: .urgent, after: 10)
            #expect(first.opened && !second.opened)
            #expect(second.escalation.number == first.escalation.number && second.escalation.requests == 2)
            #expect(second.escalation.priority == .urgent, "a crisis raises the waiting request")
            try database.changeEscalation(first.escalation.number, .claim, by: EscalationActor("@alice:x"), at: now, timers: timers)
            try database.changeEscalation(first.escalation.number, .resolve(note: nil), by: EscalationActor("@alice:x"), at: now, timers: timers)
            let third = try ask(database, "@pat:x", event: "$3", after: 20)
            #expect(third.opened && third.escalation.number != first.escalation.number, "after it is resolved, a new request opens a new one")
        }
    }

    @Test func theSameEventAppliedTwiceChangesNothing() throws {
        try withTwoConnections { database, _ in
            let first = try ask(database, "@pat:x", event: "$1")
            let again = try ask(database, "@pat:x", event: "$1")
            #expect(again.replayed && again.opened && again.escalation.requests == 1)
            let number = first.escalation.number
            try database.changeEscalation(number, .claim, by: EscalationActor("@alice:x"), at: now, eventID: "$c", timers: timers)
            let replay = try database.changeEscalation(number, .claim, by: EscalationActor("@alice:x"), at: now, eventID: "$c", timers: timers)
            #expect(replay.replayed && replay.escalation.claimant == "@alice:x")
            #expect(try database.auditTrail(of: number).map(\.action) == ["open", "claim"])
            #expect(throws: EscalationRefusal.self) {
                try database.changeEscalation(number, .claim, by: EscalationActor("@bob:x"), at: now, eventID: "$d", timers: timers)
            }
            #expect(throws: EscalationRefusal.recorded(number, "#\(number) is already claimed by @alice:x.")) {
                try database.changeEscalation(number, .claim, by: EscalationActor("@bob:x"), at: now, eventID: "$d", timers: timers)
            }
        }
    }

    @Test func theQueueIsUrgentFirstThenLongestWaiting() throws {
        try withTwoConnections { database, _ in
            let old = try ask(database, "@a:x", event: "$a").escalation.number
            let newer = try ask(database, "@b:x", event: "$b", after: 60).escalation.number
            let urgent = try ask(database, "@c:x", event: "$c", priority: .urgent, after: 120).escalation.number
            #expect(try database.escalationQueue().map(\.number) == [urgent, old, newer])
            #expect(try database.queuePosition(of: newer) == 3)
            try database.changeEscalation(old, .claim, by: EscalationActor("@alice:x"), at: now, timers: timers)
            #expect(try database.escalationQueue().map(\.number) == [urgent, newer])
            #expect(try database.escalations(claimedBy: "@alice:x").map(\.number) == [old])
            #expect(try database.queuePosition(of: old) == nil)
        }
    }

    @Test func unknownNumbersAndOutsidersAreRefusedAndAudited() throws {
        try withTwoConnections { database, _ in
            let number = try ask(database, "@pat:x", event: "$1").escalation.number
            #expect(throws: NoSuchEscalation.self) {
                try database.changeEscalation(9999, .claim, by: EscalationActor("@alice:x"), at: now, timers: timers)
            }
            #expect(throws: EscalationRefusal.notAllowed(number)) {
                try database.changeEscalation(number, .claim, by: EscalationActor("@mallory:x"), at: now, allowed: false, timers: timers)
            }
            #expect(try database.escalation(number)?.state == .open)
            let attempt = try #require(try database.auditTrail(of: number).last)
            #expect(attempt.actor == "@mallory:x" && attempt.refusal != nil)
        }
    }

    @Test func timersAreDueFromTheDatabaseSoTheySurviveARestart() throws {
        try withTwoConnections { database, reopened in
            let number = try ask(database, "@pat:x", event: "$1", priority: .urgent).escalation.number
            #expect(try reopened.dueEscalations(at: now.addingTimeInterval(119)).isEmpty)
            #expect(try reopened.dueEscalations(at: now.addingTimeInterval(120)).map(\.number) == [number])
        }
    }

    @Test func changesFromTheCommandLineWaitToBeAnnounced() throws {
        try withTwoConnections { bot, command in
            let number = try ask(bot, "@pat:x", event: "$1").escalation.number
            try command.changeEscalation(number, .claim, by: EscalationActor("@alice:x", isOperator: true), at: now, announced: false, timers: timers)
            let pending = try bot.unannouncedChanges()
            #expect(pending.map(\.audit.action) == ["claim"] && pending.first?.escalation.claimant == "@alice:x")
            try bot.markAnnounced(try #require(pending.first).audit.id)
            #expect(try bot.unannouncedChanges().isEmpty)
        }
    }

    @Test func forgetErasesClosedEscalationsButNotOneStillActive() throws {
        try withTwoConnections { database, _ in
            let closed = try ask(database, "@pat:x", event: "$1").escalation.number
            try database.changeEscalation(closed, .cancel, by: EscalationActor("@pat:x"), at: now, timers: timers)
            let active = try ask(database, "@pat:x", event: "$2", priority: .urgent).escalation.number
            try database.commit(Handling(eventID: "$forget", roomID: "!dm", at: now, patient: "@pat:x").forgetting())
            #expect(try database.escalation(closed) == nil)
            #expect(try database.auditTrail(of: closed).isEmpty)
            #expect(try database.escalation(active)?.state == .open, "a crisis still waiting for a person is not dropped")
        }
    }
}

private extension Handling {
    func forgetting() -> Handling {
        var handling = self
        handling.forget = true
        return handling
    }
}

/// Results from concurrent claims.
private final class ResultBox: @unchecked Sendable {
    enum Result: Sendable { case won(String), lost(String?), failed(String) }
    private let lock = NSLock()
    private var results: [Result] = []
    func add(_ result: Result) { lock.withLock { results.append(result) } }
    var all: [Result] { lock.withLock { results } }
}
