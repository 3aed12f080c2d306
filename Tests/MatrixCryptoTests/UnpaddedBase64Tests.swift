import Foundation
@testable import MatrixCrypto
import Testing

/// Our base64 codec against Foundation's, which it replaced on the message path: the same bytes
/// for every valid text, and a refusal wherever Foundation refuses. Foundation also reads an `=`
/// inside the text ("4t=s"); we refuse it, as vodozemac does.
@Suite struct UnpaddedBase64Tests {
    @Test func encodesLikeFoundationWithoutPadding() {
        for length in 0 ... 100 {
            let bytes = (0 ..< length).map { UInt8(($0 * 37 + length) & 0xFF) }
            let foundation = Data(bytes).base64EncodedString().replacingOccurrences(of: "=", with: "")
            #expect(UnpaddedBase64.encode(bytes) == foundation)
            #expect((try? UnpaddedBase64.decode(foundation)) == bytes)
        }
    }

    @Test func decodesAndRefusesLikeFoundation() {
        var generator = SystemRandomNumberGenerator()
        let characters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_ .é")
        for _ in 0 ..< 20_000 {
            let length = Int.random(in: 0 ... 12, using: &generator)
            let text = String((0 ..< length).map { _ in characters.randomElement(using: &generator)! })
                + String(repeating: "=", count: Int.random(in: 0 ... 2, using: &generator))
            #expect((try? UnpaddedBase64.decode(text)) == Self.foundationDecode(text), "\(text)")
        }
    }

    @Test func refusesPaddingInsideTheText() {
        for text in ["4t=s", "XR=sAAAA", "QUJD=RA"] {
            #expect(throws: MatrixCryptoError.invalidBase64("value")) { try UnpaddedBase64.decode(text) }
        }
    }

    /// What the codec did before: trailing `=` dropped, padding restored, Foundation decodes.
    private static func foundationDecode(_ text: String) -> [UInt8]? {
        var padded = text
        while padded.last == "=" { padded.removeLast() }
        guard padded.utf8.count % 4 != 1 else { return nil }
        padded += String(repeating: "=", count: (4 - padded.utf8.count % 4) % 4)
        return Data(base64Encoded: padded).map { [UInt8]($0) }
    }
}
