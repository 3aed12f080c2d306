import ArgumentParser

struct SupportBot: AsyncParsableCommand {
    /// This release; `supportbot --version` prints it.
    static let version = "0.11.0"

    static let configuration = CommandConfiguration(
        commandName: "supportbot",
        abstract: "A support bot for a community living with chronic back and leg pain.",
        discussion: """
        SupportBot reads patients' messages, recognizes what they are about using the rules in \
        the Intents folder, and answers with short excerpts of the community's article.

        Moderators: edit the files in Intents/, then run `supportbot intents check` and \
        `supportbot intents test`. Try a message with `supportbot classify --explain "..."`.
        """,
        version: "supportbot \(SupportBot.version)",
        subcommands: [RunCommand.self, DemoCommand.self, RelayCommand.self, ClassifyCommand.self, ReplyCommand.self, IntentsCommand.self, QueueCommand.self, CryptoCommand.self]
    )
}
