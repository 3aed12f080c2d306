@testable import MatrixCrypto
import Testing

@Suite struct SignedJSONTests {
    /// The seed, server name and key id of the specification's appendix "Signing JSON" test vectors.
    let key = try! Ed25519KeyPair(seed: UnpaddedBase64.decode("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1"))

    @Test func specificationVectorForAnEmptyObject() throws {
        let signed = CanonicalJSON.object([:]).signed(by: key, userID: "domain", keyID: "1")
        #expect(signed["signatures"]?["domain"]?["ed25519:1"]?.string
            == "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ")
        try signed.verifySignature(of: "domain", keyID: "1", with: key.publicKey)
    }

    @Test func specificationVectorWithDataValues() throws {
        let signed = (["one": 1, "two": "Two"] as CanonicalJSON).signed(by: key, userID: "domain", keyID: "1")
        #expect(signed["signatures"]?["domain"]?["ed25519:1"]?.string
            == "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw")
    }

    @Test func unsignedAndOtherSignaturesAreOutsideTheSignature() throws {
        let other = Ed25519KeyPair()
        var signed = (["a": 1] as CanonicalJSON).signed(by: key, userID: "@a:x", keyID: "DEV")
        signed = signed.signed(by: other, userID: "@b:x", keyID: "OTHER")
        signed["unsigned"] = ["age": 5]
        try signed.verifySignature(of: "@a:x", keyID: "DEV", with: key.publicKey)
        try signed.verifySignature(of: "@b:x", keyID: "OTHER", with: other.publicKey)
    }

    @Test func aChangedValueOrWrongKeyIsRefused() throws {
        var signed = (["a": 1] as CanonicalJSON).signed(by: key, userID: "@a:x", keyID: "DEV")
        #expect(throws: MatrixCryptoError.badSignature) {
            try signed.verifySignature(of: "@a:x", keyID: "DEV", with: Ed25519KeyPair().publicKey)
        }
        #expect(throws: MatrixCryptoError.self) { try signed.verifySignature(of: "@a:x", keyID: "NONE", with: key.publicKey) }
        signed["a"] = 2
        #expect(throws: MatrixCryptoError.badSignature) { try signed.verifySignature(of: "@a:x", keyID: "DEV", with: key.publicKey) }
    }

    @Test func unpaddedBase64RoundTripsAndRefusesGarbage() throws {
        for length in 0 ..< 8 {
            let bytes = (0 ..< length).map { UInt8($0 * 37 & 0xFF) }
            let text = UnpaddedBase64.encode(bytes)
            #expect(!text.contains("="))
            #expect(try UnpaddedBase64.decode(text) == bytes)
        }
        #expect(throws: MatrixCryptoError.self) { try UnpaddedBase64.decode("A") }
        #expect(throws: MatrixCryptoError.self) { try UnpaddedBase64.decode("AB$C") }
    }
}
