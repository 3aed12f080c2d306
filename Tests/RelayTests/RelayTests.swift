import Foundation
import MatrixClient
import Testing

@Suite("Relay")
struct RelayTests {
    let v3 = "/_matrix/client/v3"

    @Test func registerLoginWhoami() async throws {
        try await RelayHarness.with { relay in
            let alice = try await relay.user("alice")
            #expect(alice.id == "@alice:localhost")
            #expect(try await alice.client.whoami() == "@alice:localhost")
            let again = try await relay.call("POST", "\(v3)/register", json: ["username": "alice", "password": "x"])
            #expect(again.status == 400 && again.json["errcode"]?.string == "M_USER_IN_USE")
            let login = try await relay.call("POST", "\(v3)/login", json: [
                "type": "m.login.password", "identifier": ["type": "m.id.user", "user": "alice"], "password": "pw",
            ])
            #expect(login.status == 200 && login.json["access_token"]?.string != nil)
            let wrong = try await relay.call("POST", "\(v3)/login", json: ["type": "m.login.password", "user": "alice", "password": "nope"])
            #expect(wrong.status == 403 && wrong.json["errcode"]?.string == "M_FORBIDDEN")
            let bad = try await relay.call("POST", "\(v3)/register", json: ["username": "Bad Name!"])
            #expect(bad.json["errcode"]?.string == "M_INVALID_USERNAME")
        }
    }

    @Test func badRequestsGetMatrixErrorsAndNothingElseIsDisturbed() async throws {
        try await RelayHarness.with { relay in
            let alice = try await relay.user("alice")
            let room = try await alice.client.createRoom(["preset": "public_chat"])
            let cases: [(RelayHarness.Answer, Int, String)] = [
                (try await relay.call("GET", "\(v3)/account/whoami"), 401, "M_MISSING_TOKEN"),
                (try await relay.call("GET", "\(v3)/account/whoami", token: "wrong"), 401, "M_UNKNOWN_TOKEN"),
                (try await relay.call("GET", "\(v3)/no/such/endpoint", token: alice.token), 404, "M_UNRECOGNIZED"),
                (try await relay.call("DELETE", "\(v3)/sync", token: alice.token), 405, "M_UNRECOGNIZED"),
                (try await relay.call("POST", "\(v3)/createRoom", token: alice.token, body: Data("{not json".utf8)), 400, "M_NOT_JSON"),
                (try await relay.call("PUT", "\(v3)/rooms/\(room)/send/m.room.message/t1", token: alice.token, body: Data("[1,2]".utf8)), 400, "M_BAD_JSON"),
                (try await relay.call("PUT", "\(v3)/rooms/\(room)/send/m.room.message/t2", token: alice.token,
                                      body: Data(("{\"body\":\"" + String(repeating: "a", count: 70_000) + "\"}").utf8)), 413, "M_TOO_LARGE"),
                (try await relay.call("POST", "\(v3)/join/%23nowhere%3Alocalhost", token: alice.token, json: [:]), 404, "M_NOT_FOUND"),
                (try await relay.call("GET", "\(v3)/rooms/\(room)/messages?from=garbage", token: alice.token), 400, "M_INVALID_PARAM"),
            ]
            for (answer, status, errcode) in cases {
                #expect(answer.status == status && answer.json["errcode"]?.string == errcode, "\(answer.json)")
                #expect(answer.json["error"]?.string?.isEmpty == false)
            }
            // A client that gives up on a long poll disturbs nothing.
            _ = try? await relay.call("GET", "\(v3)/sync?timeout=2000&since=s999", token: alice.token, timeout: 0.2)
            let eventID = try await alice.client.send(roomID: room, transactionID: "after", content: ["msgtype": "m.text", "body": "still here"])
            #expect(eventID.hasPrefix("$"))
        }
    }

    @Test func strangersCannotReadOrWriteARoom() async throws {
        try await RelayHarness.with { relay in
            let alice = try await relay.user("alice"), mallory = try await relay.user("mallory")
            let room = try await alice.client.createRoom(["preset": "private_chat"])
            let join = try await relay.call("POST", "\(v3)/join/\(room)", token: mallory.token, json: [:])
            #expect(join.status == 403 && join.json["errcode"]?.string == "M_FORBIDDEN")
            let send = try await relay.call("PUT", "\(v3)/rooms/\(room)/send/m.room.message/x", token: mallory.token, json: ["body": "hi"])
            #expect(send.status == 403)
            let read = try await relay.call("GET", "\(v3)/rooms/\(room)/messages", token: mallory.token)
            #expect(read.status == 403)

            let community = try await alice.client.createRoom(["preset": "public_chat"])
            try await mallory.client.join(community)
            let takeover = try await relay.call("PUT", "\(v3)/rooms/\(community)/state/m.room.power_levels/", token: mallory.token,
                                                json: ["users": .object([mallory.id: 100])])
            #expect(takeover.status == 403, "a member without power cannot change the room")
            let kick = try await relay.call("PUT", "\(v3)/rooms/\(community)/state/m.room.member/\(alice.id)", token: mallory.token,
                                            json: ["membership": "leave"])
            #expect(kick.status == 403)
            let rename = try await relay.call("PUT", "\(v3)/rooms/\(community)/state/m.room.name/", token: alice.token, json: ["name": "Ours"])
            #expect(rename.status == 200, "the creator can")
        }
    }

