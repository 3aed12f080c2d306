/// Every intent and the shared settings, validated and ready to compile into a classifier.
public struct IntentCatalog: Sendable {
    public var settings: CommonSettings
    /// In file-name order.
    public var intents: [Intent]

    /// The intent that answers when nothing matches well enough.
    public static let fallbackID = "fallback"
    /// The intent checked on every message first; it must outrank every other.
    public static let crisisID = "crisis"

    public init(settings: CommonSettings, intents: [Intent]) {
        self.settings = settings
        self.intents = intents
    }

    public func intent(withID id: String) -> Intent? {
        intents.first { $0.id == id }
    }
}
