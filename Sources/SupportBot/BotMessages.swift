import IntentEngine

/// What the bot says in answer to patients' commands.
enum BotMessages {
    /// The intent whose answer `!ambassador` gives.
    static let ambassadorIntent = "ambassador"

    static let help = """
    I'm SupportBot, an automated helper for this community: not a clinician and not a crisis service. \
    Tell me what's on your mind and I'll share a few words from our community's guide.
    Commands:
    !ambassador: ask for a Patient Ambassador, a volunteer who has been there
    !cancel: withdraw that request
    !stop: I won't reply to you any more (type !start to undo)
    !forget: erase what I've stored about you
    !help: this message
    If you are in danger right now, call your local emergency number.
    """

    /// The name of the direct chat the bot opens after a crisis said in a community room.
    static let privateChatName = "SupportBot"

    /// Under the resources, when a crisis was said in a community room.
    static let writtenPrivately = "You don't have to go through this alone: a Patient Ambassador will reach out to you, and I've written to you privately (look for a new chat from me)."

    static let stopped = "Okay, I won't reply to your messages any more. If you ever write about being in danger, I will still share crisis resources. Type !start whenever you'd like to hear from me again."
    static let started = "Welcome back. I'll reply to your messages again. Type !stop any time."
    static let forgotten = "Done: I erased what I had stored about you (your settings, which replies you've had and your 👍 or 👎 on them). If you had turned me off with !stop, that is erased too."

    /// In a direct chat, after a patient's 👍 or 👎 on a reply; in community rooms, nothing.
    static let thanksForFeedback = "Thank you for letting me know. It helps the people who look after my answers."

    /// Under the crisis resources, when a patient's encrypted message could not be read.
    static let unreadable = "I couldn't read your last message: the key to decrypt it never reached me. Could you send it again? "
        + "If it was about being in danger, please reach out to one of the services above now."

    static func unknownCommand(_ word: String) -> String {
        "I don't know the command !\(word). Type !help to see what I can do."
    }
}
