/// The end-to-end encryption key endpoints: what a device publishes of itself, and what others
/// look up to talk to it.
extension MatrixClient {
    /// `/keys/upload` with `device_keys`, `one_time_keys` and `fallback_keys` (each may be
    /// missing); returns how many one-time keys of each algorithm the server holds.
    public func uploadKeys(_ body: JSONValue) async throws -> [String: Int] {
        let response = try await request(.post, ["keys", "upload"], body: body, endpoint: .keysUpload)
        return (response["one_time_key_counts"]?.object ?? [:]).compactMapValues(\.int)
    }

    /// `/keys/device_signing/upload`: the master, self-signing and user-signing keys. A server
    /// that wants interactive authentication first answers 401 (`MatrixError.authenticationSession`);
    /// with `password`, the upload is made again with the user's password for that session.
    public func uploadCrossSigningKeys(_ body: JSONValue, userID: String, password: String? = nil) async throws {
        do {
            _ = try await request(.post, ["keys", "device_signing", "upload"], body: body, retrying: false, endpoint: .crossSigningUpload)
        } catch let error as MatrixError where error.authenticationSession != nil && password != nil {
            guard case var .object(authenticated) = body, let password else { throw error }
            authenticated["auth"] = [
                "type": "m.login.password", "identifier": ["type": "m.id.user", "user": .string(userID)], "password": .string(password),
                "session": .string(error.authenticationSession ?? ""),
            ]
            _ = try await request(.post, ["keys", "device_signing", "upload"], body: .object(authenticated), retrying: false, endpoint: .crossSigningUpload)
        }
    }

    /// `/keys/signatures/upload`: signed key objects by user and key id. A signature the server
    /// refuses is named in `failures`: an error here.
    public func uploadSignatures(_ body: JSONValue) async throws {
        let response = try await request(.post, ["keys", "signatures", "upload"], body: body, endpoint: .signaturesUpload)
        if let failures = response["failures"]?.object, !failures.isEmpty {
            throw MatrixError.malformedResponse("signatures refused: \(String(decoding: JSONValue.object(failures).serialized(), as: UTF8.self))")
        }
    }

    /// `/keys/query` for every device of `userIDs`: the whole answer (device keys, master and
    /// self-signing keys by user).
    public func queryKeys(_ userIDs: [String]) async throws -> JSONValue {
        try await request(.post, ["keys", "query"], body: ["device_keys": .object(Dictionary(uniqueKeysWithValues: userIDs.map { ($0, .array([])) }))],
                          endpoint: .keysQuery)
    }

    /// `/keys/claim`: one key of `algorithm` for each device; the answer's `one_time_keys`.
    public func claimKeys(_ devices: [(userID: String, deviceID: String)], algorithm: String = "signed_curve25519") async throws -> JSONValue {
        var wanted: [String: JSONValue] = [:]
        for device in devices {
            var ofUser = wanted[device.userID]?.object ?? [:]
            ofUser[device.deviceID] = .string(algorithm)
            wanted[device.userID] = .object(ofUser)
        }
        let response = try await request(.post, ["keys", "claim"], body: ["one_time_keys": .object(wanted)], endpoint: .keysClaim)
        return response["one_time_keys"] ?? [:]
    }

    /// `/sendToDevice`: `content` by user and device, all of `eventType`. The same
    /// `transactionID` twice is one send: the homeserver de-duplicates.
    public func sendToDevice(eventType: String, transactionID: String, messages: [String: [String: JSONValue]]) async throws {
        let body: JSONValue = ["messages": .object(messages.mapValues { .object($0) })]
        _ = try await request(.put, ["sendToDevice", eventType, transactionID], body: body, endpoint: .sendToDevice)
    }
}
