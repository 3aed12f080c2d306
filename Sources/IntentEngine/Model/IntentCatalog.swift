import YAMLReader

/// Every intent and the shared settings, validated and ready to compile into a classifier.
public struct IntentCatalog: Sendable {
    public var settings: CommonSettings
    /// In file-name order.
    public var intents: [Intent]
    /// Named sets of words, from any file; rules use them as `<name>`.
    public var concepts: [Concept]
    /// Words that a message may misspell by one letter and still match (crisis words above all).
    public var fuzzyWords: [Located<String>]
    /// Correctly spelled English words: a message word that is one of them is never taken for a
    /// misspelled fuzzy word ("will" never becomes "kill").
    public var knownWords: WordList
    /// The learned reader of crisis (`crisis-model.txt`), used by a `learned` crisis variant.
    public var crisisModel: CrisisModel?
    /// The learned reader of everyday topics (`topic-model.txt`), for messages the rules leave to fallback.
    public var topicModel: TopicModel?

    /// The intent that answers when nothing matches well enough.
    public static let fallbackID = "fallback"
    /// The intent checked on every message first; it must outrank every other.
    public static let crisisID = "crisis"

    public init(settings: CommonSettings, intents: [Intent], concepts: [Concept] = [], fuzzyWords: [Located<String>] = [],
                knownWords: WordList = WordList()) {
        self.settings = settings
        self.intents = intents
        self.concepts = concepts
        self.fuzzyWords = fuzzyWords
        self.knownWords = knownWords
    }

    public func intent(withID id: String) -> Intent? {
        intents.first { $0.id == id }
    }
}
