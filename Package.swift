// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "SupportBot",
    // macOS 15 for the standard library's Mutex and UInt128 (Linux has them with Swift 6).
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "supportbot", targets: ["supportbot"]),
        .library(name: "IntentEngine", targets: ["IntentEngine"]),
        .library(name: "MatrixClient", targets: ["MatrixClient"]),
        .library(name: "Escalations", targets: ["Escalations"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "MatrixCrypto", targets: ["MatrixCrypto"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // MatrixCrypto also imports swift-crypto's BoringSSL module (CCryptoBoringSSL), which is
        // not one of its products: a release that renamed it would fail the build, not behave
        // differently (see docs/ARCHITECTURE.md, "MatrixCrypto and the specification").
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.4.0"),
    ],
    targets: [
        .executableTarget(
            name: "supportbot",
            dependencies: [
                "BotEncryption",
                "BuiltInIntents",
                "Escalations",
                "IntentEngine",
                "MatrixClient",
                "Relay",
                "Storage",
                "SupportBot",
                "YAMLReader",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "SupportBot",
            dependencies: [
                "BotEncryption", "Escalations", "IntentEngine", "MatrixClient", "Storage", "YAMLReader",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "YAMLReader",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "IntentEngine",
            dependencies: ["YAMLReader", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "BuiltInIntents",
            dependencies: ["IntentEngine", "YAMLReader"],
            plugins: ["EmbedIntents"]
        ),
        .executableTarget(name: "EmbedFiles"),
        .plugin(name: "EmbedIntents", capability: .buildTool(), dependencies: ["EmbedFiles"]),
        .target(
            name: "MatrixClient",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "Storage",
            dependencies: ["Escalations", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(name: "Escalations"),
        // The bot's device in end-to-end encryption: its identity sealed in the database, and the
        // keys the homeserver holds of it.
        .target(
            name: "BotEncryption",
            dependencies: [
                "MatrixClient", "MatrixCrypto", "Storage", .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // Olm and Megolm on swift-crypto: pure, no I/O, no Matrix client.
        .target(
            name: "MatrixCrypto",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Every MatrixCrypto decoder on one input: what the fuzzer and the tests run.
        .target(name: "DecoderExercise", dependencies: ["MatrixCrypto"], path: "Fuzz/DecoderExercise"),
        // libFuzzer's target (Fuzz/run.sh builds it with -sanitize=fuzzer); built plainly, it replays inputs.
        .executableTarget(name: "MatrixCryptoFuzz", dependencies: ["DecoderExercise"], path: "Fuzz/MatrixCryptoFuzz"),
        .target(
            name: "Relay",
            dependencies: [
                "MatrixClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.embedInCode("Resources/chat.html")]
        ),
        .testTarget(
            name: "IntentEngineTests",
            dependencies: ["IntentEngine", "YAMLReader"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "MatrixClientTests",
            dependencies: [
                "MatrixClient",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage", "Escalations", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "EscalationsTests",
            dependencies: ["Escalations"]
        ),
        .testTarget(
            name: "SupportBotTests",
            dependencies: ["SupportBot", "BotEncryption", "Escalations", "IntentEngine", "MatrixClient", "MatrixCrypto", "Relay", "Storage", "YAMLReader",
                           .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "RelayTests",
            dependencies: ["Relay", "MatrixClient", .product(name: "Logging", package: "swift-log"), .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "SupportBotIntegrationTests",
            dependencies: ["MatrixClient", "MatrixCrypto", "supportbot", .product(name: "Logging", package: "swift-log")],
            // The Python driver of the matrix-nio patient, run from the source tree.
            exclude: ["Peers"]
        ),
        .testTarget(
            name: "MatrixCryptoTests",
            dependencies: [
                "DecoderExercise",
                "MatrixCrypto",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            exclude: ["Peer"]
        ),
        .testTarget(
            name: "CommandLineTests",
            dependencies: ["supportbot"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
