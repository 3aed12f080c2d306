/// A request the homeserver refused, or a response the client could not read.
public struct MatrixError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case server, unknownToken, malformedResponse, encryptedRoom
    }

    private let code: Code
    /// The HTTP status, when the server answered.
    public let status: Int?
    /// The Matrix error code, such as `M_FORBIDDEN`.
    public let errcode: String?
    public let message: String
    /// The session of interactive authentication, when the server asks the user to prove who
    /// they are (a password) before it does what was asked.
    public let authenticationSession: String?

    private init(_ code: Code, status: Int?, errcode: String?, message: String, authenticationSession: String? = nil) {
        self.code = code
        self.status = status
        self.errcode = errcode
        self.message = message
        self.authenticationSession = authenticationSession
    }

    /// The access token was revoked or is wrong: retrying cannot help.
    public var isUnknownToken: Bool { code == .unknownToken }

    /// Refused for good: the homeserver said no (a 4xx other than 429), or the room is
    /// encrypted and this client never writes plaintext into it. Retrying cannot help.
    public var isRefusal: Bool {
        code == .encryptedRoom || status.map { (400..<500).contains($0) && $0 != 429 } ?? false
    }

    public var description: String {
        switch code {
        case .unknownToken:
            "the homeserver does not accept the access token (M_UNKNOWN_TOKEN): log the bot's user in again and put the new token in SUPPORTBOT_ACCESS_TOKEN or access_token_file"
        case .server:
            "\(errcode ?? "HTTP \(status ?? 0)"): \(message)"
        case .malformedResponse:
            "unreadable response from the homeserver: \(message)"
        case .encryptedRoom:
            "not sent: \(message) is end-to-end encrypted, and the bot never writes plaintext into an encrypted room"
        }
    }

    static func server(status: Int, body: JSONValue?) -> MatrixError {
        let errcode = body?["errcode"]?.string
        let message = body?["error"]?.string ?? "HTTP \(status)"
        if status == 401, body?["flows"] != nil {
            return MatrixError(.server, status: status, errcode: errcode, message: "interactive authentication required",
                               authenticationSession: body?["session"]?.string)
        }
        if errcode == "M_UNKNOWN_TOKEN" || (status == 401 && errcode == nil) {
            return MatrixError(.unknownToken, status: status, errcode: errcode, message: message)
        }
        return MatrixError(.server, status: status, errcode: errcode, message: message)
    }

    static func encryptedRoom(_ roomID: String) -> MatrixError {
        MatrixError(.encryptedRoom, status: nil, errcode: nil, message: roomID)
    }

    static func malformedResponse(_ message: String) -> MatrixError {
        MatrixError(.malformedResponse, status: nil, errcode: nil, message: message)
    }
}
