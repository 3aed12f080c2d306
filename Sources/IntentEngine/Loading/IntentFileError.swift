/// One problem in a rule file, named by file:line:column, the key, and what was expected.
public struct IntentFileError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case unreadable, syntax, wrongType, unknownKey, missingKey, duplicateKey
        case invalidValue, duplicateID, badRegex, missingIntent
    }

    private let code: Code
    public let location: SourceLocation
    /// The key's path in the file, such as `match.phrases[2]`; empty for the file itself.
    public let key: String
    public let message: String

    private init(_ code: Code, _ location: SourceLocation, key: String, _ message: String) {
        self.code = code
        self.location = location
        self.key = key
        self.message = message
    }

    public var description: String {
        key.isEmpty ? "\(location): \(message)" : "\(location): \(key): \(message)"
    }

    static func unreadable(_ file: String, reason: String) -> Self {
        Self(.unreadable, SourceLocation(file: file, line: 0, column: 0), key: "", "cannot read: \(reason)")
    }

    static func syntax(_ location: SourceLocation, problem: String) -> Self {
        Self(.syntax, location, key: "", "YAML syntax error: \(problem)")
    }

    static func wrongType(_ location: SourceLocation, key: String, expected: String) -> Self {
        Self(.wrongType, location, key: key, "expected \(expected)")
    }

    static func unknownKey(_ location: SourceLocation, key: String, allowed: [String]) -> Self {
        Self(.unknownKey, location, key: key, "unknown key; expected one of: \(allowed.joined(separator: ", "))")
    }

    static func missingKey(_ location: SourceLocation, key: String, expected: String) -> Self {
        Self(.missingKey, location, key: key, "missing; expected \(expected)")
    }

    static func duplicateKey(_ location: SourceLocation, keys: String) -> Self {
        Self(.duplicateKey, location, key: "", "\(keys) written twice in the same mapping; keep one")
    }

    static func invalidValue(_ location: SourceLocation, key: String, _ message: String) -> Self {
        Self(.invalidValue, location, key: key, message)
    }

    static func duplicateID(_ location: SourceLocation, id: String, first: SourceLocation) -> Self {
        Self(.duplicateID, location, key: "id", "intent id '\(id)' is already used at \(first); ids must be unique")
    }

    static func badRegex(_ location: SourceLocation, key: String, reason: String) -> Self {
        Self(.badRegex, location, key: key, "not a valid regular expression: \(reason)")
    }

    static func missingIntent(_ location: SourceLocation, id: String, why: String) -> Self {
        Self(.missingIntent, location, key: "", "no intent with id '\(id)': \(why)")
    }
}

/// Everything wrong with a rules folder. Nothing is loaded when there is any problem.
public struct IntentLoadingError: Error, Sendable, CustomStringConvertible {
    public let problems: [IntentFileError]

    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
