/// One problem in a YAML file the bot reads (intent rules, configuration), named by
/// file:line:column, the key, and what was expected.
public struct YAMLProblem: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case unreadable, syntax, wrongType, unknownKey, missingKey, duplicateKey, invalidValue
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

    public static func unreadable(_ file: String, reason: String) -> Self {
        Self(.unreadable, SourceLocation(file: file, line: 0, column: 0), key: "", "cannot read: \(reason)")
    }

    public static func syntax(_ location: SourceLocation, problem: String) -> Self {
        Self(.syntax, location, key: "", "YAML syntax error: \(problem)")
    }

    public static func wrongType(_ location: SourceLocation, key: String, expected: String) -> Self {
        Self(.wrongType, location, key: key, "expected \(expected)")
    }

    public static func unknownKey(_ location: SourceLocation, key: String, allowed: [String]) -> Self {
        Self(.unknownKey, location, key: key, "unknown key; expected one of: \(allowed.joined(separator: ", "))")
    }

    public static func missingKey(_ location: SourceLocation, key: String, expected: String) -> Self {
        Self(.missingKey, location, key: key, "missing; expected \(expected)")
    }

    public static func duplicateKey(_ location: SourceLocation, keys: String) -> Self {
        Self(.duplicateKey, location, key: "", "\(keys) written twice in the same mapping; keep one")
    }

    /// A value of the right type that is still wrong: `message` says why and what would do.
    public static func invalidValue(_ location: SourceLocation, key: String, _ message: String) -> Self {
        Self(.invalidValue, location, key: key, message)
    }
}

/// Everything wrong with a set of YAML files. Nothing is loaded when there is any problem.
public struct YAMLProblems: Error, Sendable, CustomStringConvertible {
    public let problems: [YAMLProblem]

    public init(_ problems: [YAMLProblem]) {
        self.problems = problems
    }

    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
