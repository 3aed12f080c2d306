import YAMLReader

/// A model `supportbot intents train` writes beside the rules, and reads back from its file.
public protocol LearnedModel: Sendable {
    /// The file in a rules folder that holds the model.
    static var fileName: String { get }
    /// Reads the file; each line that cannot be read is a problem at its line.
    init(parsing text: String, file: String) throws(YAMLProblems)
    /// The file's text: a model read back from it is the same model.
    var fileText: String { get }
}

extension CrisisModel: LearnedModel {}
extension TopicModel: LearnedModel {}
