import Testing
@testable import IntentEngine

@Suite("Replies")
struct ReplyComposerTests {
    let classifier: IntentClassifier
    let composer: ReplyComposer

    init() throws {
        let catalog = try TestSupport.catalog(TestSupport.minimal)
        classifier = IntentClassifier(catalog: catalog)
        composer = ReplyComposer(catalog: catalog, locale: "en-US")
    }

    func reply(_ message: String, turn: Int = 0, disclose: Bool = false) -> Reply {
        composer.reply(to: classifier.classify(message).best, turn: turn, disclose: disclose)
    }

    @Test func excerptIsQuotedWithItsSection() {
        let sleep = reply("i cant sleep")
        #expect(sleep.body == """
        > Difficulty sleeping and/or feeling sadness are common symptoms in patients with chronic back or leg pain.
        — from “Stress and sleep disorders”

        Rest is part of the work.
        """)
        #expect(sleep.formattedBody == "<blockquote><p>Difficulty sleeping and/or feeling sadness are common symptoms in patients with chronic back or leg pain.</p></blockquote><p><em>— from “Stress and sleep disorders”</em></p><p>Rest is part of the work.</p>")
    }

    @Test func htmlIsEscaped() {
        #expect("<script>alert('x') & \"y\"</script>".htmlEscaped == "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;")
        let fallback = reply("<b>hi</b>")
        #expect(fallback.formattedBody.contains("I&#39;m not sure I understood."))
        #expect(!fallback.formattedBody.contains("<b>"))
    }

    @Test func encouragementTakesTurnsAndNeverRepeatsBackToBack() {
        let lines = (0..<6).map { reply("i cant sleep", turn: $0).body.components(separatedBy: "\n").last! }
        for (previous, next) in zip(lines, lines.dropFirst()) { #expect(previous != next) }
        #expect(Set(lines) == ["Rest is part of the work.", "One rough night doesn't undo your progress."])
    }

    @Test func disclosureOnlyWhenAsked() {
        #expect(reply("i cant sleep", disclose: true).body.hasSuffix("I'm a bot, not a clinician and not a crisis service. Type !ambassador for a person."))
        #expect(!reply("i cant sleep").body.contains("bot"))
    }

    @Test func aCrisisReplyIsTheResourcesAsLinksThenTheLead() {
        let crisis = reply("i want to kill myself", disclose: true)
        #expect(crisis.escalate == .urgent)
        #expect(crisis.hasResources)
        #expect(crisis.body == """
        • Call or text 988
        • Call 911 if you are in immediate danger

        You don't have to go through this alone. An ambassador has been asked to reach out to you.

        I'm a bot, not a clinician and not a crisis service.
        """, "the resources first, no hint to type a command")
        #expect(crisis.formattedBody.hasPrefix(#"<ul><li><a href="tel:988">Call or text 988</a></li><li><a href="tel:911">Call 911</a> if you are in immediate danger</li></ul>"#))
        let elsewhere = ReplyComposer(catalog: composer.catalog, locale: "fr-FR").reply(to: classifier.classify("kms").best)
        #expect(elsewhere.body.hasPrefix("• findahelpline.com"))
        #expect(!elsewhere.body.contains("988"))
        #expect(!reply("i cant sleep").hasResources)
    }

    @Test func variantResponseReplacesOnlyItsOwnFields() {
        let overdose = reply("i took all my pills")
        #expect(overdose.variantID == "overdose")
        #expect(overdose.body.hasPrefix("• Call 911 now\n• Poison Control 1-800-222-1222\n\nYou don't have to go through this alone."))
        #expect(!overdose.body.contains("988"))
    }
}
