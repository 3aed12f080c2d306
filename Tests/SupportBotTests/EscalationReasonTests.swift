import Foundation
import IntentEngine
@testable import SupportBot
import Testing

/// What ambassadors read as the reason of a request, from what the queue stores.
@Suite("Escalation reasons")
struct EscalationReasonTests {
    let catalog: IntentCatalog

    init() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        catalog = try IntentCatalog.load(from: root.appendingPathComponent("Intents"))
    }

    @Test func aPossibleCrisisTellsAmbassadorsWhatToDoNotWhichRuleMatched() throws {
        let classifier = IntentClassifier(catalog: catalog)
        let reply = ReplyComposer(catalog: catalog).reply(to: classifier.classify("sometimes i wonder if its even worth it").best)
        let reason = EscalationReason(reply)
        #expect(reason.text == "crisis/possible")
        #expect(EscalationReason(text: reason.text) == reason, "read back from the queue as it was stored")
        #expect(reason.title(in: catalog) == "Possible crisis — ask them directly whether they are thinking about ending their life")
    }

    @Test func otherReasonsKeepTheIntentsTitle() throws {
        let crisis = try #require(catalog.intent(withID: "crisis")).title
        #expect(EscalationReason(text: "crisis").title(in: catalog) == crisis)
        #expect(EscalationReason(text: "crisis/overdose").title(in: catalog) == "\(crisis) (overdose)")
        #expect(EscalationReason(text: "ambassador").title(in: catalog) == catalog.intent(withID: "ambassador")?.title)
        #expect(EscalationReason(text: "retired_intent").title(in: catalog) == "retired_intent", "an intent since removed shows its id")
    }
}
