/// Signing JSON as the specification's "Signing JSON" section defines it.
extension CanonicalJSON {
    /// The bytes a signature covers: the object without `signatures` and `unsigned`, in canonical form.
    public var signingBytes: [UInt8] {
        var object = self
        object["signatures"] = nil
        object["unsigned"] = nil
        return Array(object.canonicalText.utf8)
    }

    /// This object with a signature added under `signatures.{userID}.{ed25519:keyID}`, keeping
    /// the signatures already there.
    public func signed(by key: Ed25519KeyPair, userID: String, keyID: String) -> CanonicalJSON {
        let signature = CanonicalJSON.string(UnpaddedBase64.encode(key.sign(signingBytes)))
        var signed = self
        var signatures = self["signatures"]?.object ?? [:]
        var userSignatures = signatures[userID]?.object ?? [:]
        userSignatures["ed25519:\(keyID)"] = signature
        signatures[userID] = .object(userSignatures)
        signed["signatures"] = .object(signatures)
        return signed
    }

    /// Throws unless the signature under `signatures.{userID}.{ed25519:keyID}` is `key`'s.
    public func verifySignature(of userID: String, keyID: String, with key: Ed25519PublicKey) throws(MatrixCryptoError) {
        guard let signature = self["signatures"]?[userID]?["ed25519:\(keyID)"]?.string else {
            throw .missingSignature("\(userID) ed25519:\(keyID)")
        }
        try key.verify(signatureBase64: signature, for: signingBytes)
    }
}
