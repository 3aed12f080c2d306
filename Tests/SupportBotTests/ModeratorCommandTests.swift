import MatrixClient
@testable import SupportBot
import Testing

@Suite("Moderators' commands and patients' votes, as parsed")
struct ModeratorCommandTests {
    @Test func commandsAndTheirArguments() {
        #expect(ModeratorCommand(message: "!rules") == .rules)
        #expect(ModeratorCommand(message: "  !STATS ") == .stats(days: 7))
        #expect(ModeratorCommand(message: "!stats 30") == .stats(days: 30))
        #expect(ModeratorCommand(message: "!classify i cant sleep  ") == .classify("i cant sleep"))
        #expect(ModeratorCommand(message: "!help") == .help)
        #expect(ModeratorCommand(message: "what does !explain do") == nil, "conversation is not a command")
        #expect(ModeratorCommand(message: "!") == nil)
    }

    @Test func linksToMessages() {
        let link = ModeratorCommand.MessageLink(room: "!abc:example.org", eventID: "$ev1")
        #expect(ModeratorCommand(message: "!explain https://matrix.to/#/!abc:example.org/$ev1?via=example.org") == .explain(link))
        #expect(ModeratorCommand(message: "!explain https://matrix.to/#/%21abc%3Aexample.org/%24ev1") == .explain(link), "percent-encoded, as some clients copy it")
        #expect(ModeratorCommand(message: "!explain https://matrix.to/#/#community:example.org/$ev1")
            == .explain(.init(room: "#community:example.org", eventID: "$ev1")))
        #expect(ModeratorCommand(message: "!explain $ev1") == .explain(.init(room: nil, eventID: "$ev1")))
        #expect(ModeratorCommand(message: "!explain https://matrix.to/#/!roomv12hash/$ev1") == .explain(.init(room: "!roomv12hash", eventID: "$ev1")),
                "a room id of version 12 has no server part")
    }

    @Test func badInputIsRefusedWithWhatToType() {
        for bad in ["!explain", "!explain https://matrix.to/#/!abc:example.org", "!explain https://example.org/$ev1", "!explain $", "!explain a b"] {
            guard case let .invalid(answer) = ModeratorCommand(message: bad) else {
                Issue.record("\(bad) was not refused")
                continue
            }
            #expect(answer.contains("!explain needs a link"))
        }
        for days in ["0", "366", "-1", "week", "7.5", "٣"] {
            #expect(ModeratorCommand(message: "!stats \(days)") == .invalid("'\(days)' is not a number of days: !stats takes 1 to 365, such as !stats 30."))
        }
        #expect(ModeratorCommand(message: "!classify") == .invalid("!classify needs a text to read: !classify i cant sleep because of my back"))
        #expect(ModeratorCommand(message: "!claim 3") == .invalid("I don't know !claim. \(ModeratorCommand.usage)"))
    }

    @Test func onlyThumbsUpOrDownOnAnEventAreVotes() {
        func reaction(_ key: String, relation: String = "m.annotation") -> ClientEvent {
            ClientEvent(eventID: "$r", type: "m.reaction", sender: "@p:localhost", originServerTS: 0,
                        content: ["m.relates_to": ["rel_type": .string(relation), "event_id": "$reply", "key": .string(key)]])
        }
        #expect(PatientFeedback.vote(reaction("👍"))?.vote == .up)
        #expect(PatientFeedback.vote(reaction("👍\u{FE0F}"))?.vote == .up, "with a variation selector")
        #expect(PatientFeedback.vote(reaction("👍🏽"))?.vote == .up, "with a skin tone")
        #expect(PatientFeedback.vote(reaction("👎️"))?.vote == .down)
        #expect(PatientFeedback.vote(reaction("👎"))?.reply == "$reply")
        #expect(PatientFeedback.vote(reaction("❤️")) == nil)
        #expect(PatientFeedback.vote(reaction("👍👎")) == nil)
        #expect(PatientFeedback.vote(reaction("👍", relation: "m.reference")) == nil)
    }
}
