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
    let messages = catalog.intents.flatMap { $0.examples + $0.counterexamples }.map(\.value)
        + development.messages.map(\.text) + development.conversations.flatMap(\.lines).map(\.text)

    Benchmark(
        "Classify one message (shipped intents, mixed messages)",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal, .instructions],
            scalingFactor: .kilo,
            maxDuration: .seconds(5)
        )
    ) { benchmark in
        var index = 0
        for _ in benchmark.scaledIterations {
            blackHole(classifier.classify(messages[index]))
            index = index + 1 == messages.count ? 0 : index + 1
        }
    }

    Benchmark(
        "Classify one message with its conversation's memory",
        configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .kilo, maxDuration: .seconds(5))
    ) { benchmark in
        var index = 0
        var memory = RiskMemory.calm
        var time = Date(timeIntervalSinceReferenceDate: 0)
        for _ in benchmark.scaledIterations {
            let (classification, after) = classifier.classify(messages[index], remembering: memory, at: time)
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
