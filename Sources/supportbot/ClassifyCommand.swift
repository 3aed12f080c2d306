import ArgumentParser
import Foundation
import IntentEngine

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Show which intent each message is read as.",
        discussion: """
        With no message, reads standard input one message per line and writes one result per \
        line as it goes. --explain shows which rule matched which words. --conversation reads the \
        messages as one patient's, in order, each with the memory of the ones before (a minute \
        apart), as the bot does.
        """
    )

    @OptionGroup var intents: IntentsFolderOption
    @Flag(help: "Write one JSON object per line (intent, variant, risk, score, escalate, evidence).")
    var json = false
    @Flag(help: "Show every intent that any rule touched, and why.")
    var explain = false
    @Flag(help: "Read the messages as one patient's conversation, each with the memory of the ones before.")
    var conversation = false
    @Argument(help: "Messages to classify; none means standard input.")
    var messages: [String] = []

    func run() throws {
        let classifier = IntentClassifier(catalog: try intents.loadCatalog())
        let format = ClassificationFormat(json: json, explain: explain)
        var memory = RiskMemory.calm
        var time = Date()
        var output = BufferedOutput()
        let lines: AnySequence<String> = messages.isEmpty ? AnySequence(StandardInputLines()) : AnySequence(messages)
        for line in lines {
            let classification: Classification
            if conversation {
                (classification, memory) = classifier.classify(line, remembering: memory, at: time)
                time += 60
            } else {
                classification = classifier.classify(line)
            }
            output.write(format.render(classification))
            if !messages.isEmpty { output.flush() }
        }
        output.flush()
    }
}
