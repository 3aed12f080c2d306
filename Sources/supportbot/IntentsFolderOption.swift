import ArgumentParser
import Foundation
import IntentEngine

/// `--intents DIR`, shared by every command that reads the rules.
struct IntentsFolderOption: ParsableArguments {
    @Option(name: .customLong("intents"), help: ArgumentHelp(
        "The folder of intent rules (default: $SUPPORTBOT_INTENTS, else ./Intents).", valueName: "dir"))
    var folder: String?

    /// The folder to read: an explicit argument, then `--intents`, then the environment, then `./Intents`.
    func resolved(_ argument: String? = nil) -> URL {
        let path = argument ?? folder ?? ProcessInfo.processInfo.environment["SUPPORTBOT_INTENTS"] ?? "Intents"
        return URL(fileURLWithPath: path)
    }

    /// The rules, or every problem with them on standard error and exit status 1.
    func loadCatalog(_ argument: String? = nil) throws -> IntentCatalog {
        let url = resolved(argument)
        do {
            return try IntentCatalog.load(from: url)
        } catch {
            for problem in error.problems { Console.write("\(problem)\n", to: .standardError) }
            Console.write("\(error.problems.count) problem\(error.problems.count == 1 ? "" : "s") in \(url.path)\n", to: .standardError)
            throw ExitCode.failure
        }
    }
}

/// Unbuffered writes, so messages appear at once even when the output is a file or a pipe.
enum Console {
    static func write(_ text: String, to handle: FileHandle = .standardOutput) {
        handle.write(Data(text.utf8))
    }
}
