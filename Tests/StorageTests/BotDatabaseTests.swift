import Foundation
import Storage
import Testing

@Suite("Bot database")
struct BotDatabaseTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func syncPositionAndHandledEventsSurviveReopening() throws {
        try withDatabaseFile { path in
            do {
                let database = try BotDatabase.open(path: path)
                #expect(try database.syncPosition() == nil)
                try database.commit(Handling(eventID: "$a", roomID: "!r", at: now))
                try database.saveSyncPosition("s1")
                try database.saveSyncPosition("s2")
            }
            let reopened = try BotDatabase.open(path: path)
            #expect(try reopened.syncPosition() == "s2")
            #expect(try reopened.recall(events: ["$a", "$b"], rooms: [], patients: []).handled == ["$a"])
        }
    }

    @Test func handlingTheSameEventTwiceKeepsOneRecord() throws {
        let database = try BotDatabase.inMemory()
        var handling = Handling(eventID: "$a", roomID: "!r", at: now, patient: "@p:localhost")
        handling.repliedIntent = "sleep"
        try database.commit(handling)
        #expect(try database.replyLog(userID: "@p:localhost", intentID: "sleep")?.turns == 1)
        try database.commit(handling)
        #expect(try database.replyLog(userID: "@p:localhost", intentID: "sleep")?.turns == 1, "a second commit of the same event changes nothing")
        #expect(try database.recall(events: ["$a"], rooms: [], patients: []).handled == ["$a"])
    }

    @Test func repliesCountTurnsPerPatientAndIntent() throws {
        let database = try BotDatabase.inMemory()
        for (index, intent) in ["sleep", "sleep", "goals"].enumerated() {
            var handling = Handling(eventID: "$\(index)", roomID: "!r", at: now.addingTimeInterval(Double(index)), patient: "@p:localhost")
            handling.repliedIntent = intent
            handling.disclosed = true
            try database.commit(handling)
        }
        #expect(try database.replyLog(userID: "@p:localhost", intentID: "sleep") == ReplyLog(userID: "@p:localhost", intentID: "sleep", turns: 2, lastReplyAt: now.addingTimeInterval(1)))
        #expect(try database.replyLog(userID: "@p:localhost", intentID: "goals")?.turns == 1)
        #expect(try database.patient("@p:localhost")?.disclosed == true)
    }

    /// What a batch reads for a patient's first message is what a message-by-message read gives.
    @Test func aBatchRecallsWhatIsKeptAboutEachPatient() throws {
        let database = try BotDatabase.inMemory()
        for (index, intent) in ["sleep", "sleep", "goals"].enumerated() {
            var handling = Handling(eventID: "$\(index)", roomID: "!r", at: now.addingTimeInterval(Double(index)), patient: "@p:localhost")
            handling.repliedIntent = intent
            handling.disclosed = true
            try database.commit(handling)
        }
        let memory = try database.recall(events: [], rooms: [], patients: ["@p:localhost", "@new:localhost"])
        let (patient, sleep) = try database.patientAndReplyLog("@p:localhost", intentID: "sleep")
        #expect(memory.patients["@p:localhost"]?.patient == patient)
        #expect(memory.patients["@p:localhost"]?.replyLogs["sleep"] == sleep)
        #expect(memory.patients["@p:localhost"]?.replyLogs["goals"]?.turns == 1)
        #expect(memory.patients["@new:localhost"]?.patient == nil && memory.patients["@new:localhost"]?.replyLogs.isEmpty == true)
    }

    @Test func stopStartAndForget() throws {
        let database = try BotDatabase.inMemory()
        var stop = Handling(eventID: "$1", roomID: "!r", at: now, patient: "@p:localhost")
        stop.optedOut = true
        try database.commit(stop)
        #expect(try database.patient("@p:localhost")?.optedOut == true)
        var start = Handling(eventID: "$2", roomID: "!r", at: now, patient: "@p:localhost")
        start.optedOut = false
        start.repliedIntent = "sleep"
        try database.commit(start)
        #expect(try database.patient("@p:localhost")?.optedOut == false)
        var forget = Handling(eventID: "$3", roomID: "!r", at: now, patient: "@p:localhost")
        forget.forget = true
        try database.commit(forget)
        #expect(try database.patient("@p:localhost") == nil)
        #expect(try database.replyLog(userID: "@p:localhost", intentID: "sleep") == nil)
        #expect(try database.recall(events: ["$1", "$2", "$3"], rooms: [], patients: []).handled == ["$1", "$2", "$3"])
    }

    @Test func purgeRemovesWhatIsOlderThanTheRetention() throws {
        let database = try BotDatabase.inMemory()
        var old = Handling(eventID: "$old", roomID: "!r", at: now, patient: "@old:localhost")
        old.repliedIntent = "sleep"
        try database.commit(old)
        var recent = Handling(eventID: "$new", roomID: "!r", at: now.addingTimeInterval(86_400 * 40), patient: "@new:localhost")
        recent.repliedIntent = "sleep"
        try database.commit(recent)
        try database.purge(before: now.addingTimeInterval(86_400 * 30))
        #expect(try database.recall(events: ["$old", "$new"], rooms: [], patients: []).handled == ["$new"])
        #expect(try database.patient("@old:localhost") == nil)
        #expect(try database.replyLog(userID: "@old:localhost", intentID: "sleep") == nil)
        #expect(try database.patient("@new:localhost") != nil)
    }

    @Test func aRoomIsFollowedFromTheFirstTimeItIsSeen() throws {
        let database = try BotDatabase.inMemory()
        #expect(try database.followingSince("!r", now: now) == now)
        #expect(try database.followingSince("!r", now: now.addingTimeInterval(3600)) == now, "a restart keeps the first date")
        #expect(try database.followingSince("!other", now: now.addingTimeInterval(60)) == now.addingTimeInterval(60))
    }

    @Test func stopOutlastsTheRetention() throws {
        let database = try BotDatabase.inMemory()
        var stop = Handling(eventID: "$stop", roomID: "!r", at: now, patient: "@quiet:localhost")
        stop.optedOut = true
        try database.commit(stop)
        try database.purge(before: now.addingTimeInterval(86_400 * 365))
        #expect(try database.patient("@quiet:localhost")?.optedOut == true)
    }

    // MARK: - Conversation risk

    func raise(_ database: BotDatabase, _ event: String, level: Double, at date: Date, patient: String = "@p:localhost") throws {
        var handling = Handling(eventID: event, roomID: "!r", at: date, patient: patient)
        handling.risk = PatientRisk(level: level, at: date)
        try database.commit(handling)
    }

    @Test func aRiskLevelIsKeptAcrossReopeningAndTheNewestWins() throws {
        try withDatabaseFile { path in
            do {
                let database = try BotDatabase.open(path: path)
                try raise(database, "$2", level: 3, at: now.addingTimeInterval(60))
                try raise(database, "$1", level: 1, at: now) // an earlier message handled later (a crisis went first)
                var plain = Handling(eventID: "$3", roomID: "!r", at: now.addingTimeInterval(120), patient: "@p:localhost")
                plain.repliedIntent = "sleep"
                try database.commit(plain)
            }
            let reopened = try BotDatabase.open(path: path)
            #expect(try reopened.recall(events: [], rooms: [], patients: ["@p:localhost", "@nobody:localhost"]).patients.compactMapValues(\.risk)
                == ["@p:localhost": PatientRisk(level: 3, at: now.addingTimeInterval(60))])
        }
    }

    @Test func forgetAndTheRetentionEraseTheRiskLevel() throws {
        let database = try BotDatabase.inMemory()
        try raise(database, "$1", level: 2, at: now)
        var forget = Handling(eventID: "$2", roomID: "!r", at: now, patient: "@p:localhost")
        forget.forget = true
        try database.commit(forget)
        #expect(try database.recall(events: [], rooms: [], patients: ["@p:localhost"]).patients["@p:localhost"]?.risk == nil)

        var stop = Handling(eventID: "$3", roomID: "!r", at: now, patient: "@quiet:localhost")
        stop.optedOut = true
        stop.risk = PatientRisk(level: 2, at: now)
        try database.commit(stop)
        try database.purge(before: now.addingTimeInterval(86_400 * 30))
        #expect(try database.patient("@quiet:localhost")?.optedOut == true, "!stop outlasts the retention")
        #expect(try database.recall(events: [], rooms: [], patients: ["@quiet:localhost"]).patients["@quiet:localhost"]?.risk == nil, "its risk level does not")
    }

    @Test func whenAPatientToldOfAPlanIsKeptTheNewestWinsAndForgetAndTheRetentionEraseIt() throws {
        func plan(_ database: BotDatabase, _ event: String, at date: Date?, patient: String = "@p:localhost") throws {
            var handling = Handling(eventID: event, roomID: "!r", at: date ?? now, patient: patient)
            handling.planToldAt = date
            try database.commit(handling)
        }
        func recalled(_ database: BotDatabase, _ patient: String = "@p:localhost") throws -> Date? {
            try database.recall(events: [], rooms: [], patients: [patient]).patients[patient]?.planToldAt
        }
        try withDatabaseFile { path in
            do {
                let database = try BotDatabase.open(path: path)
                try plan(database, "$2", at: now.addingTimeInterval(60))
                try plan(database, "$1", at: now)
                try plan(database, "$3", at: nil)
            }
            let reopened = try BotDatabase.open(path: path)
            #expect(try recalled(reopened) == now.addingTimeInterval(60), "the newest plan, kept across reopening; a message without one changes nothing")
            // Seen since: the patient outlasts the purge, the old plan does not.
            var seen = Handling(eventID: "$3c", roomID: "!r", at: now.addingTimeInterval(150), patient: "@p:localhost")
            seen.repliedIntent = "sleep"
            try reopened.commit(seen)
            try reopened.purge(before: now.addingTimeInterval(120))
            #expect(try reopened.patient("@p:localhost") != nil)
            #expect(try recalled(reopened) == nil, "the retention purge erases it")
            try plan(reopened, "$4", at: now.addingTimeInterval(180))
            var forget = Handling(eventID: "$5", roomID: "!r", at: now.addingTimeInterval(200), patient: "@p:localhost")
            forget.forget = true
            try reopened.commit(forget)
            #expect(try recalled(reopened) == nil, "!forget erases it")
        }
    }

    @Test func aQuestionAskedIsKeptUntilAnsweredAndForgetAndTheRetentionEraseIt() throws {
        func commit(_ database: BotDatabase, _ event: String, asked: Date? = nil, answered: Date? = nil) throws {
            var handling = Handling(eventID: event, roomID: "!r", at: asked ?? answered ?? now, patient: "@p:localhost")
            handling.askedAt = asked
            handling.answeredAt = answered
            try database.commit(handling)
        }
        func recalled(_ database: BotDatabase) throws -> Date? {
            try database.recall(events: [], rooms: [], patients: ["@p:localhost"]).patients["@p:localhost"]?.askedAt
        }
        try withDatabaseFile { path in
            do {
                let database = try BotDatabase.open(path: path)
                try commit(database, "$1", asked: now)
                try commit(database, "$2")
            }
            let reopened = try BotDatabase.open(path: path)
            #expect(try recalled(reopened) == now, "kept across reopening; a message that neither asks nor answers changes nothing")
            try commit(reopened, "$3", answered: now.addingTimeInterval(-60))
            #expect(try recalled(reopened) == now, "an answer from before the question does not close it")
            try commit(reopened, "$4", answered: now.addingTimeInterval(60))
            #expect(try recalled(reopened) == nil, "the answer closes it")

            try commit(reopened, "$5", asked: now.addingTimeInterval(120))
            // Seen since: the patient outlasts the purge, the old question does not.
            try reopened.commit(Handling(eventID: "$6", roomID: "!r", at: now.addingTimeInterval(200), patient: "@p:localhost"))
            try reopened.purge(before: now.addingTimeInterval(180))
            #expect(try reopened.patient("@p:localhost") != nil)
            #expect(try recalled(reopened) == nil, "the retention purge erases it")
            try commit(reopened, "$7", asked: now.addingTimeInterval(240))
            var forget = Handling(eventID: "$8", roomID: "!r", at: now.addingTimeInterval(300), patient: "@p:localhost")
            forget.forget = true
            try reopened.commit(forget)
            #expect(try recalled(reopened) == nil, "!forget erases it")
        }
    }
}
