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

    private let rules: Mutex<Rules>
    let locale: String

    public init(catalog: IntentCatalog, locale: String) {
        self.locale = locale
        rules = Mutex(Self.compile(catalog, locale: locale))
    }

    public var current: Rules { rules.withLock { $0 } }

    func replace(with catalog: IntentCatalog) {
        let compiled = Self.compile(catalog, locale: locale)
        rules.withLock { $0 = compiled }
    }

    private static func compile(_ catalog: IntentCatalog, locale: String) -> Rules {
        Rules(classifier: IntentClassifier(catalog: catalog), composer: ReplyComposer(catalog: catalog, locale: locale))
    }
}
