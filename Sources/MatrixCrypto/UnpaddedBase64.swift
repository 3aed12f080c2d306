import Foundation

/// Base64 without `=` padding, the way Matrix writes keys, signatures and messages.
public enum UnpaddedBase64 {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.last == "=" { text.removeLast() }
        return text
    }

    /// Accepts padded input too, as some clients send it; a length of 1 mod 4 is never valid.
    public static func decode(_ text: String, what: String = "value") throws(MatrixCryptoError) -> [UInt8] {
        var padded = text
        while padded.last == "=" { padded.removeLast() }
        guard padded.utf8.count % 4 != 1 else { throw .invalidBase64(what) }
        padded += String(repeating: "=", count: (4 - padded.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: padded) else { throw .invalidBase64(what) }
        return [UInt8](data)
    }
}
