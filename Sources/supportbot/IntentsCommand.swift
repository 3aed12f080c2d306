import ArgumentParser
import Foundation
import IntentEngine

struct IntentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intents",
        abstract: "Check and test the intent rules that moderators keep.",
        subcommands: [Check.self, Test.self, Evaluate.self]
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
            print("ok: \(catalog.intents.count) intents, \(phrases) phrases and hints in \(intents.resolved(folder).path)")
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
}
