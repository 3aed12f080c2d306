import Foundation
import IntentEngine
import Synchronization

/// The intent rules the bot answers with, swapped whole when moderators change `Intents/`:
/// each message is read and answered with one consistent set.
public final class IntentRules: Sendable {
    public struct Rules: Sendable {
        public let classifier: IntentClassifier
        public let composer: ReplyComposer
        public var catalog: IntentCatalog { classifier.catalog }
    }

    /// What moderators are told by `!rules`: which files run, since when, and the last change
    /// refused since then (with file:line), so that an edit that did not take is not a mystery.
    public struct Status: Sendable {
        /// File names and a short hash of each one's content.
        public var files: [(name: String, hash: String)] = []
        public var loadedAt: Date
        public var refused: (at: Date, problems: [String])?
    }

    private let rules: Mutex<Rules>
    private let loaded: Mutex<Status>
    let locale: String

    public init(catalog: IntentCatalog, locale: String, files: [(name: String, hash: String)] = [], loadedAt: Date = Date()) {
        self.locale = locale
        rules = Mutex(Self.compile(catalog, locale: locale))
        loaded = Mutex(Status(files: files, loadedAt: loadedAt))
    }

    public var current: Rules { rules.withLock { $0 } }

    public var status: Status { loaded.withLock { $0 } }

    func replace(with catalog: IntentCatalog, files: [(name: String, hash: String)] = [], at date: Date = Date()) {
        let compiled = Self.compile(catalog, locale: locale)
        rules.withLock { $0 = compiled }
        loaded.withLock { $0 = Status(files: files, loadedAt: date) }
    }

    /// A change that did not load: the running rules stay, and moderators can ask why.
    func refused(_ problems: [String], at date: Date = Date()) {
        loaded.withLock { $0.refused = (date, problems) }
    }

    private static func compile(_ catalog: IntentCatalog, locale: String) -> Rules {
        Rules(classifier: IntentClassifier(catalog: catalog), composer: ReplyComposer(catalog: catalog, locale: locale))
    }
}
