import Yams

/// Reads typed values out of one YAML file, collecting every problem with its position
/// instead of stopping at the first, so a moderator or operator sees them all at once.
/// (Yams itself rejects a key written twice in one mapping.)
public struct YAMLReader {
    public let file: String
    public private(set) var problems: [YAMLProblem] = []

    public init(file: String) {
        self.file = file
    }

    /// The fields of a mapping node, keyed by name; unknown and repeated keys are problems.
    public struct Fields {
        public let location: SourceLocation
        public let path: String
        fileprivate var values: [String: Node] = [:]

        public subscript(name: String) -> Node? { values[name] }

        public func path(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
    }

    public func location(of node: Node) -> SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    public mutating func report(_ problem: YAMLProblem) {
        problems.append(problem)
    }

    /// Parses the whole file; a syntax error is a problem and yields `nil`. Every scalar stays a
    /// text (the basic resolver): the readers below convert what they expect, and resolving each
    /// scalar's type by regular expressions was a tenth of the time rules took to load.
    public mutating func document(_ text: String) -> Node? {
        do {
            guard let node = try Yams.compose(yaml: text, .basic) else {
                report(.wrongType(SourceLocation(file: file, line: 1, column: 1), key: "", expected: "a mapping, but the file is empty"))
                return nil
            }
            return node
        } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            report(.duplicateKey(SourceLocation(file: file, line: context.mark.line, column: context.mark.column), keys: keys))
            return nil
        } catch let error as YamlError {
            report(syntaxProblem(error))
            return nil
        } catch {
            report(.syntax(SourceLocation(file: file, line: 1, column: 1), problem: "\(error)"))
            return nil
        }
    }

    private func syntaxProblem(_ error: YamlError) -> YAMLProblem {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return .syntax(SourceLocation(file: file, line: mark.line, column: mark.column), problem: detail)
        case let .reader(problem, _, _, _):
            return .syntax(SourceLocation(file: file, line: 1, column: 1), problem: problem)
        default:
            return .syntax(SourceLocation(file: file, line: 1, column: 1), problem: "\(error)")
        }
    }

    public mutating func fields(_ node: Node, path: String, allowed: [String]) -> Fields? {
        guard let mapping = node.mapping else {
            report(.wrongType(location(of: node), key: path, expected: "a mapping with keys \(allowed.joined(separator: ", "))"))
            return nil
        }
        var fields = Fields(location: location(of: node), path: path)
        for (keyNode, value) in mapping {
            guard let name = keyNode.scalar?.string else {
                report(.wrongType(location(of: keyNode), key: path, expected: "a plain key name"))
                continue
            }
            if allowed.contains(name) {
                fields.values[name] = value
            } else {
                report(.unknownKey(location(of: keyNode), key: fields.path(name), allowed: allowed))
            }
        }
        return fields
    }

    public mutating func require(_ fields: Fields, _ name: String, expected: String) -> Node? {
        if let node = fields[name] { return node }
        report(.missingKey(fields.location, key: fields.path(name), expected: expected))
        return nil
    }

    /// A text; `path` is only written out for a problem (rule files hold thousands of texts).
    public mutating func string(_ node: Node, path: @autoclosure () -> String) -> String? {
        guard let text = node.scalar?.string.trimmingWhitespace, !text.isEmpty else {
            report(.wrongType(location(of: node), key: path(), expected: "a non-empty text"))
            return nil
        }
        return text
    }

    public mutating func int(_ node: Node, path: String, in range: ClosedRange<Int>) -> Int? {
        guard node.scalar?.style == .plain, let value = node.int, range.contains(value) else {
            report(.wrongType(location(of: node), key: path, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)"))
            return nil
        }
        return value
    }

    public mutating func fraction(_ node: Node, path: String) -> Double? {
        guard node.scalar?.style == .plain, let value = node.float, value > 0, value <= 1 else {
            report(.wrongType(location(of: node), key: path, expected: "a number above 0 and at most 1, such as 0.5"))
            return nil
        }
        return value
    }

    public mutating func bool(_ node: Node, path: String) -> Bool? {
        guard node.scalar?.style == .plain, let text = node.scalar?.string, ["true", "false"].contains(text) else {
            report(.wrongType(location(of: node), key: path, expected: "true or false"))
            return nil
        }
        return text == "true"
    }

    public mutating func choice<Choice: RawRepresentable & CaseIterable>(_ node: Node, path: String, as: Choice.Type) -> Choice?
    where Choice.RawValue == String {
        let names = Choice.allCases.map(\.rawValue)
        guard let text = node.scalar?.string, let value = Choice(rawValue: text) else {
            report(.wrongType(location(of: node), key: path, expected: "one of \(names.joined(separator: ", "))"))
            return nil
        }
        return value
    }

    /// A list of texts; a single text is not accepted, so a forgotten `-` is caught.
    public mutating func strings(_ node: Node, path: String) -> [Located<String>] {
        guard let sequence = node.sequence else {
            report(.wrongType(location(of: node), key: path, expected: "a list of texts, each on its own line starting with '- '"))
            return []
        }
        return sequence.enumerated().compactMap { index, item in
            string(item, path: "\(path)[\(index)]").map { Located($0, at: location(of: item)) }
        }
    }
}

extension String {
    public var trimmingWhitespace: String {
        // Most texts start and end with a printable ASCII character, which is no whitespace
        // however it combines with what follows or precedes it: nothing to look up in Unicode.
        if let first = utf8.first, let last = utf8.last, (0x21..<0x80).contains(first), (0x21..<0x80).contains(last) { return self }
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
