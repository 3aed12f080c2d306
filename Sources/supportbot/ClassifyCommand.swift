import ArgumentParser
import Foundation
import IntentEngine

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Show which intent each message is read as.",
        discussion: """
        With no message, reads standard input one message per line and writes one result per \
        line as it goes. --explain shows which rule matched which words.
        """
    )

    @OptionGroup var intents: IntentsFolderOption
    @Flag(help: "Write one JSON object per line (intent, variant, score, escalate, evidence).")
    var json = false
    @Flag(help: "Show every intent that any rule touched, and why.")
    var explain = false
    @Argument(help: "Messages to classify; none means standard input.")
    var messages: [String] = []

    func run() throws {
        let classifier = IntentClassifier(catalog: try intents.loadCatalog())
        let format = ClassificationFormat(json: json, explain: explain)
        if messages.isEmpty {
            var output = BufferedOutput()
            for line in StandardInputLines() {
                output.write(format.render(classifier.classify(line)))
            }
            output.flush()
        } else {
            for message in messages { print(format.render(classifier.classify(message)), terminator: "") }
        }
    }
}
