import YAMLReader

/// A named set of words and phrases, defined once and used inside any rule as `<name>`:
/// `medication` holds the names of pain medicines, so "how many <medication>" covers them all.
public struct Concept: Sendable {
    public var name: String
    /// Words and phrases; each may itself use other concepts, but never its own name.
    public var terms: [Located<String>]
    /// Where the concept is defined, for error messages.
    public var location: SourceLocation

    public init(name: String, terms: [Located<String>], location: SourceLocation) {
        self.name = name
        self.terms = terms
        self.location = location
    }
}
