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
    // A realistic mix: every example and counterexample moderators wrote, in patients' words,
    // across all intents (crisis, chit-chat, long rambling messages, emoji, typos).
    let messages = catalog.intents.flatMap { $0.examples + $0.counterexamples }.map(\.value)

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
        "Load and compile Intents/",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(5))
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(IntentClassifier(catalog: try IntentCatalog.load(from: intentsFolder)))
        }
    }
}
