import ArgumentParser
import BuiltInIntents
import Foundation
import IntentEngine

/// `--intents DIR`, shared by every command that reads the rules.
struct IntentsFolderOption: ParsableArguments {
    @Option(name: .customLong("intents"), help: ArgumentHelp(
        "The folder of intent rules (default: $SUPPORTBOT_INTENTS, else ./Intents, else the rules built into this program).", valueName: "dir"))
    var folder: String?

    /// Where the rules come from.
    enum Source {
        case folder(URL)
        /// This binary's own copy of the shipped `Intents/` (`BuiltInIntents`).
        case builtIn

        var description: String {
            switch self {
            case let .folder(url): url.path
            case .builtIn: BuiltInIntents.origin
            }
        }
    }

    /// A folder a person named (an explicit argument, `--intents`, `$SUPPORTBOT_INTENTS`) always
    /// wins, missing or not; else `./Intents` when there is one; else the built-in rules.
    func source(_ argument: String? = nil) -> Source {
        if let path = argument ?? folder ?? ProcessInfo.processInfo.environment["SUPPORTBOT_INTENTS"] {
            return .folder(URL(fileURLWithPath: path))
        }
        let local = URL(fileURLWithPath: "Intents")
        return FileManager.default.fileExists(atPath: local.path) ? .folder(local) : .builtIn
    }

    /// The rules, or every problem with them on standard error and exit status 1.
    func loadCatalog(_ argument: String? = nil) throws -> IntentCatalog {
        let source = source(argument)
        do {
            switch source {
            case let .folder(url): return try IntentCatalog.load(from: url)
            case .builtIn: return try BuiltInIntents.catalog()
            }
        } catch {
            for problem in error.problems { Console.write("\(problem)\n", to: .standardError) }
            Console.write("\(error.problems.count) problem\(error.problems.count == 1 ? "" : "s") in \(source.description)\n", to: .standardError)
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
