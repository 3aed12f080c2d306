import Foundation
import IntentEngine
import SupportBot
import Testing

@Suite("Reply policy")
struct ReplyPolicyTests {
    let classifier: IntentClassifier
    let policy = ReplyPolicy(cooldown: .seconds(600))
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        classifier = IntentClassifier(catalog: try IntentCatalog.load(from: root.appendingPathComponent("Intents")))
    }

    func decide(_ text: String, in room: ReplyPolicy.Room, patient: ReplyPolicy.PatientState = .init(), mentions: Bool = false) -> ReplyPolicy.Decision {
        let classification = classifier.classify(text)
        return policy.decide(
            room: room, command: PatientCommand(message: text), classification: classification,
            answerInCommunity: classifier.catalog.intent(withID: classification.intentID)?.answerInCommunity ?? false,
            mentionsBot: mentions, patient: patient, now: now
        )
    }

    @Test func directChatsGetAnAnswerToEverything() {
        #expect(decide("what's the weather like", in: .direct) == .reply(intentID: "fallback", turn: 0, disclose: true))
        #expect(decide("thank you", in: .direct, patient: .init(disclosed: true)) == .reply(intentID: "thanks", turn: 0, disclose: false))
    }

    @Test func communityChitChatIsLeftAlone() {
        #expect(decide("anyone watching the game tonight", in: .community) == .ignore(.notForTheBot))
        #expect(decide("thank you all so much", in: .community) == .ignore(.notAnsweredInCommunity))
        #expect(decide("i cant sleep at all", in: .community) == .reply(intentID: "sleep", turn: 0, disclose: true))
        #expect(decide("anyone watching the game tonight", in: .community, mentions: true) == .reply(intentID: "fallback", turn: 0, disclose: true))
    }

    @Test func cooldownAppliesToTheSameIntentInTheCommunity() {
        let recent = ReplyPolicy.PatientState(disclosed: true, turns: 1, lastReplyAt: now.addingTimeInterval(-60))
        #expect(decide("i cant sleep at all", in: .community, patient: recent) == .ignore(.cooldown))
        #expect(decide("i cant sleep at all", in: .direct, patient: recent) == .reply(intentID: "sleep", turn: 1, disclose: false))
        let old = ReplyPolicy.PatientState(disclosed: true, turns: 3, lastReplyAt: now.addingTimeInterval(-601))
        #expect(decide("i cant sleep at all", in: .community, patient: old) == .reply(intentID: "sleep", turn: 3, disclose: false))
        let off = ReplyPolicy(cooldown: .zero)
        let classification = classifier.classify("i cant sleep")
        #expect(off.decide(room: .community, command: nil, classification: classification, answerInCommunity: true,
                           mentionsBot: false, patient: recent, now: now) == .reply(intentID: "sleep", turn: 1, disclose: false))
    }

    @Test func crisisIsAnsweredPastOptOutAndCooldown() {
        let stopped = ReplyPolicy.PatientState(optedOut: true, disclosed: true, turns: 1, lastReplyAt: now)
        #expect(decide("i want to kill myself", in: .community, patient: stopped) == .reply(intentID: "crisis", turn: 1, disclose: false))
        #expect(decide("i cant sleep", in: .direct, patient: stopped) == .ignore(.optedOut))
    }

    @Test func commands() {
        #expect(decide("!stop", in: .direct) == .command(.stop))
        #expect(decide("  !START now", in: .community) == .command(.start))
        #expect(decide("!forget", in: .community) == .command(.forget))
        #expect(decide("!dance", in: .direct) == .command(.unknown("dance")))
        #expect(decide("!dance", in: .community) == .ignore(.notForTheBot), "another bot's command in the community room")
        #expect(PatientCommand(message: "!") == nil)
        #expect(PatientCommand(message: "wow!") == nil)
        let stopped = ReplyPolicy.PatientState(optedOut: true)
        #expect(decide("!start", in: .direct, patient: stopped) == .command(.start))
    }
}
