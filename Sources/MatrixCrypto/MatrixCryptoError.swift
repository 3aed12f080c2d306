/// Why a cryptographic operation was refused. Each failure leaves the session or account as it was.
public struct MatrixCryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Code: Sendable, Equatable {
        case invalidBase64
        case invalidJSON
        case invalidKey
        case malformedMessage
        case unknownVersion
        case badMAC
        case badSignature
        case unknownMessageIndex
        case messageGapTooLarge
        case wrongSession
        case unknownOneTimeKey
        case missingSignature
        case badPickle
    }

    let code: Code
    /// What was wrong, for a person reading the log; never key material or plaintext.
    public let detail: String

    init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { detail }

    static func invalidBase64(_ what: String) -> Self { Self(.invalidBase64, "\(what) is not valid unpadded base64") }
    static func invalidJSON(_ detail: String) -> Self { Self(.invalidJSON, "not canonical-JSON-compatible: \(detail)") }
    static func invalidKey(_ what: String) -> Self { Self(.invalidKey, "\(what) is not a valid key") }
    static func malformedMessage(_ detail: String) -> Self { Self(.malformedMessage, "malformed message: \(detail)") }
    static func unknownVersion(_ version: UInt8) -> Self { Self(.unknownVersion, "unknown format version \(version)") }
    static let badMAC = Self(.badMAC, "the message's MAC does not match: it was altered or is for another session")
    static let badSignature = Self(.badSignature, "the signature does not verify")
    static func unknownMessageIndex(_ index: UInt32) -> Self {
        Self(.unknownMessageIndex, "message index \(index) is before the first index this session knows, or its key is gone")
    }
    static func messageGapTooLarge(_ gap: UInt64) -> Self { Self(.messageGapTooLarge, "message is \(gap) steps ahead of the ratchet; refused") }
    static func wrongSession(_ detail: String) -> Self { Self(.wrongSession, "message is for another session: \(detail)") }
    static let unknownOneTimeKey = Self(.unknownOneTimeKey, "the pre-key message names a one-time key this account does not hold (used already?)")
    static func missingSignature(_ detail: String) -> Self { Self(.missingSignature, "no signature: \(detail)") }
    static let badPickle = Self(.badPickle, "the stored state cannot be opened: wrong key, altered bytes or unknown format")

    // MARK: Checks a caller can make

    /// The MAC or signature did not match: the message was altered, or is for another session.
    public var isAuthenticationFailure: Bool { code == .badMAC || code == .badSignature }
    /// The message index is before the session's first known index (a key not shared with us).
    public var isUnknownMessageIndex: Bool { code == .unknownMessageIndex }
    /// Stored state could not be opened.
    public var isBadPickle: Bool { code == .badPickle }
}
