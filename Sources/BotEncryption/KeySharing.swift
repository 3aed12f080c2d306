/// Which devices of a room's members get the keys to the bot's messages there.
public enum KeySharing: String, Sendable {
    /// Every device the members have: what most clients do today.
    case all
    /// Only devices their owner signed with their cross-signing keys (MSC4153, in the
    /// specification since v1.18): a device a server or thief added unseen reads nothing.
    case crossSigned = "cross_signed"
}
