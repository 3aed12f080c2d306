import YAMLReader

/// Messages labelled with the intents a careful moderator would accept, to measure how well
/// the rules generalize (`Intents/evaluation/*.yaml`). A message may accept several intents
/// when it is truly about both; crisis is never one of several.
public struct EvaluationSet: Sendable {
    public struct Message: Sendable {
        public let text: String
        /// The intents a moderator accepts, the main one first.
        public let accepted: [String]
        /// The kind of message, such as a crisis category (`method`) or `idiom`.
        public let tag: String?
        public let location: SourceLocation
    }

    /// Several messages from one patient, in order: each is read with the memory of the ones before.
    public struct Conversation: Sendable {
        public let id: String
        /// `context` (the last line is a crisis because of the lines before) or `control`.
        public let tag: String?
        public let lines: [Message]
        public let location: SourceLocation
    }

    public var messages: [Message]
    public var conversations: [Conversation]

    public init(messages: [Message], conversations: [Conversation]) {
        self.messages = messages
        self.conversations = conversations
    }
}
