import Benchmark
import Foundation
import IntentEngine

/// The shipped rules, from the repository this benchmark sits in.
private let intentsFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Intents")

let benchmarks: @Sendable () -> Void = {
    // A benchmark without its rules measures nothing: stop loudly.
    let catalog = try! IntentCatalog.load(from: intentsFolder)
    let classifier = IntentClassifier(catalog: catalog)
    // Realistic messages: every example and counterexample moderators wrote, and the
    // development set (crisis in many wordings, idioms, typos, emoji, long rambles).
    let development = try! EvaluationSet.load(from: intentsFolder.appendingPathComponent("evaluation/dev.yaml"), catalog: catalog)
    let examples = catalog.intents.flatMap { $0.examples + $0.counterexamples }.map(\.value)
    let messages = examples + development.messages.map(\.text) + development.conversations.flatMap(\.lines).map(\.text)

    let runs: [(name: String, messages: [String], detail: EvidenceDetail)] = [
        ("as the bot does (no evidence strings)", messages, .none),
        ("with the result's evidence (classify --json)", messages, .result),
        ("as the bot does, rule files' examples only (the earlier benchmark's set)", examples, .none),
    ]
    for (name, messages, detail) in runs {
        Benchmark(
            "Classify one message, \(name)",
            configuration: .init(
                metrics: [.wallClock, .throughput, .mallocCountTotal, .instructions],
                scalingFactor: .kilo,
                maxDuration: .seconds(5)
            )
        ) { benchmark in
            var index = 0
            for _ in benchmark.scaledIterations {
                blackHole(classifier.classify(messages[index], evidence: detail))
                index = index + 1 == messages.count ? 0 : index + 1
            }
        }
    }

    Benchmark(
        "Classify one message with its conversation's memory, as the bot does",
        configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .kilo, maxDuration: .seconds(5))
    ) { benchmark in
        var index = 0
        var memory = RiskMemory.calm
        var time = Date(timeIntervalSinceReferenceDate: 0)
        for _ in benchmark.scaledIterations {
            let (classification, after) = classifier.classify(messages[index], remembering: memory, at: time, evidence: .none)
            blackHole(classification)
            memory = after
            time += 60
            index = index + 1 == messages.count ? 0 : index + 1
        }
    }

    Benchmark(
        "Load and compile Intents/",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(5))
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(IntentClassifier(catalog: try IntentCatalog.load(from: intentsFolder)))
        }
    }
}
