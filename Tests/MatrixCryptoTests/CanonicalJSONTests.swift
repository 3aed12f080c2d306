import MatrixCrypto
import Testing

/// Examples from the specification's appendix "Canonical JSON" (matrix-spec `content/appendices.md`).
@Suite struct CanonicalJSONTests {
    @Test(arguments: [
        ("{}", "{}"),
        (#"{"one": 1, "two": "Two"}"#, #"{"one":1,"two":"Two"}"#),
        (#"{"b": "2", "a": "1"}"#, #"{"a":"1","b":"2"}"#),
        (
            #"{"auth": {"success": true, "mxid": "@john.doe:example.com", "profile": {"display_name": "John Doe", "three_pids": [{"medium": "email", "address": "john.doe@example.org"}, {"medium": "msisdn", "address": "123456789"}]}}}"#,
            #"{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},"success":true}}"#
        ),
        (#"{"a": "日本語"}"#, #"{"a":"日本語"}"#),
        (#"{"本": 2, "日": 1}"#, #"{"日":1,"本":2}"#),
        (#"{"a": "\u65E5"}"#, #"{"a":"日"}"#),
        (#"{"a": null}"#, #"{"a":null}"#),
        (#"{"a": -0, "b": 1e10}"#, #"{"a":0,"b":10000000000}"#),
    ])
    func specificationExamples(input: String, canonical: String) throws {
        #expect(try CanonicalJSON(parsing: input).canonicalText == canonical)
    }

    @Test func escapesOnlyWhatTheGrammarRequires() throws {
        let value = try CanonicalJSON(parsing: #"{"s": "q\" b\\ \b\f\n\r\t \u0001 \u001f / \u007f é 😀"}"#)
        #expect(value.canonicalText == "{\"s\":\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0001 \\u001f / \u{7f} é 😀\"}")
    }

    @Test func sortsKeysByCodePointNotByUnicodeCollation() {
        // "\u{FB01}" (ﬁ) sorts after "z" by code point, and "Z" before "a".
        let value: CanonicalJSON = ["\u{FB01}": 1, "z": 2, "é": 3, "a": 4, "Z": 5]
        #expect(value.canonicalText == "{\"Z\":5,\"a\":4,\"z\":2,\"é\":3,\"\u{FB01}\":1}")
    }

    @Test(arguments: ["1.5", "9007199254740992", "-9007199254740992", "{", "{\"a\": 1.25}"])
    func refusesWhatCanonicalJSONCannotHold(text: String) {
        #expect(throws: MatrixCryptoError.self) { try CanonicalJSON(parsing: text) }
    }

    @Test func keepsTheLargestAllowedIntegers() throws {
        #expect(try CanonicalJSON(parsing: "[9007199254740991,-9007199254740991]").canonicalText == "[9007199254740991,-9007199254740991]")
    }
}
