import Foundation
import GRDB

/// The bot's end-to-end encryption identity as stored: pickles, which the caller encrypts with
/// the store key before they reach this table.
public struct EncryptionIdentityRecord: Sendable, Equatable {
    public var deviceID: String
    /// The pickled Olm account: identity and signing keys, one-time and fallback keys.
    public var account: [UInt8]
    /// The pickled cross-signing private keys.
    public var crossSigning: [UInt8]
    /// Whether the server has the cross-signing keys and the device's signature by them.
    public var crossSigningPublished: Bool

    public init(deviceID: String, account: [UInt8], crossSigning: [UInt8], crossSigningPublished: Bool) {
        self.deviceID = deviceID
        self.account = account
        self.crossSigning = crossSigning
        self.crossSigningPublished = crossSigningPublished
    }
}

extension BotDatabase {
    /// The identity of `deviceID`, if the bot ever made one for it.
    public func encryptionIdentity(deviceID: String) throws -> EncryptionIdentityRecord? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT account, cross_signing, cross_signing_published FROM encryption_identity WHERE device_id = ?",
                             arguments: [deviceID])
                .map { EncryptionIdentityRecord(deviceID: deviceID, account: [UInt8]($0["account"] as Data),
                                                crossSigning: [UInt8]($0["cross_signing"] as Data), crossSigningPublished: $0["cross_signing_published"]) }
        }
    }

    /// Devices with an identity other than `deviceID`: an access token of another device would
    /// start a new identity, which the operator should know of.
    public func otherEncryptionDevices(than deviceID: String) throws -> [String] {
        try writer.read { db in
            try String.fetchAll(db, sql: "SELECT device_id FROM encryption_identity WHERE device_id != ?", arguments: [deviceID])
        }
    }

    /// Saves the identity whole, before anything made from it is published: a key the server
    /// hands out is never one the bot has lost.
    public func saveEncryptionIdentity(_ record: EncryptionIdentityRecord) throws {
        try writer.write { db in
            try db.execute(sql: """
                INSERT INTO encryption_identity (device_id, account, cross_signing, cross_signing_published) VALUES (?, ?, ?, ?)
                ON CONFLICT(device_id) DO UPDATE SET account = excluded.account, cross_signing = excluded.cross_signing,
                    cross_signing_published = excluded.cross_signing_published
                """, arguments: [record.deviceID, Data(record.account), Data(record.crossSigning), record.crossSigningPublished])
        }
    }
}
