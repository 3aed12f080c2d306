import Foundation
import Yams
import YAMLReader

private let setKeys = ["messages", "conversations"]
private let messageKeys = ["intent", "tag", "text"]
private let conversationKeys = ["id", "tag", "lines"]

extension EvaluationSet {
    /// Reads an evaluation file; every problem (including an intent the catalog does not have)
    /// is named with file:line:column.
    public static func load(from url: URL, catalog: IntentCatalog) throws(YAMLProblems) -> EvaluationSet {
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw YAMLProblems([.unreadable(url.path, reason: "no such UTF-8 file")])
        }
        return try parse(text, file: url.relativePath, intentIDs: Set(catalog.intents.map(\.id)))
    }

    static func parse(_ text: String, file: String, intentIDs: Set<String>) throws(YAMLProblems) -> EvaluationSet {
        var reader = YAMLReader(file: file)
        let set = reader.evaluationSet(text, intentIDs: intentIDs)
        guard let set, reader.problems.isEmpty else { throw YAMLProblems(reader.problems) }
        return set
    }
}

extension YAMLReader {
    fileprivate mutating func evaluationSet(_ text: String, intentIDs: Set<String>) -> EvaluationSet? {
        guard let root = document(text), let fields = fields(root, path: "", allowed: setKeys) else { return nil }
        let messages = fields["messages"].map { list($0, path: "messages") { $0.message($1, path: $2, intentIDs: intentIDs) } } ?? []
        let conversations = fields["conversations"].map { list($0, path: "conversations") { $0.conversation($1, path: $2, intentIDs: intentIDs) } } ?? []
        if messages.isEmpty, conversations.isEmpty {
            report(.missingKey(fields.location, key: "messages", expected: "at least one message or conversation"))
        }
        return EvaluationSet(messages: messages, conversations: conversations)
    }

    private mutating func list<Item>(_ node: Node, path: String, _ item: (inout YAMLReader, Node, String) -> Item?) -> [Item] {
        guard let sequence = node.sequence else {
            report(.wrongType(location(of: node), key: path, expected: "a list"))
            return []
        }
        return sequence.enumerated().compactMap { index, node in item(&self, node, "\(path)[\(index)]") }
    }

    private mutating func message(_ node: Node, path: String, intentIDs: Set<String>) -> EvaluationSet.Message? {
        guard let fields = fields(node, path: path, allowed: messageKeys) else { return nil }
        let text = require(fields, "text", expected: "the message").flatMap { string($0, path: fields.path("text")) }
        let tag = fields["tag"].flatMap { string($0, path: fields.path("tag")) }
        var accepted: [String] = []
        if let node = require(fields, "intent", expected: "the intent it should be read as, or a list of acceptable ones") {
            accepted = node.sequence == nil ? [string(node, path: fields.path("intent"))].compactMap { $0 } : strings(node, path: fields.path("intent")).map(\.value)
            for id in accepted where !intentIDs.contains(id) {
                report(.invalidValue(location(of: node), key: fields.path("intent"), "no intent '\(id)' in the rules"))
            }
            if accepted.count > 1, accepted.contains(IntentCatalog.crisisID) {
                report(.invalidValue(location(of: node), key: fields.path("intent"), "a message is a crisis or it is not: crisis cannot be one of several"))
            }
        }
        guard let text, !accepted.isEmpty else { return nil }
        return EvaluationSet.Message(text: text, accepted: accepted, tag: tag, location: location(of: node))
    }

    private mutating func conversation(_ node: Node, path: String, intentIDs: Set<String>) -> EvaluationSet.Conversation? {
        guard let fields = fields(node, path: path, allowed: conversationKeys) else { return nil }
        let id = require(fields, "id", expected: "a name for the conversation").flatMap { string($0, path: fields.path("id")) }
        let tag = fields["tag"].flatMap { string($0, path: fields.path("tag")) }
        let lines = require(fields, "lines", expected: "the patient's messages in order")
            .map { list($0, path: fields.path("lines")) { $0.message($1, path: $2, intentIDs: intentIDs) } } ?? []
        guard let id, !lines.isEmpty else { return nil }
        return EvaluationSet.Conversation(id: id, tag: tag, lines: lines, location: location(of: node))
    }
}
