/// A message the bot sends, as plain text and as Matrix HTML (`formatted_body`).
public struct Reply: Sendable, Equatable, Codable {
    public var intentID: String
    public var variantID: String?
    public var escalate: Intent.Escalation
    public var body: String
    public var formattedBody: String

    public init(intentID: String, variantID: String?, escalate: Intent.Escalation, body: String, formattedBody: String) {
        self.intentID = intentID
        self.variantID = variantID
        self.escalate = escalate
        self.body = body
        self.formattedBody = formattedBody
    }
}
