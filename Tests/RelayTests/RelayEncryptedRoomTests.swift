import Foundation
import MatrixClient
import Testing

/// What a client that opens an encrypted direct chat needs of the relay, as Element X opens one:
/// the encryption in the room's first state, shown to the invitee, and the chat marked direct
/// in the user's account data.
@Suite("Relay encrypted rooms")
struct RelayEncryptedRoomTests {
    @Test func aRoomCreatedEncryptedSaysSoInItsStateAndItsInvite() async throws {
        try await RelayHarness.with { relay in
            let alice = try await relay.user("alice"), bob = try await relay.user("bob")
            let room = try await alice.client.createRoom([
                "preset": "trusted_private_chat", "is_direct": true, "invite": [.string(bob.id)],
                "initial_state": [["type": "m.room.encryption", "state_key": "", "content": ["algorithm": "m.megolm.v1.aes-sha2"]]],
            ])
            let state = try await relay.call("GET", "/_matrix/client/v3/rooms/\(room)/state/m.room.encryption", token: alice.token)
            #expect(state.json["algorithm"]?.string == "m.megolm.v1.aes-sha2")
            let invite = try await bob.client.sync(since: nil, filter: nil, timeout: .zero, userID: bob.id).invitedRooms.first
            #expect(invite?.isEncrypted == true && invite?.isDirect == true)

            let broken = try await relay.call("POST", "/_matrix/client/v3/createRoom", token: alice.token, json: ["initial_state": [["type": "m.room.topic"]]])
            #expect(broken.status == 400 && broken.json["errcode"]?.string == "M_BAD_JSON")
        }
    }

    @Test func accountDataIsTheUsersOwn() async throws {
        try await RelayHarness.with { relay in
            let alice = try await relay.user("alice"), bob = try await relay.user("bob")
            let path = "/_matrix/client/v3/user/\(alice.id)/account_data/m.direct"
            #expect(try await relay.call("GET", path, token: alice.token).status == 404)
            let direct: JSONValue = [.init(stringLiteral: bob.id): ["!chat:localhost"]]
            #expect(try await relay.call("PUT", path, token: alice.token, json: direct).status == 200)
            #expect(try await relay.call("GET", path, token: alice.token).json == direct)
            #expect(try await relay.call("GET", path, token: bob.token).status == 403, "no one reads another's account data")
            #expect(try await relay.call("PUT", path, token: bob.token, json: [:]).status == 403)
            let initial = try await relay.call("GET", "/_matrix/client/v3/sync", token: alice.token)
            #expect(initial.json["account_data"]?["events"]?.array?.first?["type"]?.string == "m.direct", "an initial sync brings it back")
        }
    }
}
