import ArgumentParser
import Foundation
import IntentEngine

struct ReplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reply",
        abstract: "Show the reply the bot would send to a message, as text and as HTML."
    )

    @OptionGroup var intents: IntentsFolderOption
    @Option(help: "Which crisis resources to show, such as en-US or en-GB.")
    var locale = "en-US"
    @Flag(help: "Write the reply as JSON (intent, variant, escalate, body, formatted_body).")
    var json = false
    @Argument(help: "The patient's message.")
    var message: String

    func run() throws {
        let catalog = try intents.loadCatalog()
        let classification = IntentClassifier(catalog: catalog).classify(message)
        let reply = ReplyComposer(catalog: catalog, locale: locale).reply(to: classification.best, disclose: true)
        if json {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(reply), as: UTF8.self))
        } else {
            print("intent: \(reply.intentID)\(reply.variantID.map { " (\($0))" } ?? "")   escalate: \(reply.escalate.rawValue)")
            print("\n--- text ---\n\(reply.body)\n\n--- html ---\n\(reply.formattedBody)")
        }
    }
}
