import ArgumentParser
import BuiltInIntents
import Foundation
import IntentEngine

struct IntentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intents",
        abstract: "Check and test the intent rules that moderators keep.",
        subcommands: [Check.self, Test.self, Evaluate.self, Train.self, Export.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that every rule file is well-formed.",
            discussion: "Each problem is printed as file:line:column, the key, and what was expected. Exits with 1 if there is any problem."
        )
        @OptionGroup var intents: IntentsFolderOption
        @Argument(help: ArgumentHelp("The folder to check (default: --intents).", valueName: "dir"))
        var folder: String?

        func run() throws {
            let catalog = try intents.loadCatalog(folder)
            let phrases = catalog.intents.reduce(0) { total, intent in
                total + (intent.match.map { $0.phrases.count + $0.hints.count } ?? 0)
            }
            print("ok: \(catalog.intents.count) intents, \(phrases) phrases and hints in \(intents.source(folder).description)")
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run every example and counterexample in the rule files.",
            discussion: "Prints a table per intent and each message that was read wrongly. Exits with 1 if any failed."
        )
        @OptionGroup var intents: IntentsFolderOption
        @Argument(help: ArgumentHelp("The folder to test (default: --intents).", valueName: "dir"))
        var folder: String?

        func run() throws {
            let report = ExampleReport(classifier: IntentClassifier(catalog: try intents.loadCatalog(folder)))
            print(report.text)
            if !report.passed { throw ExitCode.failure }
        }
    }

    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure the rules on a labelled evaluation set.",
            discussion: """
            Prints accuracy, macro-F1, crisis recall and false alarms, precision, recall and F1 per \
            intent, the confusions, and every message read wrongly. Exits with 1 when the set misses \
            the safety bar (crisis recall 1.00, false alarms at most 2%), unless --report-only.
            """
        )
        @OptionGroup var intents: IntentsFolderOption
        @Flag(help: "Write the figures as one JSON object.")
        var json = false
        @Flag(help: "Print the figures without failing on them (for the held-out set).")
        var reportOnly = false
        @Argument(help: ArgumentHelp("The evaluation file, such as Intents/evaluation/dev.yaml.", valueName: "file"))
        var file: String

        func run() throws {
            let catalog = try intents.loadCatalog()
            let set: EvaluationSet
            do {
                set = try EvaluationSet.load(from: URL(fileURLWithPath: file), catalog: catalog)
            } catch {
                for problem in error.problems { Console.write("\(problem)\n", to: .standardError) }
                throw ExitCode.failure
            }
            let report = EvaluationReport(set: set, classifier: IntentClassifier(catalog: catalog))
            Console.write(json ? report.json : "\(file): " + report.text)
            if !report.meetsSafetyBar, !reportOnly { throw ExitCode.failure }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the rules built into this program into a folder, to edit and run with --intents.",
            discussion: "The folder is created; a file already in it is never overwritten."
        )
        @Argument(help: ArgumentHelp("The folder to write.", valueName: "dir"))
        var folder: String

        func run() throws {
            do {
                let names = try BuiltInIntents.export(to: URL(fileURLWithPath: folder))
                print("wrote \(names.count) files to \(folder); try: supportbot intents check \(folder)")
            } catch let error as BuiltInIntents.ExportError {
                Console.write("\(error)\n", to: .standardError)
                throw ExitCode.failure
            }
        }
    }
}

extension IntentsCommand {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train the learned models (crisis-model.txt, topic-model.txt) from the labelled messages.",
            discussion: """
            Learns from every intent's examples, crisis's counterexamples and the messages of \
            evaluation/dev.yaml (or each --set), and writes crisis-model.txt and topic-model.txt \
            into the rules folder. With --check, writes nothing and exits with 1 when a file is not \
            what training gives.
            """
        )
        @OptionGroup var intents: IntentsFolderOption
        @Option(name: .customLong("set"), help: ArgumentHelp("A labelled set to learn from (default: evaluation/dev.yaml in the folder).", valueName: "file"))
        var sets: [String] = []
        @Flag(help: "Only check that crisis-model.txt and topic-model.txt are up to date.")
        var check = false

        func run() throws {
            guard case let .folder(folder) = intents.source() else {
                throw ValidationError("training writes into a rules folder: give --intents DIR (supportbot intents export DIR makes one)")
            }
            let catalog: IntentCatalog
            var labelled: [EvaluationSet] = []
            do {
                catalog = try IntentCatalog.load(from: folder, training: true)
                let files = sets.isEmpty ? [folder.appendingPathComponent("evaluation/dev.yaml").path].filter(FileManager.default.fileExists) : sets
                for file in files { labelled.append(try EvaluationSet.load(from: URL(fileURLWithPath: file), catalog: catalog)) }
            } catch {
                for problem in error.problems { Console.write("\(problem)\n", to: .standardError) }
                throw ExitCode.failure
            }
            let crisisMessages = CrisisModel.trainingMessages(catalog: catalog, sets: labelled)
            let crisisModel = CrisisModel.train(crisisMessages)
            let topicMessages = TopicModel.trainingMessages(catalog: catalog, sets: labelled)
            let topicModel = TopicModel.train(topicMessages, answering: catalog.topicsToLearn)
            var outdated = false
            for (model, summary): (any LearnedModel, String) in [
                (crisisModel, "\(crisisModel.features.count) features from \(crisisMessages.count) messages (\(crisisMessages.filter(\.crisis).count) crisis), threshold \(crisisModel.threshold)"),
                (topicModel, "\(topicModel.features.count) features from \(topicMessages.count) messages of \(topicModel.intents.count) intents, threshold \(topicModel.threshold)"),
            ] {
                let file = folder.appendingPathComponent(type(of: model).fileName)
                if check {
                    if (try? String(contentsOf: file, encoding: .utf8)) == model.fileText {
                        print("up to date: \(file.lastPathComponent): \(summary)")
                    } else {
                        Console.write("\(file.path) is not what training gives now: run supportbot intents train\n", to: .standardError)
                        outdated = true
                    }
                } else {
                    try model.fileText.write(to: file, atomically: true, encoding: .utf8)
                    print("wrote \(file.path): \(summary)")
                }
            }
            if outdated { throw ExitCode.failure }
        }
    }
}