    /// `GET /rooms/{roomId}/event/{eventId}` answers as Synapse does.
    @Test func oneEventIsReadByIdWithSynapsesErrors() async throws {
        try await RelayHarness.with { relay in
            let alice = try await relay.user("alice"), mallory = try await relay.user("mallory")
            let room = try await alice.client.createRoom(["preset": "private_chat"])
            let eventID = try await alice.client.send(roomID: room, transactionID: "t1", content: ["msgtype": "m.text", "body": "hello"])
            let event = try await alice.client.event(roomID: room, eventID: eventID)
            #expect(event.eventID == eventID && event.body == "hello" && event.sender == alice.id)
            let unknown = try await relay.call("GET", "\(v3)/rooms/\(room)/event/$nothing", token: alice.token)
            #expect(unknown.status == 404 && unknown.json["errcode"]?.string == "M_NOT_FOUND" && unknown.json["error"]?.string == "Event not found.")
            let elsewhere = try await alice.client.createRoom(["preset": "private_chat"])
            let wrongRoom = try await relay.call("GET", "\(v3)/rooms/\(elsewhere)/event/\(eventID)", token: alice.token)
            #expect(wrongRoom.status == 404, "an event is found only in its own room")
            let stranger = try await relay.call("GET", "\(v3)/rooms/\(room)/event/\(eventID)", token: mallory.token)
            #expect(stranger.status == 404 && stranger.json["errcode"]?.string == "M_NOT_FOUND", "whether it exists is not told")
            let unknownRoom = try await relay.call("GET", "\(v3)/rooms/!nowhere:localhost/event/\(eventID)", token: alice.token)
            #expect(unknownRoom.status == 404)
        }
    }

    @Test func logoutEndsTheSession() async throws {
        try await RelayHarness.with { relay in
            let alice = try await relay.user("alice")
            #expect(try await relay.call("POST", "\(v3)/logout", token: alice.token, json: [:]).status == 200)
            #expect(try await relay.call("GET", "\(v3)/account/whoami", token: alice.token).json["errcode"]?.string == "M_UNKNOWN_TOKEN")
        }
    }

    @Test func sendIsDeduplicatedByTransactionID() async throws {
        try await RelayHarness.with { relay in
            let alice = try await relay.user("alice")
            let room = try await alice.client.createRoom(["preset": "public_chat"])
            let first = try await alice.client.send(roomID: room, transactionID: "same", content: ["msgtype": "m.text", "body": "once"])
            let second = try await alice.client.send(roomID: room, transactionID: "same", content: ["msgtype": "m.text", "body": "once"])
            #expect(first == second)
            let history = try await alice.client.messages(roomID: room, from: nil, to: nil, limit: 100)
            #expect(history.events.filter { $0.type == "m.room.message" }.count == 1)
        }
    }

    @Test func directChatsAliasesInvitesAndMembers() async throws {
        try await RelayHarness.with { relay in
            let alice = try await relay.user("alice"), bot = try await relay.user("bot")
            let community = try await alice.client.createRoom(["preset": "public_chat", "room_alias_name": "community", "name": "Community"])
            #expect(try await bot.client.resolveAlias("#community:localhost") == community)
            #expect(try await bot.client.join("#community:localhost") == community)
            let taken = try await relay.call("POST", "\(v3)/createRoom", token: alice.token, json: ["room_alias_name": "community"])
            #expect(taken.json["errcode"]?.string == "M_ROOM_IN_USE")
            let direct = try await alice.client.createRoom(["preset": "trusted_private_chat", "is_direct": true, "invite": [.string(bot.id)]])
            let sync = try await bot.client.sync(since: nil, filter: nil, timeout: .zero, userID: bot.id)
            let invite = try #require(sync.invitedRooms.first { $0.roomID == direct })
            #expect(invite.isDirect && invite.inviter == alice.id)
            try await bot.client.join(direct)
            #expect(Set(try await alice.client.joinedMembers(roomID: direct).keys) == [alice.id, bot.id])
            let powers = try await relay.call("GET", "\(v3)/rooms/\(community)/state/m.room.power_levels/", token: alice.token)
            #expect(powers.json["users"]?[alice.id]?.int == 100)
            let joined = try await relay.call("GET", "\(v3)/joined_rooms", token: bot.token)
            #expect(Set(joined.json["joined_rooms"]?.array?.compactMap(\.string) ?? []) == [community, direct])
            try await bot.client.setTyping(true, userID: bot.id, roomID: direct)
            try await bot.client.sendReadReceipt(roomID: direct, eventID: "$any")
        }
    }

