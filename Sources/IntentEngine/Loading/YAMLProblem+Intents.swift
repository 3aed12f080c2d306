import YAMLReader

/// Problems only rule files can have.
extension YAMLProblem {
    static func duplicateID(_ location: SourceLocation, id: String, first: SourceLocation) -> Self {
        .invalidValue(location, key: "id", "intent id '\(id)' is already used at \(first); ids must be unique")
    }

    static func badRegex(_ location: SourceLocation, key: String, reason: String) -> Self {
        .invalidValue(location, key: key, "not a valid regular expression: \(reason)")
    }

    static func missingIntent(_ location: SourceLocation, id: String, why: String) -> Self {
        .invalidValue(location, key: "", "no intent with id '\(id)': \(why)")
    }
}
