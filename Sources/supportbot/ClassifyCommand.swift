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
        // A full batch is a backlog: the next one is read while this one is classified.
        let reader = Mutex(input)
        var lines = reader.withLock { $0.nextBatch(limit: Self.batchSize) }
        while !lines.isEmpty {
            let backlog = lines.count == Self.batchSize
            let (parts, next) = Self.render(lines, classifier: classifier, format: format, readingNext: backlog, from: reader)
            for part in parts { output.write(part) }
            if !backlog { output.flush() }
            lines = backlog ? next : reader.withLock { $0.nextBatch(limit: Self.batchSize) }
        }
        output.flush()
    }

    /// Lines taken from standard input at once, when that many are waiting.
    static let batchSize = 4096
    /// A large batch is classified in this many parts, each taken by whichever core is free,
    /// so that both stay busy to the end (two halves left one waiting for the other).
    static let parts = 8

    /// Every line's result, in order, in runs of bytes, and when `readingNext`, the next batch
    /// read meanwhile from `reader`: its reading is one more task beside the parts, so that no
    /// core waits for it.
    static func render(_ lines: [String], classifier: IntentClassifier, format: ClassificationFormat,
                       readingNext: Bool, from reader: borrowing Mutex<StandardInputLines>) -> (parts: [[UInt8]], next: [String]) {
        @Sendable func rendered(_ lines: ArraySlice<String>) -> [UInt8] {
            var bytes: [UInt8] = []
            for line in lines { format.render(classifier.classify(line, evidence: format.evidence), appendingTo: &bytes) }
            return bytes
        }
        @Sendable func next() -> [String] {
            readingNext ? reader.withLock { $0.nextBatch(limit: batchSize) } : []
        }
        guard lines.count >= 256 else { return ([rendered(lines[...])], next()) }
        let size = (lines.count + parts - 1) / parts
        let chunks = stride(from: 0, to: lines.count, by: size).map { lines[$0..<min($0 + size, lines.count)] }
        let results = Mutex<[[UInt8]]>(Array(repeating: [], count: chunks.count))
        let nextLines = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: chunks.count + 1) { task in
            guard task > 0 else {
                let lines = next()
                return nextLines.withLock { $0 = lines }
            }
            let bytes = rendered(chunks[task - 1])
            results.withLock { $0[task - 1] = bytes }
        }
        return (results.withLock { $0 }, nextLines.withLock { $0 })
    }
}
