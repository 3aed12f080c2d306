import Foundation
import YAMLReader

extension IntentCatalog {
    /// The file in a rules folder that holds the shared settings rather than an intent.
    public static let settingsFileName = "common.yaml"
    /// The English word list beside the rules, one word a line, for typo tolerance.
    public static let wordListFileName = "words.txt"

    /// Loads and validates every `*.yaml` file of a rules folder. Any problem in any file
    /// throws them all, and nothing is half-loaded.
    /// - Parameter training: the folder's learned models are about to be trained again: an
    ///   untrained crisis model stands in, and no topic model, so a missing or outdated one is no problem.
    public static func load(from directory: URL, training: Bool = false) throws(YAMLProblems) -> IntentCatalog {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                .sorted()
        } catch {
            throw YAMLProblems([.unreadable(directory.path, reason: "not a readable folder")])
        }
        var files: [(name: String, text: String)] = []
        var problems: [YAMLProblem] = []
        for name in names {
            let url = directory.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                problems.append(.unreadable(url.path, reason: "permission denied or not a file"))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                problems.append(.unreadable(url.path, reason: "not UTF-8 text"))
                continue
            }
            files.append((url.path, text))
        }
        if !names.contains(settingsFileName) {
            problems.append(.unreadable(directory.appendingPathComponent(settingsFileName).path, reason: "the shared settings file is missing"))
        }
        let wordList = FileManager.default.contents(atPath: directory.appendingPathComponent(wordListFileName).path)
            .map { WordList(text: Array($0)) } ?? WordList()
        let crisisModel = training ? CrisisModel.untrained : readModel(CrisisModel.self, in: directory, problems: &problems)
        let topicModel = training ? nil : readModel(TopicModel.self, in: directory, problems: &problems)
        do {
            let catalog = try parse(files: files, folder: directory.path, knownWords: wordList, crisisModel: crisisModel, topicModel: topicModel)
            if problems.isEmpty { return catalog }
        } catch {
            problems += error.problems
        }
        throw YAMLProblems(problems)
    }

    /// Validates rule files given as texts; `name` is the path shown in messages.
    public static func parse(files: [(name: String, text: String)], folder: String = ".", knownWords: WordList = WordList(),
                             crisisModel: CrisisModel? = nil, topicModel: TopicModel? = nil) throws(YAMLProblems) -> IntentCatalog {
        var problems: [YAMLProblem] = []
        var catalog = IntentCatalog(settings: CommonSettings(), intents: [], knownWords: knownWords)
        catalog.crisisModel = crisisModel
        catalog.topicModel = topicModel
        for file in files {
            var reader = YAMLReader(file: file.name)
            if (file.name as NSString).lastPathComponent == settingsFileName {
                if let parsed = reader.settingsFile(file.text) {
                    catalog.settings = parsed.settings
                    catalog.concepts += parsed.concepts
                    catalog.fuzzyWords += parsed.fuzzyWords
                }
            } else if let parsed = reader.intentFile(file.text) {
                catalog.intents.append(parsed.intent)
                catalog.concepts += parsed.concepts
                catalog.fuzzyWords += parsed.fuzzyWords
            }
            problems += reader.problems
        }
        // Checks across files would only echo a broken file's problems, so they come after.
        if problems.isEmpty { problems = catalog.problems(folder: folder) }
        guard problems.isEmpty else { throw YAMLProblems(problems) }
        return catalog
    }

    /// The folder's model of this kind, if it has one; a file that cannot be read is a problem.
    private static func readModel<Model: LearnedModel>(_: Model.Type, in directory: URL, problems: inout [YAMLProblem]) -> Model? {
        let path = directory.appendingPathComponent(Model.fileName).path
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try Model(parsing: String(decoding: data, as: UTF8.self), file: path)
        } catch {
            problems += error.problems
            return nil
        }
    }
}
