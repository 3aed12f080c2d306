import MatrixClient

/// Opens a private room under an alias derived from what it is for (a claim, a patient's chat
/// after a crisis said in public), or finds the one an earlier try made: a retried event never
/// makes a second room.
struct PrivateRoomOpener: Sendable {
    let client: MatrixClient
    /// Where the aliases live: the bot's own server.
    let serverName: String
    /// Create the rooms encrypted, when the client can encrypt (`escalation.encrypt_private_rooms`).
    let encrypted: Bool

    /// - Parameters:
    ///   - purpose: a word for the alias, such as `claim`.
    ///   - key: what makes this room the same on every retry, such as an event id.
    ///   - direct: a direct chat (`is_direct`) with the one person invited.
    ///   - name: the room's name, one for everyone in it. Without one, clients would show the
    ///     alias, which says nothing to a person.
    /// An existing room is returned with its people invited again: one may have left it.
    /// - Throws: `Encrypted` when the room is encrypted and the client cannot encrypt (some
    ///   servers encrypt every new private room): the bot never writes plaintext into it.
    func open(_ purpose: String, key: String, inviting users: [String], direct: Bool = false, name: String) async throws -> String {
        let alias = "supportbot-\(purpose)-\(StableDigest.of(key))"
        var body: [String: JSONValue] = [
            "preset": direct ? "trusted_private_chat" : "private_chat", "room_alias_name": .string(alias), "name": .string(name),
            "invite": .array(users.map(JSONValue.string)),
        ]
        if direct { body["is_direct"] = true }
        if encrypted, client.canEncrypt {
            body["initial_state"] = [["type": "m.room.encryption", "state_key": "", "content": ["algorithm": "m.megolm.v1.aes-sha2"]]]
        }
        let room: String
        do {
            room = try await client.createRoom(.object(body))
        } catch let error as MatrixError where error.errcode == "M_ROOM_IN_USE" {
            room = try await client.resolveAlias("#\(alias):\(serverName)")
            for user in users {
                do {
                    try await client.invite(user, to: room)
                } catch let error as MatrixError where error.status == 403 {
                    // Already in the room (the usual case), or banned from it: nothing more to do.
                }
            }
        }
        if !client.canEncrypt, try await client.roomState(roomID: room).contains(where: { $0.type == "m.room.encryption" }) { throw Encrypted(roomID: room) }
        return room
    }

    /// The room is end-to-end encrypted, so the bot does not write in it.
    struct Encrypted: Error, CustomStringConvertible {
        let roomID: String
        var description: String { "the homeserver made the private room encrypted, and the bot has no encryption device to write there with" }
    }
}
