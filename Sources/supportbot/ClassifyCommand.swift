import ArgumentParser
import Foundation
import IntentEngine
import Synchronization

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
        var output = BufferedOutput()
        var input = StandardInputLines()
        if conversation || !messages.isEmpty {
            // One at a time: a conversation's lines are read in order, each with the memory of the ones before.
            var memory = RiskMemory.calm
            var time = Date()
            var arguments = messages[...]
            while let line = messages.isEmpty ? input.next() : arguments.popFirst() {
                let classification: Classification
                if conversation {
                    (classification, memory) = classifier.classify(line, remembering: memory, at: time, evidence: format.evidence)
                    time += 60
                } else {
                    classification = classifier.classify(line, evidence: format.evidence)
                }
                output.write(format.render(classification))
                output.flush()
            }
            return
        }
        while case let lines = input.nextBatch(limit: Self.batchSize), !lines.isEmpty {
            output.write(Self.render(lines, classifier: classifier, format: format))
            if lines.count < Self.batchSize { output.flush() }
        }
        output.flush()
    }

    /// Lines taken from standard input at once, when that many are waiting.
    static let batchSize = 4096

    /// Every line's result, in order, as one run of bytes; a large batch is classified in two
    /// halves side by side, each into bytes of its own, so that the main thread, which reads and
    /// writes alone, joins two runs rather than copying each line's.
    static func render(_ lines: [String], classifier: IntentClassifier, format: ClassificationFormat) -> [UInt8] {
        @Sendable func rendered(_ lines: ArraySlice<String>) -> [UInt8] {
            var bytes: [UInt8] = []
            for line in lines { format.render(classifier.classify(line, evidence: format.evidence), appendingTo: &bytes) }
            return bytes
        }
        guard lines.count >= 256 else { return rendered(lines[...]) }
        let halves = [lines[..<(lines.count / 2)], lines[(lines.count / 2)...]]
        let results = Mutex<[[UInt8]]>([[], []])
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            let bytes = rendered(halves[half])
            results.withLock { $0[half] = bytes }
        }
        return results.withLock { $0[0] + $0[1] }
    }
}
