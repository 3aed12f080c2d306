import ArgumentParser
import IntentEngine

struct IntentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intents",
        abstract: "Check and test the intent rules that moderators keep.",
        subcommands: [Check.self, Test.self]
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
}
