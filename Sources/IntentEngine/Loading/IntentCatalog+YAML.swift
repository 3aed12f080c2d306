import Foundation
import Synchronization
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
        var problems: [YAMLProblem] = []
        let files: [(name: String, text: String)] = names.compactMap { name in
            let url = directory.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                problems.append(.unreadable(url.path, reason: "permission denied or not a file"))
                return nil
            }
            guard let text = String(data: data, encoding: .utf8) else {
                problems.append(.unreadable(url.path, reason: "not UTF-8 text"))
                return nil
            }
            return (url.path, text)
        }
        if !names.contains(settingsFileName) {
            problems.append(.unreadable(directory.appendingPathComponent(settingsFileName).path, reason: "the shared settings file is missing"))
        }
        // Each rule file, the word list and each model is read on whichever core is free, the
        // models' thousands of lines beside the rule files' YAML.
        let readFiles = Mutex<[ReadRuleFile?]>(Array(repeating: nil, count: files.count))
        let wordList = Mutex(WordList())
        let crisisModel = Mutex<Result<CrisisModel?, YAMLProblems>>(.success(training ? .untrained : nil))
        let topicModel = Mutex<Result<TopicModel?, YAMLProblems>>(.success(nil))
        DispatchQueue.concurrentPerform(iterations: files.count + 3) { task in
            switch task {
            case 0 where !training: topicModel.withLock { $0 = readModel(TopicModel.self, in: directory) }
            case 1 where !training: crisisModel.withLock { $0 = readModel(CrisisModel.self, in: directory) }
            case 2:
                let words = FileManager.default.contents(atPath: directory.appendingPathComponent(wordListFileName).path)
                wordList.withLock { $0 = words.map { WordList(text: Array($0)) } ?? WordList() }
            case 3...:
                let file = ReadRuleFile(name: files[task - 3].name, text: files[task - 3].text)
                readFiles.withLock { $0[task - 3] = file }
            default: break
            }
        }
        let crisis = crisisModel.withLock { $0 }, topic = topicModel.withLock { $0 }
        if case let .failure(error) = crisis { problems += error.problems }
        if case let .failure(error) = topic { problems += error.problems }
        do {
            let catalog = try assemble(readFiles.withLock { $0.compactMap { $0 } }, folder: directory.path, knownWords: wordList.withLock { $0 },
                                       crisisModel: try? crisis.get(), topicModel: try? topic.get())
            if problems.isEmpty { return catalog }
        } catch {
            problems += error.problems
        }
        throw YAMLProblems(problems)
    }

    /// Validates rule files given as texts; `name` is the path shown in messages.
    public static func parse(files: [(name: String, text: String)], folder: String = ".", knownWords: WordList = WordList(),
                             crisisModel: CrisisModel? = nil, topicModel: TopicModel? = nil) throws(YAMLProblems) -> IntentCatalog {
        try assemble(files.map { ReadRuleFile(name: $0.name, text: $0.text) }, folder: folder, knownWords: knownWords,
                     crisisModel: crisisModel, topicModel: topicModel)
    }

    /// The catalog of rule files read one by one, checked across files.
    private static func assemble(_ files: [ReadRuleFile], folder: String, knownWords: WordList,
                                 crisisModel: CrisisModel?, topicModel: TopicModel?) throws(YAMLProblems) -> IntentCatalog {
        var catalog = IntentCatalog(settings: CommonSettings(), intents: [], knownWords: knownWords)
        catalog.crisisModel = crisisModel
        catalog.topicModel = topicModel
        var problems: [YAMLProblem] = []
        for file in files {
            if let settings = file.settings { catalog.settings = settings }
            if let intent = file.intent { catalog.intents.append(intent) }
            catalog.concepts += file.concepts
            catalog.fuzzyWords += file.fuzzyWords
            problems += file.problems
        }
        // Checks across files would only echo a broken file's problems, so they come after.
        if problems.isEmpty { problems = catalog.problems(folder: folder) }
        guard problems.isEmpty else { throw YAMLProblems(problems) }
        return catalog
    }

    /// The folder's model of this kind, if it has one, or the problems of a file that cannot be read.
    private static func readModel<Model: LearnedModel>(_: Model.Type, in directory: URL) -> Result<Model?, YAMLProblems> {
        let path = directory.appendingPathComponent(Model.fileName).path
        guard let data = FileManager.default.contents(atPath: path) else { return .success(nil) }
        do {
            return .success(try Model(parsing: String(decoding: data, as: UTF8.self), file: path))
        } catch {
            return .failure(error)
        }
    }
}

/// One rule file read on its own (the settings file or an intent's), so that files can be read at once on several cores.
private struct ReadRuleFile: Sendable {
    var settings: CommonSettings?
    var intent: Intent?
    var concepts: [Concept] = []
    var fuzzyWords: [Located<String>] = []
    let problems: [YAMLProblem]

    init(name: String, text: String) {
        var reader = YAMLReader(file: name)
        if (name as NSString).lastPathComponent == IntentCatalog.settingsFileName {
            if let parsed = reader.settingsFile(text) {
                (settings, concepts, fuzzyWords) = (parsed.settings, parsed.concepts, parsed.fuzzyWords)
            }
        } else if let parsed = reader.intentFile(text) {
            (intent, concepts, fuzzyWords) = (parsed.intent, parsed.concepts, parsed.fuzzyWords)
        }
        problems = reader.problems
    }
}
