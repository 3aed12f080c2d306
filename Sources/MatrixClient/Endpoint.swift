import Metrics

/// The homeserver endpoints the client calls, by the name they carry in logs and metrics.
enum Endpoint: String, CaseIterable, Sendable {
    case whoami, filter, sync, send, redact, join, leave, createRoom, invite, messages, typing, receipt, directory, state, event
    case joinedMembers = "joined_members"
    case keysUpload = "keys_upload", keysQuery = "keys_query", keysClaim = "keys_claim"
    case crossSigningUpload = "device_signing_upload", signaturesUpload = "signatures_upload", sendToDevice = "send_to_device"

    /// Whether a request here puts an event of the user's into a room (a message, a membership).
    var makesAnEvent: Bool {
        switch self {
        case .send, .redact, .join, .leave, .createRoom, .invite: true
        default: false
        }
    }

    /// `supportbot_homeserver_requests_total` for this endpoint, made once rather than looked
    /// up in the metrics registry on every request.
    var requests: Counter { Self.requestCounters[self]! }

    private static let requestCounters = Dictionary(uniqueKeysWithValues: allCases.map { endpoint in
        (endpoint, Counter(label: "supportbot_homeserver_requests_total", dimensions: [("endpoint", endpoint.rawValue)]))
    })
}
