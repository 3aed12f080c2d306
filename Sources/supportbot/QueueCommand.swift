import ArgumentParser
import Escalations
import Foundation
import Storage
import SupportBot
import YAMLReader

/// The escalation queue for operators, on the bot's own database: safe while the bot runs
/// (WAL). Changes are audited as the operator's and announced in the rooms by the running bot.
struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "See and change the escalation queue (safe while the bot runs).",
        subcommands: [List.self, Show.self, Claim.self, Release.self, Resolve.self]
    )

    struct Options: ParsableArguments {
        @Option(help: ArgumentHelp("The bot's configuration file: its database and timers.", valueName: "file"))
        var config = "supportbot.yaml"

        func open() throws -> (BotDatabase, EscalationTimers) {
            do {
                // Queue commands never talk to the homeserver: they need no access token.
                let configuration = try BotConfiguration.load(path: config, environment: ["SUPPORTBOT_ACCESS_TOKEN": "unused by queue commands"])
                return (try BotDatabase.open(path: configuration.database), configuration.escalation.timers)
            } catch let error as YAMLProblems {
                for problem in error.problems { Console.write("\(problem)\n", to: .standardError) }
                throw ExitCode.failure
            }
        }

        /// Does an operator's change, or says why not and exits with 1.
        func change(_ number: Int, _ action: EscalationAction, as actor: String?) throws {
            let (database, timers) = try open()
            let operatorID = "operator:\(ProcessInfo.processInfo.userName)"
            // Acting as an ambassador, the operator is named in the audit trail beside them.
            let who = actor.map { EscalationActor($0, isOperator: true, via: operatorID) } ?? EscalationActor(operatorID, isOperator: true)
            do {
                let change = try database.changeEscalation(number, action, by: who, at: Date(),
                                                           announced: false, timers: timers)
                print("#\(number) is \(change.escalation.state.rawValue)\(change.escalation.claimant.map { " by \($0)" } ?? ""); the bot will announce it.")
            } catch let refusal as EscalationRefusal {
                Console.write("\(refusal)\n", to: .standardError)
                throw ExitCode.failure
            } catch let missing as NoSuchEscalation {
                Console.write("\(missing)\n", to: .standardError)
                throw ExitCode.failure
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open and claimed escalations, urgent first, then oldest.")
        @OptionGroup var options: Options
        @Flag(help: "Resolved and cancelled ones too.") var all = false

        func run() throws {
            let (database, _) = try options.open()
            let states: [Escalation.State] = all ? Escalation.State.allCases : [.open, .claimed]
            let escalations = try database.escalations(in: states)
            guard !escalations.isEmpty else {
                print("No escalations.")
                return
            }
            let now = Date()
            print(["#", "state", "priority", "reason", "waiting", "patient", "claimant"].joined(separator: "\t"))
            for escalation in escalations {
                print(["#\(escalation.number)", escalation.state.rawValue, escalation.priority.rawValue, escalation.reason,
                       "\(Int(now.timeIntervalSince(escalation.openedAt) / 60)) min", escalation.patient, escalation.claimant ?? "-"].joined(separator: "\t"))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One escalation and its audit trail.")
        @OptionGroup var options: Options
        @Argument(help: "The escalation's number.") var number: Int

        func run() throws {
            let (database, _) = try options.open()
            guard let escalation = try database.escalation(number) else {
                Console.write("\(NoSuchEscalation(number: number))\n", to: .standardError)
                throw ExitCode.failure
            }
            let format = Date.ISO8601FormatStyle()
            print("""
            #\(escalation.number) \(escalation.state.rawValue), \(escalation.priority.rawValue), \(escalation.reason)
            patient:  \(escalation.patient) in \(escalation.roomID)
            claimant: \(escalation.claimant ?? "-")
            opened:   \(escalation.openedAt.formatted(format)), \(escalation.requests) request(s)
            private room: \(escalation.handoffRoomID ?? "-")
            """)
            for entry in try database.auditTrail(of: number) {
                let outcome = entry.refusal.map { " REFUSED: \($0)" } ?? ""
                print("  \(entry.at.formatted(format))  \(entry.actor)  \(entry.action)\(entry.detail.map { " (\($0))" } ?? "")\(outcome)")
            }
        }
    }

    struct Claim: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Claim an escalation for an ambassador.")
        @OptionGroup var options: Options
        @Argument(help: "The escalation's number.") var number: Int
        @Option(name: .customLong("as"), help: ArgumentHelp("The ambassador's Matrix id.", valueName: "user")) var user: String

        func validate() throws {
            guard user.first == "@", user.contains(":") else { throw ValidationError("--as takes a Matrix user id, such as @alex:example.org") }
        }

        func run() throws { try options.change(number, .claim, as: user) }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a claimed escalation back in the queue.")
        @OptionGroup var options: Options
        @Argument(help: "The escalation's number.") var number: Int
        @Option(name: .customLong("as"), help: ArgumentHelp("Who does it (default: operator:$USER).", valueName: "user")) var user: String?

        func run() throws { try options.change(number, .release, as: user) }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark an escalation resolved.")
        @OptionGroup var options: Options
        @Argument(help: "The escalation's number.") var number: Int
        @Option(help: "A note for the audit trail.") var note: String?
        @Option(name: .customLong("as"), help: ArgumentHelp("Who does it (default: operator:$USER).", valueName: "user")) var user: String?

        func run() throws { try options.change(number, .resolve(note: note), as: user) }
    }
}
