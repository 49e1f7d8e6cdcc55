import Foundation
@testable import JSON
import JSON
import Testing

@Suite("JSONParser")
struct JSONParserTests {
    @Test("parses every kind of value, keeping member order, escapes and numbers exact")
    func values() throws {
        let text = #" {"b":[1,-2,3.5,-0.25e2,1E3,true,false,null],"a":"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00","":{},"e":[]} "#
        let v = try JSONParser.parse(Array(text.utf8))
        guard case .object(let members) = v else { Issue.record("not an object"); return }
        #expect(members.map(\.0) == ["b", "a", "", "e"])
        #expect(members[0].1 == .array([.int(1), .int(-2), .double(3.5), .double(-25), .double(1000), .bool(true), .bool(false), .null]))
        #expect(members[1].1 == .string("x\"\\/\u{08}\u{0C}\n\r\té😀"))
        #expect(members[2].1 == .object([]) && members[3].1 == .array([]))
        #expect(try JSONParser.parse(Array("9223372036854775807".utf8)) == .int(Int.max))
        #expect(try JSONParser.parse(Array("9223372036854775808".utf8)) == .double(9223372036854775808))
        #expect(try JSONParser.parse(Array("\"日本\"".utf8)) == .string("日本"))
    }

    @Test("refuses what RFC 8259 refuses, naming the offset")
    func invalid() {
        let bad = ["", " ", "{", "}", "[1,]", "{\"a\":1,}", "{a:1}", "{'a':1}", "01", "-", "1.", ".5", "1e", "+1", "NaN",
                   "Infinity", "tru", "nul", "[1 2]", "{\"a\" 1}", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00x\"",
                   "\"a\u{01}b\"", "1 2", "[] []", "// c\n1", "/* c */1", "1e400", "[\"\\ud83dx\"]"]
        for text in bad {
            #expect(throws: JSONParser.Failure.self, "\(text.debugDescription)") { try JSONParser.parse(Array(text.utf8)) }
        }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) } // invalid UTF-8
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xC3, 0x22]) }       // truncated sequence
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(deep.utf8)) }
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(JSONParser.isValid(Array(ok.utf8)))
    }

    @Test("agrees with Foundation's JSONSerialization on validity over generated documents")
    func differential() throws {
        // Foundation on Linux accepts a trailing comma ("[1,]", "{\"k\":1,}"), which RFC 8259 and
        // the other JSON parsers a client may use do not: those documents are checked separately.
        let trailingComma = try Regex(#",\s*[\]}]"#)
        var rng = SystemRandomNumberGenerator()
        let pieces = ["{", "}", "[", "]", ",", ":", "\"k\"", "\"v\\n\"", "1", "-0.5", "2e3", "true", "null", " ", "\"\\u0041\""]
        var agreed = 0
        for _ in 0..<3000 {
            let n = Int.random(in: 1...8, using: &rng)
            let text = (0..<n).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let ours = JSONParser.isValid(Array(text.utf8))
            if text.contains(trailingComma) {
                #expect(!ours, "a trailing comma is not JSON: \(text)")
                continue
            }
            let theirs = (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil
            #expect(ours == theirs, "\(text)")
            if ours { agreed += 1 }
        }
        #expect(agreed > 50, "the generator produced valid documents too")
    }

    @Test("parsed values encode back to equivalent JSON")
    func roundTrip() throws {
        let text = #"{"function":"ReadAsset","args":["asset1","ü"],"transient":{"k":"AAE="},"n":[0,-1,1.5]}"#
        let v = try JSONParser.parse(Array(text.utf8))
        #expect(try JSONParser.parse(v.encoded()) == v)
    }

    @Test("strings encode with RFC 8259 escapes between plain runs, at the start, the end and alone")
    func stringEscapes() throws {
        let cases: [(String, String)] = [
            ("plain", #""plain""#), ("", #""""#), ("\"", #""\"""#), ("a\\b", #""a\\b""#),
            ("\nx\t", #""\nx\t""#), ("\r\u{01}\u{1f}", #""\r\u0001\u001f""#), ("é漢 \"q\" end", #""é漢 \"q\" end""#),
        ]
        for (value, json) in cases {
            let encoded = JSONValue.string(value).encoded()
            #expect(String(decoding: encoded, as: UTF8.self) == json)
            #expect(try JSONParser.parse(encoded) == .string(value))
        }
    }
}
