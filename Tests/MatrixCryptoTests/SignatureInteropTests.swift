@testable import MatrixCrypto
import Testing

/// Signatures made by each side verify on the other, over canonical JSON as Matrix signs it.
@Suite struct SignatureInteropTests {
    @Test func vodozemacVerifiesSwiftDeviceKeysAndOneTimeKeys() throws {
        let peer = try VodozemacPeer()
        var account = OlmAccount()
        account.generateOneTimeKeys(count: 2)
        account.generateFallbackKey()
        let deviceKeys = account.deviceKeys(userID: "@bot:example.org", deviceID: "BOTDEVICE")
        var signed = [deviceKeys] + account.signedOneTimeKeys(userID: "@bot:example.org", deviceID: "BOTDEVICE").values
        signed += account.signedFallbackKey(userID: "@bot:example.org", deviceID: "BOTDEVICE").values
        #expect(signed.count == 4)
        for object in signed {
            let signature = try #require(object["signatures"]?["@bot:example.org"]?["ed25519:BOTDEVICE"]?.string)
            let message = String(decoding: object.signingBytes, as: UTF8.self)
            let answer = try peer.call("verify", ["key": account.signingKey.base64, "message": message, "signature": signature])
            #expect(answer["valid"] as? Bool == true)
            let tampered = try peer.call("verify", ["key": account.signingKey.base64, "message": message + " ", "signature": signature])
            #expect(tampered["valid"] as? Bool == false)
        }
    }

    @Test func vodozemacVerifiesCrossSigningSignatures() throws {
        let peer = try VodozemacPeer()
        let keys = CrossSigningKeys()
        let userID = "@bot:example.org"
        let device = keys.signDevice(OlmAccount().deviceKeys(userID: userID, deviceID: "BOT"), userID: userID)
        let checks: [(CanonicalJSON, Ed25519PublicKey)] = [
            (device, keys.publicKey(.selfSigning)),
            (keys.keyJSON(.selfSigning, userID: userID), keys.publicKey(.master)),
            (keys.keyJSON(.userSigning, userID: userID), keys.publicKey(.master)),
        ]
        for (object, signer) in checks {
            let signature = try #require(object["signatures"]?[userID]?["ed25519:\(signer.base64)"]?.string)
            let message = String(decoding: object.signingBytes, as: UTF8.self)
            #expect(try peer.call("verify", ["key": signer.base64, "message": message, "signature": signature])["valid"] as? Bool == true)
        }
    }

    @Test func swiftVerifiesVodozemacSignedJSON() throws {
        let peer = try VodozemacPeer()
        let keys = try peer.call("account_new", ["account": "peer"])
        let signingKey = try Ed25519PublicKey(base64: keys["ed25519"] as! String)
        var object: CanonicalJSON = [
            "user_id": "@patient:example.org", "device_id": "PHONE", "algorithms": ["m.olm.v1.curve25519-aes-sha2"],
            "keys": ["ed25519:PHONE": .string(signingKey.base64)], "unsigned": ["device_display_name": "phone"],
        ]
        let message = String(decoding: object.signingBytes, as: UTF8.self)
        let signature = try peer.string("account_sign", ["account": "peer", "message": message], "signature")
        object["signatures"] = ["@patient:example.org": ["ed25519:PHONE": .string(signature)]]
        try object.verifySignature(of: "@patient:example.org", keyID: "PHONE", with: signingKey)
        object["device_id"] = "OTHER"
        #expect(throws: MatrixCryptoError.badSignature) {
            try object.verifySignature(of: "@patient:example.org", keyID: "PHONE", with: signingKey)
        }
    }
}
