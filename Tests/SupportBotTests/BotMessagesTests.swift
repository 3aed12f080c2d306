import Escalations
import Foundation
import IntentEngine
import Storage
@testable import SupportBot
import Testing

/// Every kind of message the bot sends, rendered once, by audience (docs/MESSAGES.md lists them):
/// what a patient reads is written for a patient, and staff notes stay with the staff.
@Suite("What each audience reads")
struct BotMessagesTests {
    let opened = Date(timeIntervalSince1970: 1_800_000_000)

    func escalation(_ state: Escalation.State, _ priority: Escalation.Priority = .normal) -> Escalation {
        Escalation(number: 7, patient: "@dana:example.org", roomID: "!community:example.org", sourceEventID: "$e", reason: "ambassador",
                   priority: priority, state: state, claimant: state == .open ? nil : "@rosa:example.org", openedAt: opened)
    }

    /// What patients read: the bot's answers, and the news of their request.
    var patientMessages: [(String, String)] {
        get throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let catalog = try IntentCatalog.load(from: root.appendingPathComponent("Intents"))
            let classifier = IntentClassifier(catalog: catalog)
            let composer = ReplyComposer(catalog: catalog)
            let crisis = classifier.classify("i want to end my life").best
            var messages: [(String, String)] = [
                ("crisis reply, first to this patient", composer.reply(to: crisis, disclose: true).body),
                ("possible crisis reply", composer.reply(to: classifier.classify("sometimes i wonder if its even worth it").best).body),
                ("overdose reply", composer.reply(to: classifier.classify("i took way too many of my pills on purpose").best).body),
                ("crisis in a community room, in public", try #require(composer.resources(to: crisis, note: BotMessages.writtenPrivately)).body),
                ("!help", BotMessages.help), ("!stop", BotMessages.stopped), ("!start", BotMessages.started), ("!forget", BotMessages.forgotten),
                ("unknown command", BotMessages.unknownCommand("frobnicate")),
                ("request withdrawn", EscalationMessages.withdrawnForPatient), ("a crisis request stays", EscalationMessages.stillComing),
                ("nothing to withdraw", EscalationMessages.nothingToWithdraw),
                ("an ambassador is coming", EscalationMessages.coming("Rosa")),
                ("the private room's first message", EscalationMessages.handoff(ambassador: "Rosa").text),
                ("back in line", EscalationMessages.backInLine), ("resolved", EscalationMessages.thanks(ambassador: "Rosa")),
                ("thanks for a 👍 or 👎, in a direct chat", BotMessages.thanksForFeedback),
            ]
            for (name, state, opened) in [("first request", Escalation.State.open, true), ("asked again", .open, false), ("asked again, claimed", .claimed, false)] {
                messages.append(("place in line: \(name)", try #require(EscalationMessages.waiting(escalation(state), opened: opened, position: 2))))
            }
            return messages
        }
    }

    /// What ambassadors and moderators read.
    var staffMessages: [(String, String)] {
        let title = "Wants to talk to a person"
        var messages: [(String, String)] = Escalation.State.allCases.flatMap { state in
            Escalation.Priority.allCases.map { priority in
                ("post: \(state.rawValue), \(priority.rawValue)", EscalationMessages.notice(escalation(state, priority), title: title, excerpt: "i need to talk", topics: ["Trouble sleeping, exhaustion"],
                                                                                            patientRoom: "!community:example.org", direct: false, by: "Rosa").text)
            }
        }
        messages += [
            ("asked again", EscalationMessages.askedAgain(escalation(.open), raised: false, onDuty: []).text),
            ("now urgent", EscalationMessages.askedAgain(escalation(.open, .urgent), raised: true, onDuty: ["@rosa:example.org"]).text),
            ("answered the direct question", EscalationMessages.askedAgain(escalation(.open, .urgent), raised: true, answered: true, onDuty: ["@rosa:example.org"]).text),
            ("claimed", EscalationMessages.claimed(escalation(.claimed), by: "Rosa", handoff: "!private:example.org", problem: nil).text),
            ("released", EscalationMessages.released(escalation(.open), by: "Rosa").text),
            ("resolved", EscalationMessages.resolved(escalation(.resolved), by: "Rosa", note: "talked it through").text),
            ("re-ping", EscalationMessages.reping(escalation(.open, .urgent), title: title, waiting: 600, onDuty: []).text),
            ("moderators paged", EscalationMessages.pageModerators(escalation(.open), title: title, waiting: 3600, ambassadorsRoom: "!amb:example.org").text),
            ("queue", EscalationMessages.queue([escalation(.open, .urgent)], titles: { _ in title }, now: opened.addingTimeInterval(300)).text),
        ]
        messages += moderatorMessages
        return messages
    }

    /// What moderators read in their room: figures and readings of rules, links, never a
    /// patient's words from a private room.
    var moderatorMessages: [(String, String)] {
        var stats = ModerationStats()
        stats.intents = [.init(intentID: "sleep", replies: 12, up: 3, down: 4), .init(intentID: "crisis", replies: 1)]
        stats.fallbacks = 5
        stats.escalations = 2
        stats.medianWaitUntilClaimed = 420
        stats.fallbackLinks = [RoomEvent(eventID: "$e", roomID: "!community:example.org")]
        let classifier = IntentClassifier(catalog: try! IntentCatalog.load(from: URL(fileURLWithPath: #filePath)
                .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Intents")))
        let reading = classifier.classify("i cant sleep", evidence: .all)
        var status = IntentRules.Status(files: [("crisis.yaml", "0a1b2c3d"), ("sleep.yaml", "4e5f6a7b")], loadedAt: opened)
        status.refused = (opened.addingTimeInterval(60), ["sleep.yaml:12:5: phrases: expected a list of texts"])
        return [
            ("!explain", ModeratorMessages.explanation(of: reading, room: "!community:example.org", answeredWith: "sleep").text),
            ("!classify", ModeratorMessages.classification(reading).text),
            ("!rules", ModeratorMessages.rules(status, intents: 14).text),
            ("!stats", ModeratorMessages.stats(stats, days: 7).text),
            ("the weekly summary", ModeratorMessages.weeklySummary(stats).text),
            ("refused: not a moderator", ModeratorMessages.notAModerator(50).text),
            ("refused: a direct chat or private room", ModeratorMessages.privateRoom.text),
            ("refused: an unknown event", ModeratorMessages.unknownEvent.text),
            ("refused: a room the bot is not in", ModeratorMessages.notInRoom.text),
        ]
    }

    @Test func theWeeklySummaryLinksAndNeverQuotes() {
        let messages = Dictionary(uniqueKeysWithValues: moderatorMessages)
        let summary = messages["the weekly summary"] ?? ""
        #expect(summary.contains("sleep: 12 replies, 👍 3, 👎 4") && summary.contains("Marked 👎 most: sleep (4)"))
        #expect(summary.contains("https://matrix.to/#/!community:example.org/$e"))
        #expect(summary.contains("Escalations: 2; median wait until claimed 7 minutes") && summary.contains("Crisis replies: 1"))
        #expect(messages["!rules"]?.contains("sleep.yaml:12:5: phrases") == true, "a refused change names file:line")
    }

    @Test func patientsReadNoStaffNotes() throws {
        for (name, text) in try patientMessages {
            #expect(text.range(of: #"#\d"#, options: .regularExpression) == nil, "\(name): a request number is for staff: \(text)")
            #expect(text.range(of: #"\d{4}-\d\d-\d\dT"#, options: .regularExpression) == nil, "\(name): a timestamp: \(text)")
            for note in ["URGENT", "matrix.to", "@", "!claim", "priority"] {
                #expect(!text.contains(note), "\(name): '\(note)' is for staff: \(text)")
            }
        }
    }

    @Test func aCrisisReplyNeverTellsThePatientToWaitOrToAsk() throws {
        for (name, text) in try patientMessages.prefix(4) {
            #expect(text.hasPrefix("• "), "\(name): the resources first: \(text)")
            for contradiction in ["in line", "!ambassador", "> "] {
                #expect(!text.contains(contradiction), "\(name): '\(contradiction)' contradicts an ambassador already asked: \(text)")
            }
        }
        #expect(EscalationMessages.waiting(escalation(.open, .urgent), opened: true, position: 1) == nil, "no place in line after a crisis")
    }

    @Test func thePostShowsItsState() {
        let posts = Dictionary(uniqueKeysWithValues: staffMessages.filter { $0.0.hasPrefix("post:") })
        #expect(posts["post: open, urgent"]?.hasPrefix("#7 · URGENT · ") == true)
        #expect(posts["post: open, normal"]?.contains("To claim: !claim 7") == true)
        #expect(posts["post: claimed, urgent"]?.hasPrefix("Claimed by Rosa within a minute: #7 · URGENT") == true)
        #expect(posts["post: open, normal"]?.contains("Lately they talked about: Trouble sleeping, exhaustion") == true)
        for (name, text) in posts where !name.hasPrefix("post: open") {
            #expect(!text.contains("To claim"), "\(name): only an open request can be claimed")
        }
    }

    /// Every message, as one text to read and review, in the test's temporary folder.
    @Test func everyMessageRendersForReview() throws {
        let patients = try patientMessages
        let all = [("Patients", patients), ("Ambassadors and moderators", staffMessages)].map { audience, messages in
            "# \(audience)\n\n" + messages.map { "## \($0.0)\n\($0.1)\n" }.joined(separator: "\n")
        }.joined(separator: "\n")
        for (_, text) in patients + staffMessages { #expect(!text.isEmpty) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("supportbot-messages.md")
        try all.write(to: file, atomically: true, encoding: .utf8)
        print("every message the bot sends: \(file.path)")
    }
}