    @Test func longPollWakesOnANewEvent() async throws {
        try await RelayHarness.with { relay in
            let alice = try await relay.user("alice"), bob = try await relay.user("bob")
            let room = try await alice.client.createRoom(["preset": "public_chat"])
            try await bob.client.join(room)
            let start = try await bob.client.sync(since: nil, filter: nil, timeout: .zero, userID: bob.id)
            async let waiting = bob.client.sync(since: start.nextBatch, filter: nil, timeout: .seconds(20), userID: bob.id)
            try await Task.sleep(for: .milliseconds(200))
            let sent = ContinuousClock.now
            let id = try await alice.client.send(roomID: room, transactionID: "t", content: ["msgtype": "m.text", "body": "hello"])
            let woke = try await waiting
            #expect(ContinuousClock.now - sent < .seconds(5), "the long poll answered when the event came, not at its timeout")
            #expect(woke.joinedRooms.first?.events.map(\.eventID) == [id])
        }
    }

    @Test func aLongPollFilteredBySenderWaitsThroughWhatItLeavesOut() async throws {
        try await RelayHarness.with { relay in
            let alice = try await relay.user("alice"), bob = try await relay.user("bob")
            let room = try await alice.client.createRoom(["preset": "public_chat"])
            try await bob.client.join(room)
            let filter = #"{"room":{"timeline":{"not_senders":["\#(bob.id)"],"types":["m.room.message"]}}}"#
            let start = try await bob.client.sync(since: nil, filter: filter, timeout: .zero, userID: bob.id)
            async let waiting = bob.client.sync(since: start.nextBatch, filter: filter, timeout: .seconds(20), userID: bob.id)
            try await Task.sleep(for: .milliseconds(200))
            _ = try await bob.client.send(roomID: room, transactionID: "own", content: ["msgtype": "m.text", "body": "my own words"])
            try await Task.sleep(for: .milliseconds(300))
            let id = try await alice.client.send(roomID: room, transactionID: "t", content: ["msgtype": "m.text", "body": "hello"])
            let woke = try await waiting
            #expect(woke.joinedRooms.flatMap(\.events).map(\.eventID) == [id], "only Alice's message; Bob's own did not end the poll")
        }
    }

    @Test func messagesLeaveOutWhatTheirFilterExcludes() async throws {
        try await RelayHarness.with { relay in
            let alice = try await relay.user("alice"), bob = try await relay.user("bob")
            let room = try await alice.client.createRoom(["preset": "public_chat"])
            try await bob.client.join(room)
            let hello = try await alice.client.send(roomID: room, transactionID: "a", content: ["msgtype": "m.text", "body": "hello"])
            for index in 0 ..< 3 {
                _ = try await bob.client.send(roomID: room, transactionID: "b\(index)", content: ["msgtype": "m.text", "body": .string("reply \(index)")])
            }
            _ = try await alice.client.send(roomID: room, eventType: "org.example.beacon", transactionID: "c", content: ["x": 1])
            let page = try await bob.client.messages(roomID: room, from: nil, to: nil, limit: 10,
                                                     filter: ["types": ["m.room.message"], "not_senders": [.string(bob.id)]])
            #expect(page.events.map(\.eventID) == [hello], "neither Bob's own messages nor another type")
        }
    }

