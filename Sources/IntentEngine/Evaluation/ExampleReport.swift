import YAMLReader

/// Runs every intent's examples and counterexamples through a classifier: what
/// `supportbot intents test` prints and what `swift test` asserts.
public struct ExampleReport: Sendable {
    public struct Row: Sendable {
        public let intentID: String
        public let examples: Int
        public let examplesPassed: Int
        public let counterexamples: Int
        public let counterexamplesPassed: Int

        public var passed: Bool { examples == examplesPassed && counterexamples == counterexamplesPassed }
    }

    /// A message that was not read as its file says it should be.
    public struct Failure: Sendable, CustomStringConvertible {
        public let location: SourceLocation
        public let intentID: String
        public let message: String
        public let isCounterexample: Bool
        /// What the message was read as instead.
        public let classifiedAs: String

        public var description: String {
            isCounterexample
                ? "\(location): counterexample of \(intentID) was read as \(intentID): \"\(message)\""
                : "\(location): example of \(intentID) was read as \(classifiedAs): \"\(message)\""
        }
    }

    public let rows: [Row]
    public let failures: [Failure]

    public var passed: Bool { failures.isEmpty }

    /// An example is passed by the rules: the learned models were trained on the examples, so
    /// one that a model alone reads right shows a rule that stopped working, and fails.
    public init(classifier: IntentClassifier) {
        var rows: [Row] = []
        var failures: [Failure] = []
        for intent in classifier.catalog.intents {
            func run(_ messages: [Located<String>], counter: Bool) -> Int {
                var passed = 0
                for message in messages {
                    let best = classifier.classify(message.value, evidence: .result).best
                    let byRules = counter || !best.evidence.contains { $0.kind == .learned }
                    let result = byRules ? best.intentID : "\(best.intentID) by the learned model only"
                    if (result == intent.id) != counter {
                        passed += 1
                    } else {
                        failures.append(Failure(location: message.location, intentID: intent.id, message: message.value, isCounterexample: counter, classifiedAs: result))
                    }
                }
                return passed
            }
            let examplesPassed = run(intent.examples, counter: false)
            let counterPassed = run(intent.counterexamples, counter: true)
            rows.append(Row(intentID: intent.id, examples: intent.examples.count, examplesPassed: examplesPassed,
                            counterexamples: intent.counterexamples.count, counterexamplesPassed: counterPassed))
        }
        self.rows = rows
        self.failures = failures
    }

    /// A per-intent table, then the failures, then a closing line.
    public var text: String {
        let width = max(6, rows.map(\.intentID.count).max() ?? 0)
        func pad(_ text: String, _ count: Int) -> String { text + String(repeating: " ", count: max(0, count - text.count)) }
        var lines = [pad("intent", width) + "  examples  counterexamples  result"]
        for row in rows {
            lines.append(pad(row.intentID, width) + "  " + pad("\(row.examplesPassed)/\(row.examples)", 8) + "  "
                + pad("\(row.counterexamplesPassed)/\(row.counterexamples)", 15) + "  " + (row.passed ? "ok" : "FAIL"))
        }
        if !failures.isEmpty {
            lines.append("")
            lines += failures.map(\.description)
        }
        let total = rows.reduce(0) { $0 + $1.examples + $1.counterexamples }
        lines.append("")
        lines.append("\(total - failures.count) passed, \(failures.count) failed")
        return lines.joined(separator: "\n")
    }
}
