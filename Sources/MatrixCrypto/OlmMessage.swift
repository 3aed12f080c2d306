/// An Olm message as it travels in an `m.room.encrypted` to-device event: its `type` (0 for a
/// pre-key message, 1 for a normal one) and its base64 `body`.
public struct OlmMessage: Sendable, Hashable {
    public enum Kind: Int, Sendable {
        case preKey = 0
        case normal = 1
    }

    public let kind: Kind
    public let body: String

    public init(kind: Kind, body: String) {
        self.kind = kind
        self.body = body
    }

    /// From the event's integer `type`; any other type is refused.
    public init(type: Int, body: String) throws(MatrixCryptoError) {
        guard let kind = Kind(rawValue: type) else { throw .malformedMessage("unknown Olm message type \(type)") }
        self.init(kind: kind, body: body)
    }

    public var type: Int { kind.rawValue }

    var bytes: [UInt8] {
        get throws(MatrixCryptoError) { try UnpaddedBase64.decode(body, what: "Olm message body") }
    }
}
