import Escalations
import Testing

@Suite("Commands ambassadors type")
struct AmbassadorCommandTests {
    @Test(arguments: [
        ("!queue", AmbassadorCommand.queue),
        ("  !MINE ", .mine),
        ("!claim 12", .claim(12)),
        ("!claim #12", .claim(12)),
        ("!claim", .claim(nil)),
        ("!release 3", .release(3)),
        ("!resolve 3", .resolve(3, note: nil)),
        ("!resolve 3 talked for an hour, feeling better", .resolve(3, note: "talked for an hour, feeling better")),
        ("!resolve all good", .resolve(nil, note: "all good")),
        ("!note 4 will call back tomorrow", .note(4, "will call back tomorrow")),
        ("!note in thread", .note(nil, "in thread")),
    ])
    func readsWhatAmbassadorsType(_ message: String, _ expected: AmbassadorCommand) {
        #expect(AmbassadorCommand(message: message) == expected)
    }

    @Test(arguments: ["!claim abc", "!claim 0", "!claim 99999999999999999999999", "!release two", "!note 4", "!dance"])
    func answersBadCommandsWithWhatToType(_ message: String) throws {
        guard case let .invalid(answer) = try #require(AmbassadorCommand(message: message)) else {
            Issue.record("\(message) was read as a command")
            return
        }
        #expect(!answer.isEmpty)
    }

    @Test func leavesConversationAlone() {
        #expect(AmbassadorCommand(message: "I can take the next one") == nil)
        #expect(AmbassadorCommand(message: "!") == nil)
    }

    @Test func keepsNotesShort() throws {
        guard case let .note(_, text) = try #require(AmbassadorCommand(message: "!note 1 " + String(repeating: "x", count: 5_000))) else {
            Issue.record("not a note")
            return
        }
        #expect(text.count == 500)
    }
}