    @Test func aLongPollSleepsThroughOtherRoomsAndWakesForAnInvite() async throws {
        try await RelayHarness.with { relay in
            let alice = try await relay.user("alice"), bob = try await relay.user("bob")
            let elsewhere = try await alice.client.createRoom(["preset": "private_chat"])
            let start = try await bob.client.sync(since: nil, filter: nil, timeout: .zero, userID: bob.id)
            let waiting = Task { try await bob.client.sync(since: start.nextBatch, filter: nil, timeout: .seconds(20), userID: bob.id) }
            for index in 0 ..< 5 {
                _ = try await alice.client.send(roomID: elsewhere, transactionID: "e\(index)", content: ["msgtype": "m.text", "body": "not for bob"])
            }
            try await Task.sleep(for: .milliseconds(300))
            let invited = ContinuousClock.now
            try await alice.client.invite(bob.id, to: elsewhere)
            let woke = try await waiting.value
            #expect(ContinuousClock.now - invited < .seconds(5), "the invite ended the poll, not its timeout")
            #expect(woke.invitedRooms.map(\.roomID) == [elsewhere] && woke.joinedRooms.isEmpty, "the invite alone: none of the room's messages")
        }
    }

    @Test func withoutADatabaseARoomKeepsItsNewestEventsAndAllItsState() async throws {
        try await RelayHarness.with(history: 5) { relay in
            let alice = try await relay.user("alice"), bob = try await relay.user("bob")
            let room = try await alice.client.createRoom(["preset": "public_chat", "name": "Kept"])
            var sent: [String] = []
            for index in 0 ..< 12 {
                sent.append(try await alice.client.send(roomID: room, transactionID: "m\(index)", content: ["msgtype": "m.text", "body": .string("\(index)")]))
            }
            let resent = try await alice.client.send(roomID: room, transactionID: "m11", content: ["msgtype": "m.text", "body": "11"])
            #expect(resent == sent[11], "a recent transaction id is still the same event")
            try await bob.client.join(room)
            let history = try await bob.client.messages(roomID: room, from: nil, to: nil, limit: 100)
            #expect(history.events.count == 5, "five events kept: bob's join and the newest four messages")
            #expect(history.events.compactMap { $0.content["body"]?.string } == ["11", "10", "9", "8"])
            let state = try await relay.call("GET", "\(v3)/rooms/\(room)/state", token: bob.token)
            let types = Set(state.json.array?.compactMap { $0["type"]?.string } ?? [])
            #expect(types.isSuperset(of: ["m.room.create", "m.room.name", "m.room.power_levels", "m.room.member"]), "state older than the window is kept")
            let first = try await bob.client.sync(since: nil, filter: nil, timeout: .zero, userID: bob.id)
            #expect(first.joinedRooms.first?.events.count == 5)
            #expect(first.joinedRooms.first?.limited == true, "older events were dropped: the timeline says it is cut")
        }
    }

