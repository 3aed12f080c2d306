import Foundation
import Testing
@testable import IntentEngine

/// The rules in `Intents/`, as moderators ship them.
@Suite("Shipped intents")
struct ShippedIntentsTests {
    let catalog: IntentCatalog
    let classifier: IntentClassifier

    init() throws {
        catalog = try TestSupport.catalog(TestSupport.shippedIntents)
        classifier = IntentClassifier(catalog: catalog)
    }

    /// Tools outside the package rely on these ids.
    static let requiredIDs = [
        "crisis", "medication", "frustration", "isolation", "sleep", "stress", "goals", "celebrate", "caregiver",
        "ambassador", "support", "spine", "pain_types", "greeting", "thanks", "help", "fallback",
    ]

    @Test func everyRequiredIntentExists() {
        let ids = Set(catalog.intents.map(\.id))
        for id in Self.requiredIDs { #expect(ids.contains(id), "missing intent \(id)") }
    }

    @Test func everyIntentHasEnoughExamples() {
        for intent in catalog.intents {
            #expect(intent.examples.count >= (intent.id == "crisis" ? 40 : 12), "\(intent.id) has \(intent.examples.count) examples")
            #expect(intent.counterexamples.count >= 5, "\(intent.id) has \(intent.counterexamples.count) counterexamples")
        }
    }

    @Test("every example and counterexample classifies as its file says", arguments: ShippedIntentsTests.requiredIDs)
    func examples(_ id: String) throws {
        let report = ExampleReport(classifier: classifier)
        for failure in report.failures where failure.intentID == id {
            Issue.record("\(failure)")
        }
        #expect(report.rows.contains { $0.intentID == id })
    }

    @Test func allExamplesPass() {
        let report = ExampleReport(classifier: classifier)
        #expect(report.passed, "\(report.failures.count) failures")
    }

    @Test("pain-community idioms are not crisis", arguments: [
        "this pain is killing me", "my back is killing me today", "dying to get back on my bike",
        "my surgeon is very skilled", "i could kill for a good nights sleep", "im dying to get back to golf",
    ])
    func idiomsAreNotCrisis(_ message: String) {
        #expect(classifier.classify(message).intentID != "crisis")
    }

    @Test("negation does not hide risk", arguments: [
        "i dont want to be here anymore", "I don't want to be here anymore.", "i don’t want to live like this anymore",
        "i'm not going to be around much longer", "i can't go on",
    ])
    func negationDoesNotHideRisk(_ message: String) {
        #expect(classifier.classify(message).intentID == "crisis")
    }

    @Test func negationScopeLeavesTheRealTopic() {
        #expect(classifier.classify("I'm not depressed, I just can't sleep").intentID == "sleep")
    }

    @Test func crisisOutranksEveryOtherIntent() throws {
        let crisis = try #require(catalog.intent(withID: "crisis"))
        #expect(crisis.escalate == .urgent)
        #expect(crisis.negation == .ignore)
        for intent in catalog.intents where intent.id != "crisis" { #expect(intent.priority < crisis.priority) }
        #expect(classifier.classify("thanks for everything, i cant sleep and i want to kill myself").intentID == "crisis")
    }

    @Test func crisisReplyFollowsTheSafetyRules() throws {
        let composer = ReplyComposer(catalog: catalog, locale: "en-US")
        let reply = composer.reply(to: classifier.classify("i want to end my life").best)
        let resources = reply.body.components(separatedBy: "\n").filter { $0.hasPrefix("• ") }
        #expect(resources.count <= 3)
        #expect(resources.first?.contains("988") == true, "the most direct option first")
        #expect(resources.contains { $0.contains("911") })
        #expect(reply.body.lowercased().contains("you don't have to go through this alone") || reply.body.lowercased().contains("you don’t have to go through this alone"))
        #expect(reply.body.lowercased().contains("ambassador"))

        let overdose = composer.reply(to: classifier.classify("i took way too many of my pills on purpose").best)
        #expect(overdose.variantID == "overdose")
        #expect(overdose.body.contains("1-800-222-1222"))
        #expect(overdose.body.components(separatedBy: "\n").filter { $0.hasPrefix("• ") }.count <= 3)

        for locale in ["en-GB", "de-DE", "en-CA"] {
            let local = ReplyComposer(catalog: catalog, locale: locale).reply(to: classifier.classify("kms").best)
            let items = local.body.components(separatedBy: "\n").filter { $0.hasPrefix("• ") }
            #expect((1...3).contains(items.count), "\(locale)")
        }
    }

    @Test func medicationRepliesNeverAdviseADoseOrAChange() throws {
        let medication = try #require(catalog.intent(withID: "medication"))
        let composer = ReplyComposer(catalog: catalog)
        let candidate = classifier.classify("can i take more of my pain meds").best
        #expect(candidate.intentID == "medication")
        for turn in 0..<max(1, medication.response.encouragement.count) {
            let body = composer.reply(to: candidate, turn: turn).body.lowercased()
            #expect(body.contains("doctor"))
            #expect(body.range(of: #"\d+\s*(mg|milligram|pill|tablet|dose)"#, options: .regularExpression) == nil)
            for advice in ["taper", "cut down", "stop taking", "skip a dose", "double", "wean"] {
                #expect(!body.contains(advice), "medication reply mentions '\(advice)'")
            }
        }
    }

    @Test func excerptsAreQuotedVerbatimFromTheArticle() throws {
        let article = try String(contentsOf: TestSupport.article, encoding: .utf8)
        for intent in catalog.intents {
            let responses = [intent.response] + intent.variants.map(\.response)
            for response in responses {
                if let excerpt = response.excerpt { #expect(article.contains(excerpt), "\(intent.id): excerpt not in the article") }
                if let section = response.section { #expect(article.contains(section), "\(intent.id): no section '\(section)'") }
            }
        }
    }

    /// A quote answers its own intent: one passage is never the answer to two different things.
    @Test func noTwoIntentsShareAQuote() throws {
        var owners: [String: String] = [:]
        for intent in catalog.intents {
            for (name, response) in [(intent.id, intent.response)] + intent.variants.map({ ("\(intent.id)/\($0.id)", $0.response) }) {
                guard let excerpt = response.excerpt else { continue }
                if let owner = owners[excerpt], !owner.hasPrefix(intent.id + "/"), owner != intent.id {
                    Issue.record("\(name) quotes the same passage as \(owner): “\(excerpt.prefix(60))…”")
                }
                owners[excerpt] = owners[excerpt] ?? name
            }
        }
        let pain = ReplyComposer(catalog: catalog).reply(to: classifier.classify("my leg pain is so bad today and nothing helps").best)
        #expect(pain.intentID == "pain_types" && pain.body.contains("General Pain"), "a pain message gets a pain passage: \(pain.body)")
    }

    /// The article's name for the community appears only after it is explained.
    @Test func theBetterWayBackIsIntroducedBeforeItIsQuoted() throws {
        for intent in catalog.intents where intent.response.excerpt?.contains("The Better Way Back") == true {
            #expect(intent.response.lead?.contains("The Better Way Back, our community") == true, "\(intent.id)")
        }
    }

    @Test func theBotSaysItIsABotOnceWhenAsked() throws {
        let reply = ReplyComposer(catalog: catalog).reply(to: classifier.classify("wait are you a bot or a real person").best, disclose: true)
        #expect(reply.intentID == "about_bot")
        #expect(reply.body.components(separatedBy: catalog.settings.disclosure).count == 2, "the disclosure, exactly once: \(reply.body)")
        #expect(reply.body.components(separatedBy: "not a clinician").count == 2, "and not said twice in other words: \(reply.body)")
    }

    @Test func chitChatStaysOutOfTheCommunityRoom() throws {
        for id in ["greeting", "thanks", "fallback"] {
            #expect(try #require(catalog.intent(withID: id)).answerInCommunity == false)
        }
        #expect(try #require(catalog.intent(withID: "ambassador")).escalate == .normal)
    }
}
