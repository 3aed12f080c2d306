import Foundation
import Hummingbird
import MatrixClient
import NIOCore

/// A Matrix error response, `{"errcode": "M_…", "error": "…"}`, with the same codes and HTTP
/// statuses as Synapse, so the bot's client reads the relay and Synapse alike.
public struct RelayError: Error, HTTPResponseError, CustomStringConvertible {
    private enum Code: String {
        case forbidden = "M_FORBIDDEN", unknownToken = "M_UNKNOWN_TOKEN", missingToken = "M_MISSING_TOKEN"
        case notFound = "M_NOT_FOUND", limitExceeded = "M_LIMIT_EXCEEDED", badJSON = "M_BAD_JSON", notJSON = "M_NOT_JSON"
        case unrecognized = "M_UNRECOGNIZED", tooLarge = "M_TOO_LARGE", userInUse = "M_USER_IN_USE"
        case roomInUse = "M_ROOM_IN_USE", invalidUsername = "M_INVALID_USERNAME", invalidParameter = "M_INVALID_PARAM"
        case unknown = "M_UNKNOWN"
    }

    private let code: Code
    public let status: HTTPResponse.Status
    public let message: String
    private let retryAfterMilliseconds: Int?

    private init(_ code: Code, _ status: HTTPResponse.Status, _ message: String, retryAfterMilliseconds: Int? = nil) {
        self.code = code
        self.status = status
        self.message = message
        self.retryAfterMilliseconds = retryAfterMilliseconds
    }

    public var errcode: String { code.rawValue }
    public var description: String { "\(code.rawValue): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: JSONValue] = ["errcode": .string(code.rawValue), "error": .string(message)]
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfterMilliseconds {
            body["retry_after_ms"] = .number(Double(retryAfterMilliseconds))
            headers[.retryAfter] = "\(max(1, (retryAfterMilliseconds + 999) / 1000))"
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try RelayJSON.encode(.object(body)))))
    }

    static func forbidden(_ message: String) -> Self { Self(.forbidden, .forbidden, message) }
    static let unknownToken = Self(.unknownToken, .unauthorized, "Unknown or expired access token")
    static let missingToken = Self(.missingToken, .unauthorized, "Missing access token")
    static func notFound(_ message: String) -> Self { Self(.notFound, .notFound, message) }
    static func limitExceeded(retryAfterMilliseconds: Int) -> Self {
        Self(.limitExceeded, .tooManyRequests, "Too many requests", retryAfterMilliseconds: retryAfterMilliseconds)
    }
    static func badJSON(_ message: String) -> Self { Self(.badJSON, .badRequest, message) }
    static let notJSON = Self(.notJSON, .badRequest, "Content not JSON")
    static let unrecognizedEndpoint = Self(.unrecognized, .notFound, "Unrecognized request")
    static let unrecognizedMethod = Self(.unrecognized, .methodNotAllowed, "Unrecognized request: method not allowed on this endpoint")
    static func tooLarge(limit: Int) -> Self { Self(.tooLarge, .contentTooLarge, "Request body is larger than \(limit) bytes") }
    static let userInUse = Self(.userInUse, .badRequest, "User ID already taken")
    static let roomInUse = Self(.roomInUse, .badRequest, "Room alias already taken")
    static func invalidUsername(_ message: String) -> Self { Self(.invalidUsername, .badRequest, message) }
    static func invalidParameter(_ message: String) -> Self { Self(.invalidParameter, .badRequest, message) }
    /// The relay's own failure (its database): a 5xx, so clients try again.
    static func unknown(_ message: String) -> Self { Self(.unknown, .internalServerError, message) }
}
