import MatrixClient
@testable import Relay
import Testing

/// What the relay without a database keeps: bounded memory however long it runs.
@Suite struct RelayLogTests {
    @Test func aTransactionIdIsRememberedForADayThenForgotten() {
        var log = RelayLog(history: 100)
        let day = RelayLog.transactionLifetimeMilliseconds
        log.apply(Self.message(1, at: 0, transaction: "phone/a"))
        log.apply(Self.message(2, at: day / 2, transaction: "phone/b"))
        #expect(log.eventID(forTransaction: "phone/a") == "$1")
        log.apply(Self.message(3, at: day + 1, transaction: "phone/c"))
        #expect(log.eventID(forTransaction: "phone/a") == nil, "a day later the first send is forgotten")
        #expect(log.eventID(forTransaction: "phone/b") == "$2" && log.eventID(forTransaction: "phone/c") == "$3")
    }

    @Test func aLongRoomKeepsItsNewestEventsAndItsStateOnly() {
        var log = RelayLog(history: 10)
        log.apply(RelayEvent(position: 1, roomID: "!r", eventID: "$name", type: "m.room.name", sender: "@a:x", stateKey: "",
                             content: ["name": "Room"], originServerTS: 0))
        for position in 2 ... 30_000 { log.apply(Self.message(position, at: position, transaction: nil)) }
        #expect(log.events.count == 11, "the ten newest and the room's name")
        #expect(log.rooms["!r"]?.positions.count == 10)
        #expect(log.event(at: 1).content["name"]?.string == "Room")
    }

    private static func message(_ position: Int, at milliseconds: Int, transaction: String?) -> RelayEvent {
        RelayEvent(position: position, roomID: "!r", eventID: "$\(position)", type: "m.room.message", sender: "@a:x", stateKey: nil,
                   content: ["body": "hi"], originServerTS: milliseconds, transactionKey: transaction)
    }
}
