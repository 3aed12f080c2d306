import ArgumentParser
import BotEncryption
import Foundation
import Logging
import MatrixClient
import Storage
import SupportBot
import YAMLReader

/// What an operator does for the bot's end-to-end encryption by hand: today, giving the
/// homeserver the bot's password once when it wants one before it takes the bot's
/// cross-signing keys (older Synapse, or keys set for the account before).
struct CryptoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crypto",
        abstract: "The bot's end-to-end encryption device.",
        subcommands: [Bootstrap.self]
    )

    struct Bootstrap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish the bot's cross-signing keys and sign its device, answering a password prompt from the homeserver.",
            discussion: """
            Run once when the bot warns that the homeserver asks for its password before it takes its cross-signing keys. \
            Safe while the bot runs: it changes nothing in the bot's database. The password file holds the bot user's \
            password and nothing else; it is read, never stored or logged.
            """
        )

        @Option(help: ArgumentHelp("The bot's configuration file.", valueName: "file"))
        var config = "supportbot.yaml"
        @Option(help: ArgumentHelp("A file holding the bot user's password.", valueName: "file"))
        var passwordFile: String

        func run() async throws {
            let logger = Logger.bootstrapped(level: .warning, format: .text)
            do {
                let configuration = try BotConfiguration.load(path: config)
                let password = try String(contentsOfFile: passwordFile, encoding: .utf8).trimmingCharacters(in: .newlines)
                let client = MatrixClient(homeserver: configuration.homeserver, accessToken: configuration.accessToken, logger: logger)
                guard let deviceID = try await client.whoamiWithDevice().deviceID else {
                    throw ValidationError("the access token has no device, so the bot has no encryption device to sign")
                }
                let storeKey = try StoreKey.load(environment: ProcessInfo.processInfo.environment, file: configuration.storeKeyFile,
                                                 database: URL(fileURLWithPath: configuration.database), logger: logger)
                let device = try BotDevice(client: client, database: try BotDatabase.open(path: configuration.database), userID: configuration.userID,
                                           deviceID: deviceID, storeKey: storeKey, logger: logger)
                try await device.publishCrossSigning(password: password)
                print("The bot's cross-signing keys are published and its device \(deviceID) is signed.")
            } catch let error as YAMLProblems {
                for problem in error.problems { Console.write("\(problem)\n", to: .standardError) }
                throw ExitCode.failure
            } catch let error as ValidationError {
                throw error
            } catch {
                Console.write("supportbot: \(error)\n", to: .standardError)
                throw ExitCode.failure
            }
        }
    }
}
