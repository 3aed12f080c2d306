// swift-tools-version: 6.1
import PackageDescription

// A package of its own, so that `swift build` and `swift test` of SupportBot never build
// the benchmark tooling. Run from this folder:
//   swift package --allow-writing-to-package-directory benchmark
let package = Package(
    name: "SupportBotBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "SupportBot", path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        .executableTarget(
            name: "IntentEngineBenchmarks",
            dependencies: [
                .product(name: "IntentEngine", package: "SupportBot"),
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/IntentEngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "EscalationQueueBenchmarks",
            dependencies: [
                .product(name: "Escalations", package: "SupportBot"),
                .product(name: "Storage", package: "SupportBot"),
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/EscalationQueueBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        // MatrixCrypto's operations, timed for Benchmarks/crypto-compare.sh (beside vodozemac).
        .executableTarget(
            name: "crypto-benchmark",
            dependencies: [.product(name: "MatrixCrypto", package: "SupportBot")],
            path: "MatrixCryptoBenchmark"
        ),
        // The bot end to end on a real homeserver: `swift run -c release bot-benchmark --help`.
        .executableTarget(
            name: "bot-benchmark",
            dependencies: [
                .product(name: "MatrixClient", package: "SupportBot"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "BotBenchmark"
        ),
    ],
    swiftLanguageModes: [.v6]
)
