/// What the bot answers to an intent: an article excerpt, its section, and encouragement; or,
/// for a crisis, resources and a lead, and nothing else.
public struct ResponseTemplate: Sendable {
    /// An optional first sentence, before the excerpt.
    public var lead: String?
    /// A short verbatim quote from the community's article.
    public var excerpt: String?
    /// The article section the excerpt comes from.
    public var section: String?
    /// One closes each reply, taking turns.
    public var encouragement: [String] = []
    /// Crisis resources per locale (`default` for everywhere else), most direct first, with links.
    public var resources: [String: [LinkedText]] = [:]

    public init() {}

    /// A variant's response: its own fields where it has them, the intent's elsewhere.
    func overriding(_ base: ResponseTemplate) -> ResponseTemplate {
        var merged = base
        if let lead { merged.lead = lead }
        if let excerpt { merged.excerpt = excerpt }
        if let section { merged.section = section }
        if !encouragement.isEmpty { merged.encouragement = encouragement }
        if !resources.isEmpty { merged.resources = resources }
        return merged
    }

    /// The resources for a locale such as `en-US`, falling back to its language, then `default`.
    public func resources(for locale: String) -> [LinkedText] {
        let language = locale.split(separator: "-").first.map(String.init) ?? locale
        return resources[locale] ?? resources[language] ?? resources["default"] ?? []
    }
}
