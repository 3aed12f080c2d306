import Foundation
import MatrixClient
import Testing

/// The relay keeps and hands on encryption keys as Synapse does, reading none of them.
@Suite("Relay keys")
struct RelayKeysTests {
    @Test func oneTimeKeysAreClaimedOldestFirstThenTheFallbackKey() async throws {
        try await RelayHarness.with { relay in
            let alice = try await relay.user("alice"), bob = try await relay.user("bob")
            let device = try #require(try await alice.client.whoamiWithDevice().deviceID)
            let counts = try await alice.client.uploadKeys([
                "device_keys": ["user_id": .string(alice.id), "device_id": .string(device), "keys": ["ed25519:\(device)": "pub"]],
                "one_time_keys": ["signed_curve25519:AAAB": ["key": "second"], "signed_curve25519:AAAA": ["key": "first"]],
                "fallback_keys": ["signed_curve25519:AAAC": ["key": "fallback", "fallback": true]],
            ])
            #expect(counts == ["signed_curve25519": 2])
            let conflicting = try await relay.call("POST", "/_matrix/client/v3/keys/upload", token: alice.token,
                                                   json: ["one_time_keys": ["signed_curve25519:AAAA": ["key": "other"]]])
            #expect(conflicting.status == 400, "a key id is never given another key")
            var claimed: [String] = []
            for _ in 0..<4 {
                let answer = try await bob.client.claimKeys([(alice.id, device)])
                claimed.append(answer[alice.id]?[device]?.object?.values.first?["key"]?.string ?? "none")
            }
            #expect(claimed == ["first", "second", "fallback", "fallback"])
            let sync = try await alice.client.sync(since: nil, filter: nil, timeout: .zero, userID: alice.id)
            #expect(sync.oneTimeKeyCounts == ["signed_curve25519": 0])
            #expect(sync.unusedFallbackKeyTypes == [], "the claimed fallback key is no longer unused")
        }
    }

    @Test func devicesAndCrossSigningKeysAreShownWithTheirSignatures() async throws {
        try await RelayHarness.with { relay in
            let alice = try await relay.user("alice"), bob = try await relay.user("bob")
            let device = try #require(try await alice.client.whoamiWithDevice().deviceID)
            let deviceKeys: JSONValue = ["user_id": .string(alice.id), "device_id": .string(device), "keys": ["ed25519:\(device)": "pub"]]
            _ = try await alice.client.uploadKeys(["device_keys": deviceKeys])
            let refused = try await relay.call("POST", "/_matrix/client/v3/keys/upload", token: bob.token, json: ["device_keys": deviceKeys])
            #expect(refused.status == 400, "a device publishes only its own keys")
            try await alice.client.uploadCrossSigningKeys([
                "master_key": ["user_id": .string(alice.id), "usage": ["master"], "keys": ["ed25519:M": "M"]],
                "self_signing_key": ["user_id": .string(alice.id), "usage": ["self_signing"], "keys": ["ed25519:S": "S"]],
                "user_signing_key": ["user_id": .string(alice.id), "usage": ["user_signing"], "keys": ["ed25519:U": "U"]],
            ], userID: alice.id)
            try await alice.client.uploadSignatures(.object([alice.id: .object([device: ["signatures": .object([alice.id: ["ed25519:S": "sig"]])]])]))
            await #expect(throws: MatrixError.self, "another user's device is not Bob's to sign") {
                try await bob.client.uploadSignatures(.object([alice.id: .object([device: ["signatures": .object([bob.id: ["ed25519:B": "sig"]])]])]))
            }
            await #expect(throws: MatrixError.self, "nor is Alice's self-signing key") {
                try await bob.client.uploadSignatures(.object([alice.id: ["S": ["signatures": .object([bob.id: ["ed25519:B": "sig"]])]]]))
            }
            // Bob vouches for Alice's master key; a signature he claims is Alice's is left out.
            try await bob.client.uploadSignatures(.object([alice.id: ["M": ["signatures": .object([
                bob.id: ["ed25519:BU": "bob's"], alice.id: ["ed25519:M": "forged"],
            ])]]]))
            _ = try await alice.client.uploadKeys(["device_keys": deviceKeys])

            let seenByBob = try await bob.client.queryKeys([alice.id])
            #expect(seenByBob["device_keys"]?[alice.id]?[device]?["signatures"]?[alice.id]?["ed25519:S"]?.string == "sig",
                    "the self-signing signature survives the device publishing its keys again")
            #expect(seenByBob["master_keys"]?[alice.id]?["keys"]?["ed25519:M"]?.string == "M")
            #expect(seenByBob["master_keys"]?[alice.id]?["signatures"]?[bob.id]?["ed25519:BU"]?.string == "bob's")
            #expect(seenByBob["master_keys"]?[alice.id]?["signatures"]?[alice.id] == nil, "no one signs in another's name")
            #expect(seenByBob["self_signing_keys"]?[alice.id]?["signatures"]?[bob.id] == nil)
            #expect(seenByBob["user_signing_keys"]?[alice.id] == nil, "the user-signing key is shown only to its owner")
            #expect(try await alice.client.queryKeys([alice.id])["user_signing_keys"]?[alice.id] != nil)
        }
    }
}
