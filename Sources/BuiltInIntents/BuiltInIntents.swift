import Foundation
import IntentEngine
import YAMLReader

/// The rules shipped with this release (`Intents/` when it was built), for commands run where
/// there is no rules folder: the demo, `classify` and `reply` from any folder or an installed
/// binary. A folder a person names always wins; `supportbot run` never uses these silently.
public enum BuiltInIntents {
    /// Where problems in the built-in rules are said to be.
    public static let origin = "(built-in intents)"

    /// The built-in rules, compiled: the shipped `Intents/` as it was when this binary was built
    /// (the test command checks that folder, so a released binary's rules check cleanly).
    public static func catalog() throws(YAMLProblems) -> IntentCatalog {
        let files = BuiltInIntentFiles.files
        let rules = files.filter { $0.name.hasSuffix(".yaml") || $0.name.hasSuffix(".yml") }.map { (name: "\(origin)/\($0.name)", text: $0.text) }
        let words = files.first { $0.name == IntentCatalog.wordListFileName }.map { WordList(text: Array($0.text.utf8)) } ?? WordList()
        func model<Model: LearnedModel>(_: Model.Type) throws(YAMLProblems) -> Model? {
            try files.first { $0.name == Model.fileName }.map { file throws(YAMLProblems) in try Model(parsing: file.text, file: "\(origin)/\(file.name)") }
        }
        return try IntentCatalog.parse(files: rules, folder: origin, knownWords: words, crisisModel: model(CrisisModel.self), topicModel: model(TopicModel.self))
    }

    /// Writes the built-in folder (rules, word list and its licence, guide, schemas) into
    /// `folder`, creating it; an existing file is never overwritten.
    /// - Returns: the names written.
    public static func export(to folder: URL) throws -> [String] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let existing = BuiltInIntentFiles.files.map(\.name).filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }
        guard existing.isEmpty else { throw ExportError.wouldOverwrite(folder.path, existing) }
        for file in BuiltInIntentFiles.files {
            try Data(file.text.utf8).write(to: folder.appendingPathComponent(file.name), options: .withoutOverwriting)
        }
        return BuiltInIntentFiles.files.map(\.name)
    }

    public enum ExportError: Error, CustomStringConvertible {
        case wouldOverwrite(String, [String])

        public var description: String {
            switch self {
            case let .wouldOverwrite(folder, names):
                "\(folder) already has \(names.prefix(3).joined(separator: ", "))\(names.count > 3 ? " and \(names.count - 3) more" : ""): nothing was written; choose an empty or new folder"
            }
        }
    }
}
