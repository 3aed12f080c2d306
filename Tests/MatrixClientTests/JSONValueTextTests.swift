import Foundation
import MatrixClient
import Testing

@Suite("JSON text")
struct JSONValueTextTests {
    func parse(_ text: String) throws -> JSONValue { try JSONValue(parsing: Data(text.utf8)) }

    @Test func readsWhatFoundationReads() throws {
        let text = #"""
        {"a": [1, -2.5, 3e2, true, false, null, "x"], "b": {"c": "é 😀 \"q\" \\ \/ \n\t\u00e9\ud83d\ude00"}, "d": {}, "e": [], "n": -0.001}
        """#
        #expect(try parse(text) == (try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))))
    }

    @Test func writesWhatItReads() throws {
        let value: JSONValue = [
            "body": "line one\nline \"two\" \\ tab\t \u{01} é 😀", "count": 42, "ratio": .number(0.25), "big": .number(1e21),
            "flags": [true, false, .null], "nested": ["deeper": ["deepest": []]],
        ]
        let text = value.serialized()
        #expect(try JSONValue(parsing: text) == value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: text) == value, "Foundation reads it the same")
        #expect(String(decoding: JSONValue.object(["b": 1, "a": 2]).serialized(sortedKeys: true), as: UTF8.self) == #"{"a":2,"b":1}"#)
        #expect(String(decoding: JSONValue.number(.nan).serialized(), as: UTF8.self) == "null")
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"open", "[1] 2", "{\"a\":01x}", "\"\\x\"", "\"\u{01}\"", "-", "1e", "[\"\\u12\"]"])
    func refusesWhatIsNotJSON(_ text: String) {
        #expect(throws: JSONParsingError.self) { try parse(text) }
    }

    @Test func refusesNestingThatWouldExhaustTheStack() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParsingError.self) { try parse(deep) }
        let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(try parse(fine).array?.count == 1)
    }

    @Test func repairsLoneSurrogatesAndBadUTF8() throws {
        #expect(try parse(#""\ud800x""#) == .string("\u{FFFD}x"))
        #expect(try JSONValue(parsing: Data([0x22, 0xFF, 0x22])) == .string("\u{FFFD}"))
    }
}
