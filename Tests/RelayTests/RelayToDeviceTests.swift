import Foundation
import MatrixClient
import Testing

/// The relay carries encryption's messages between devices as Synapse does: to-device messages
/// kept until the device acknowledges them, and news of room-mates' key changes.
@Suite("Relay to-device")
struct RelayToDeviceTests {
    let v3 = "/_matrix/client/v3"

    @Test func aMessageReachesTheNamedDeviceOnlyAndAStarReachesEvery() async throws {
        try await RelayHarness.with { relay in
            let alice = try await relay.user("alice"), bob = try await relay.user("bob")
            let phone = try await relay.login("bob"), laptop = try await relay.login("bob")
            let first = try await send(relay, from: alice.token, txn: "1", [bob.id: [phone.device: ["n": 1]]])
            #expect(first.status == 200 && first.json == [:])
            _ = try await send(relay, from: alice.token, txn: "2", [bob.id: ["*": ["n": 2]], "@nobody:localhost": ["*": ["n": 3]]])
            _ = try await send(relay, from: alice.token, txn: "3", [bob.id: ["NOSUCHDEVICE": ["n": 4]]])

            let onPhone = try await sync(relay, phone.token)
            #expect(onPhone.toDevice.map(\.content) == [["n": 1], ["n": 2]])
            #expect(onPhone.toDevice.first?.sender == alice.id && onPhone.toDevice.first?.type == "org.example.test")
            #expect(try await sync(relay, laptop.token).toDevice.map(\.content) == [["n": 2]], "not the phone's message")
            #expect(try await sync(relay, bob.token).toDevice.map(\.content) == [["n": 2]])
        }
    }

    /// The spec's acknowledgement: a client that lost a response syncs from the same token again.
    @Test func aMessageComesAgainUntilASyncFromALaterTokenAcknowledgesIt() async throws {
        try await RelayHarness.with { relay in
            let alice = try await relay.user("alice"), bob = try await relay.user("bob")
            let start = try await sync(relay, bob.token)
            _ = try await send(relay, from: alice.token, txn: "k", [bob.id: ["*": ["key": "secret"]]])
            let carried = try await sync(relay, bob.token, since: start.next)
            #expect(carried.toDevice.map(\.content) == [["key": "secret"]])
            #expect(try await sync(relay, bob.token, since: start.next).toDevice.map(\.content) == [["key": "secret"]], "retried")
            let after = try await sync(relay, bob.token, since: carried.next)
            #expect(after.toDevice.isEmpty)
            #expect(try await sync(relay, bob.token, since: start.next).toDevice.isEmpty, "acknowledged, so deleted")
        }
    }

    @Test func theSameTransactionTwiceIsOneSendAndABadBodyIsRefused() async throws {
        try await RelayHarness.with { relay in
            let alice = try await relay.user("alice"), bob = try await relay.user("bob")
            for (txn, n) in [("a", 1), ("a", 1), ("b", 2)] {
                #expect(try await send(relay, from: alice.token, txn: txn, [bob.id: ["*": ["n": .number(Double(n))]]]).status == 200)
            }
            #expect(try await sync(relay, bob.token).toDevice.map(\.content) == [["n": 1], ["n": 2]])

            let path = "\(v3)/sendToDevice/org.example.test/c"
            let notJSON = try await relay.call("PUT", path, token: alice.token, body: Data("{not json".utf8))
            #expect(notJSON.status == 400 && notJSON.json["errcode"]?.string == "M_NOT_JSON")
            for body: JSONValue in [[:], ["messages": [bob.id: "text"]], ["messages": .object([bob.id: ["*": [1, 2]]])]] {
                let bad = try await relay.call("PUT", path, token: alice.token, json: body)
                #expect(bad.status == 400 && bad.json["errcode"]?.string == "M_BAD_JSON", "\(body)")
            }
        }
    }

    @Test func aMessageEndsItsDevicesLongPoll() async throws {
        try await RelayHarness.with { relay in
            let alice = try await relay.user("alice"), bob = try await relay.user("bob")
            let start = try await sync(relay, bob.token)
            // The poll would last a minute; the request gives up well before, so only a wake answers it.
            let waiting = Task { try await relay.call("GET", "\(v3)/sync?since=\(start.next)&timeout=60000", token: bob.token, timeout: 30).json }
            try await Task.sleep(for: .milliseconds(200))
            _ = try await send(relay, from: alice.token, txn: "wake", [bob.id: ["*": ["hello": "bob"]]])
            let woke = try await waiting.value
            #expect(woke["to_device"]?["events"]?.array?.first?["content"] == ["hello": "bob"])
        }
    }

    @Test func aRoomMatesKeyUploadIsAChangedDeviceListAndAStrangersIsNot() async throws {
        try await RelayHarness.with { relay in
            let alice = try await relay.user("alice"), bob = try await relay.user("bob"), carol = try await relay.user("carol")
            let room = try await alice.client.createRoom(["preset": "public_chat"])
            try await bob.client.join(room)
            let start = try await sync(relay, bob.token)
            #expect(start.changed.isEmpty, "an initial sync says nothing changed")
            for person in [alice, carol] {
                let device = try #require(try await person.client.whoamiWithDevice().deviceID)
                _ = try await person.client.uploadKeys(["device_keys": ["user_id": .string(person.id), "device_id": .string(device), "keys": ["ed25519:\(device)": "pub"]]])
            }
            let changed = try await sync(relay, bob.token, since: start.next)
            #expect(changed.changed == [alice.id])
            #expect(try await sync(relay, bob.token, since: changed.next).changed.isEmpty, "told once")
        }
    }

    // MARK: - Helpers

    private func send(_ relay: RelayHarness, from token: String, txn: String, _ messages: [String: [String: JSONValue]]) async throws -> RelayHarness.Answer {
        try await relay.call("PUT", "\(v3)/sendToDevice/org.example.test/\(txn)", token: token,
                             json: ["messages": .object(messages.mapValues(JSONValue.object))])
    }

    /// One sync that does not wait, read from its raw JSON.
    private func sync(_ relay: RelayHarness, _ token: String, since: String? = nil) async throws
        -> (next: String, toDevice: [(type: String?, sender: String?, content: JSONValue)], changed: [String]) {
        let answer = try await relay.call("GET", "\(v3)/sync?timeout=0" + (since.map { "&since=\($0)" } ?? ""), token: token)
        guard answer.status == 200, let next = answer.json["next_batch"]?.string else { throw RelayTestFailure("sync failed: \(answer.json)") }
        let events = answer.json["to_device"]?["events"]?.array ?? []
        return (next, events.map { ($0["type"]?.string, $0["sender"]?.string, $0["content"] ?? .null) },
                (answer.json["device_lists"]?["changed"]?.array ?? []).compactMap(\.string))
    }
}
