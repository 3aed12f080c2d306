/// A message the bot sends, as plain text and as Matrix HTML (`formatted_body`).
public struct Reply: Sendable, Equatable, Codable {
    public var intentID: String
    public var variantID: String?
    public var escalate: Intent.Escalation
    /// Carries crisis resources: clients that know it (the chat page) set it apart.
    public var hasResources: Bool
    public var body: String
    public var formattedBody: String

    public init(intentID: String, variantID: String?, escalate: Intent.Escalation, hasResources: Bool = false, body: String, formattedBody: String) {
        self.intentID = intentID
        self.variantID = variantID
        self.escalate = escalate
        self.hasResources = hasResources
        self.body = body
        self.formattedBody = formattedBody
    }
}
