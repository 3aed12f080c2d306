import Escalations

/// How patients who need a person reach the ambassadors: who may claim, how long an open
/// escalation waits before it is posted again, and how much of the patient's words is shown.
public struct EscalationSettings: Sendable {
    /// Members of the ambassadors room with at least this power level may claim.
    public var claimPowerLevel = 50
    /// Ambassadors who may claim whatever their power level; when set, also those mentioned
    /// as on duty instead of every qualifying member of the room.
    public var ambassadors: [String] = []
    public var timers = EscalationTimers()
    /// How much of the patient's message the ambassadors' post quotes; 0 quotes nothing.
    public var excerptCharacters = 80
    /// The private rooms of claims, and the chats opened after a crisis said in public, are
    /// created end-to-end encrypted when the bot has an encryption device.
    public var encryptPrivateRooms = true

    public init() {}
}
