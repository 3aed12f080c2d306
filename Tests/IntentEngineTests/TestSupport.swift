import Foundation
@testable import IntentEngine

/// Paths and catalogs the tests share.
enum TestSupport {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shippedIntents = packageRoot.appendingPathComponent("Intents")
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    /// The community's article, beside the repository as `shared/` is in CI and development.
    static let article = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/content/emotional-support.txt")

    static func catalog(_ folder: URL) throws -> IntentCatalog {
        try IntentCatalog.load(from: folder)
    }

    static let minimal = fixtures.appendingPathComponent("minimal")

    /// The minimal fixture's files as texts, to change one and parse the set again.
    static func minimalFiles() throws -> [(name: String, text: String)] {
        try FileManager.default.contentsOfDirectory(atPath: minimal.path).sorted().map { name in
            (name, try String(contentsOf: minimal.appendingPathComponent(name), encoding: .utf8))
        }
    }
}
