// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "SupportBot",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "supportbot", targets: ["supportbot"]),
        .library(name: "IntentEngine", targets: ["IntentEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .executableTarget(
            name: "supportbot",
            dependencies: [
                "IntentEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "IntentEngine",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .testTarget(
            name: "IntentEngineTests",
            dependencies: ["IntentEngine"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "CommandLineTests",
            dependencies: ["supportbot"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
