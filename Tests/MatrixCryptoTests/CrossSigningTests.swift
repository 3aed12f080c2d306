@testable import MatrixCrypto
import Testing

@Suite struct CrossSigningTests {
    let keys = CrossSigningKeys()
    let userID = "@bot:example.org"

    @Test func keyJSONHasUsageKeysAndTheMasterSignature() throws {
        let master = keys.publicKey(.master)
        let masterJSON = keys.keyJSON(.master, userID: userID)
        #expect(masterJSON.canonicalText == #"{"keys":{"ed25519:\#(master.base64)":"\#(master.base64)"},"usage":["master"],"user_id":"@bot:example.org"}"#)
        for usage in [CrossSigningKeys.Usage.selfSigning, .userSigning] {
            let json = keys.keyJSON(usage, userID: userID)
            #expect(json["usage"] == [.string(usage.rawValue)])
            #expect(json["keys"]?["ed25519:\(keys.publicKey(usage).base64)"]?.string == keys.publicKey(usage).base64)
            try json.verifySignature(of: userID, keyID: master.base64, with: master)
        }
    }

    @Test func theSelfSigningKeySignsADeviceKeepingItsOwnSignature() throws {
        let account = OlmAccount()
        let device = keys.signDevice(account.deviceKeys(userID: userID, deviceID: "BOT"), userID: userID)
        try device.verifySignature(of: userID, keyID: "BOT", with: account.signingKey)
        let selfSigning = keys.publicKey(.selfSigning)
        try device.verifySignature(of: userID, keyID: selfSigning.base64, with: selfSigning)
        #expect(throws: MatrixCryptoError.self) { try device.verifySignature(of: userID, keyID: selfSigning.base64, with: keys.publicKey(.master)) }
    }

    @Test func theUserSigningKeySignsAnotherUsersMasterKey() throws {
        let theirs = CrossSigningKeys().keyJSON(.master, userID: "@patient:example.org")
        let signed = keys.signUser(masterKey: theirs, ourUserID: userID)
        let userSigning = keys.publicKey(.userSigning)
        try signed.verifySignature(of: userID, keyID: userSigning.base64, with: userSigning)
    }
}