    @Test func aCappedTimelineSaysLimitedAndMessagesFillsTheGap() async throws {
        try await RelayHarness.with { relay in
            let alice = try await relay.user("alice"), bob = try await relay.user("bob")
            let room = try await alice.client.createRoom(["preset": "public_chat"])
            try await bob.client.join(room)
            let start = try await bob.client.sync(since: nil, filter: nil, timeout: .zero, userID: bob.id)
            var sent: [String] = []
            for index in 0..<25 {
                sent.append(try await alice.client.send(roomID: room, transactionID: "m\(index)", content: ["msgtype": "m.text", "body": .string("\(index)")]))
            }
            let sync = try await bob.client.sync(since: start.nextBatch, filter: #"{"room":{"timeline":{"limit":10}}}"#, timeout: .zero, userID: bob.id)
            let timeline = try #require(sync.joinedRooms.first)
            #expect(timeline.limited && timeline.events.map(\.eventID) == Array(sent.suffix(10)))
            var missing: [String] = []
            var from = timeline.previousBatch
            while let token = from {
                let page = try await bob.client.messages(roomID: room, from: token, to: start.nextBatch, limit: 4)
                missing += page.events.map(\.eventID)
                from = page.end
            }
            #expect(missing.reversed() == Array(sent.prefix(15)), "back-fill returns exactly the gap")
        }
    }

    @Test func rateLimitSaysHowLongToWait() async throws {
        try await RelayHarness.with(sendsPerSecond: 2) { relay in
            let alice = try await relay.user("alice")
            let room = try await alice.client.createRoom(["preset": "public_chat"])
            var limited: RelayHarness.Answer?
            for index in 0..<10 where limited == nil {
                let answer = try await relay.call("PUT", "\(v3)/rooms/\(room)/send/m.room.message/r\(index)", token: alice.token, json: ["body": "x"])
                if answer.status == 429 { limited = answer }
            }
            let answer = try #require(limited)
            #expect(answer.json["errcode"]?.string == "M_LIMIT_EXCEEDED")
            #expect((answer.json["retry_after_ms"]?.int ?? 0) > 0)
            // The bot's client waits and gets through.
            let eventID = try await alice.client.send(roomID: room, transactionID: "patient", content: ["msgtype": "m.text", "body": "x"])
            #expect(eventID.hasPrefix("$"))
        }
    }

    @Test func withADatabaseOlderEventsAreReadFromItAndRedactedThere() async throws {
        try await withRelayDatabase { database in
            var saved: (token: String, room: String, sent: [String])?
            try await RelayHarness.with(database: database, history: 4) { relay in
                let alice = try await relay.user("alice")
                let room = try await alice.client.createRoom(["preset": "public_chat", "name": "Old name"])
                var sent: [String] = []
                for index in 0 ..< 12 {
                    sent.append(try await alice.client.send(roomID: room, transactionID: "m\(index)", content: ["msgtype": "m.text", "body": .string("\(index)")]))
                }
                let all: [String?] = (0 ..< 12).reversed().map { String($0) }
                #expect(try await Self.bodies(alice.client, room) == all, "all twelve: four from memory, then the rest from the file")
                let forwards = try await relay.call("GET", "\(v3)/rooms/\(room)/messages?dir=f&from=s0&limit=3", token: alice.token)
                #expect(forwards.json["chunk"]?.array?.compactMap { $0["type"]?.string } == ["m.room.create", "m.room.member", "m.room.power_levels"],
                        "forwards from the start, from the file: the room's first events")
                let names = try await alice.client.messages(roomID: room, from: nil, to: nil, limit: 5, filter: ["types": ["m.room.name"]])
                #expect(names.events.map(\.type) == ["m.room.name"], "a filter applies to what the file holds too")
                let old = try await relay.call("GET", "\(v3)/rooms/\(room)/event/\(sent[1])", token: alice.token)
                #expect(old.status == 200 && old.json["content"]?["body"]?.string == "1", "an event older than memory is found by id")
                _ = try await alice.client.redact(roomID: room, eventID: sent[2], transactionID: "r")
                let nameEvent = try #require(names.events.first?.eventID)
                _ = try await alice.client.redact(roomID: room, eventID: nameEvent, transactionID: "r-name")
                let name = try await relay.call("GET", "\(v3)/rooms/\(room)/state/m.room.name", token: alice.token)
                #expect(name.json == [:], "a state event older than the timeline in memory is redacted in the room's state too")
                saved = (alice.token, room, sent)
            }
            let (token, room, sent) = try #require(saved)
            try await RelayHarness.with(database: database, history: 4) { relay in
                let alice = MatrixClient(homeserver: relay.url, accessToken: token, logger: .init(label: "alice"))
                let bodies = try await Self.bodies(alice, room)
                let expected: [String?] = (0 ..< 12).reversed().map { $0 == 2 ? nil : String($0) }
                #expect(bodies == expected, "after a restart, the redaction holds on disk")
                #expect(try await alice.send(roomID: room, transactionID: "m0", content: ["msgtype": "m.text", "body": "0"]) == sent[0],
                        "after a restart, a day-old send's transaction id is still the same event")
            }
        }
    }

    /// The bodies of a room's messages, newest first, read back two at a time.
    private static func bodies(_ client: MatrixClient, _ room: String) async throws -> [String?] {
        var bodies: [String?] = [], from: String?
        repeat {
            let page = try await client.messages(roomID: room, from: from, to: nil, limit: 2)
            bodies += page.events.filter { $0.type == "m.room.message" }.map(\.body)
            from = page.end
        } while from != nil
        return bodies
    }

    @Test func aDatabaseKeepsAccountsRoomsAndHistoryAcrossRestarts() async throws {
        try await withRelayDatabase { database in
            var saved: (token: String, room: String, event: String)?
            try await RelayHarness.with(database: database) { relay in
                let alice = try await relay.user("alice")
                let room = try await alice.client.createRoom(["preset": "public_chat", "room_alias_name": "kept"])
                let event = try await alice.client.send(roomID: room, transactionID: "k", content: ["msgtype": "m.text", "body": "kept"])
                saved = (alice.token, room, event)
            }
            let (token, room, event) = try #require(saved)
            try await RelayHarness.with(database: database) { relay in
                let alice = MatrixClient(homeserver: relay.url, accessToken: token, logger: .init(label: "alice"))
                #expect(try await alice.whoami() == "@alice:localhost")
                #expect(try await alice.resolveAlias("#kept:localhost") == room)
                let history = try await alice.messages(roomID: room, from: nil, to: nil, limit: 50)
                #expect(history.events.contains { $0.eventID == event && $0.body == "kept" })
                #expect(try await alice.send(roomID: room, transactionID: "k", content: ["msgtype": "m.text", "body": "kept"]) == event,
                        "transaction ids are remembered too")
            }
        }
    }
}
