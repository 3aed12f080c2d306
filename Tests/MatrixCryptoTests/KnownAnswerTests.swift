@testable import MatrixCrypto
import Testing

/// Published vectors. The message vectors are from vodozemac's `src/olm/messages/mod.rs` tests
/// (PRE_KEY_MESSAGE, MESSAGE and their ciphertexts); the signing vectors from the specification's
/// appendix are in `SignedJSONTests`.
@Suite struct KnownAnswerTests {
    @Test func vodozemacPreKeyMessageDecodes() throws {
        let body = "AwoghAEuxPZ+w7M3pgUae4tDNiggUpOsQ/zci457VAtiAEYSIO3xOKRDBWKicIfxjSmYCYZ9DD4RMLjvvclbMlE5"
            + "yIEWGiApLrCr853CKlPpW4Bi7S8ykRcejJ0lq7AfYLXKCjKdHSJPAwoghw3+P+cajhWj9Qzp5g87h+tbpiuh5wEa"
            + "eUppqmWqug4QASIgRhZ2cgZcIWQbIa23R7U4y1Mo1R/tLCaMU+xjzRV5smGsCrJ6AHwktg"
        let message = try PreKeyMessage(decoding: UnpaddedBase64.decode(body))
        #expect(message.message.ciphertext == [
            70, 22, 118, 114, 6, 92, 33, 100, 27, 33, 173, 183, 71, 181, 56, 203, 83, 40, 213, 31, 237,
            44, 38, 140, 83, 236, 99, 205, 21, 121, 178, 97,
        ])
        #expect(message.message.chainIndex == 1)
        #expect(UnpaddedBase64.encode(message.bytes) == body, "re-encoding gives the same bytes")
    }

    @Test func vodozemacNormalMessageDecodes() throws {
        let message = try RatchetMessage(decoding: UnpaddedBase64.decode("AwogI7JhE/UsMZqXKb3xV6kUZWoJc6jTm2+AIgWYmaETIR0QASIQ+X2zb7kEX/3JvoLspcNBcLWOFXYpV0nS"))
        #expect(message.ciphertext == [249, 125, 179, 111, 185, 4, 95, 253, 201, 190, 130, 236, 165, 195, 65, 112])
        #expect(message.chainIndex == 1)
    }
}
