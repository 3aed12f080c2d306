import Foundation
import GRDB

/// The bot's end-to-end encryption identity as stored: pickles, which the caller encrypts with
/// the store key before they reach this table.
public struct EncryptionIdentityRecord: Sendable, Equatable {
    public var deviceID: String
    /// The pickled Olm account: identity and signing keys, one-time and fallback keys.
    public var account: [UInt8]
    /// The pickled cross-signing private keys (the same for every device of the bot).
    public var crossSigning: [UInt8]

    public init(deviceID: String, account: [UInt8], crossSigning: [UInt8]) {
        self.deviceID = deviceID
        self.account = account
        self.crossSigning = crossSigning
    }
}

extension BotDatabase {
    /// Every device's identity the bot ever made, `deviceID`'s first.
    public func encryptionIdentities(first deviceID: String) throws -> [EncryptionIdentityRecord] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT device_id, account, cross_signing FROM encryption_identity ORDER BY device_id != ?, device_id",
                             arguments: [deviceID])
                .map { EncryptionIdentityRecord(deviceID: $0["device_id"], account: [UInt8]($0["account"] as Data), crossSigning: [UInt8]($0["cross_signing"] as Data)) }
        }
    }

    /// Saves the identity whole, before anything made from it is published: a key the server
    /// hands out is never one the bot has lost.
    public func saveEncryptionIdentity(_ record: EncryptionIdentityRecord) throws {
        try writer.write { db in
            try db.execute(sql: """
                INSERT INTO encryption_identity (device_id, account, cross_signing) VALUES (?, ?, ?)
                ON CONFLICT(device_id) DO UPDATE SET account = excluded.account, cross_signing = excluded.cross_signing
                """, arguments: [record.deviceID, Data(record.account), Data(record.crossSigning)])
        }
    }
}
