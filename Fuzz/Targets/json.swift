// libFuzzer target: the strict JSON parser and the JSONValue writer. Built by scripts/fuzz.sh.
//
// Invariants checked, beyond "does not crash":
// - parse -> encode -> parse gives an equal value, and encoding is a fixed point
//   (encode(parse(encode(v))) == encode(v)): what the gateway writes, it reads back;
// - the encoding is plain JSON: ASCII controls are escaped, it is valid UTF-8;
// - isValid agrees with parse;
// - differential: Foundation's JSONSerialization accepts every document the parser accepts.
//   Not the converse: the parser is stricter on purpose, and JSONSerialization (Foundation of
//   Swift 6.3 on Linux) accepts trailing commas ("[1,]") and nesting beyond 128.
import Foundation
import JSON

func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("Invariant failed: \(message())") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    let parsed = try? JSONParser.parse(input)
    check(JSONParser.isValid(input) == (parsed != nil), "isValid disagrees with parse")
    let foundation = try? JSONSerialization.jsonObject(with: Data(input), options: [.fragmentsAllowed])
    if let value = parsed {
        let encoded = value.encoded()
        check(String(validating: encoded, as: UTF8.self) != nil, "encoding is not UTF-8")
        check(!encoded.contains { $0 < 0x20 }, "encoding has a raw control character")
        let again: JSONValue
        do { again = try JSONParser.parse(encoded) } catch {
            fatalError("Invariant failed: encoding does not parse (\(error)): \(String(decoding: encoded, as: UTF8.self))")
        }
        check(again == value, "parse(encode(v)) != v")
        check(again.encoded() == encoded, "encoding is not a fixed point")
        check(foundation != nil, "JSONSerialization rejects what the parser accepts")
    }
    return 0
}

// MARK: Seeds (scripts/fuzz.sh --seeds)

let seeds: [String: String] = [
    "definition": #"{"name":"basic","version":"1.0","sequence":2,"initRequired":false,"endorsementPolicy":"OR('Org1MSP.peer','Org2MSP.peer')","collections":[]}"#,
    "invoke": #"{"function":"CreateAsset","args":["asset1","blue","5","Tom","1300"],"transient":{"k":"dmFsdWU="},"endorsingOrganizations":["Org1MSP"]}"#,
    "scalars": " [null, true, false, 0, -0, 12345678901234567890, -1.5e-7, 3.25E+2, \"\\u00e9\\ud83d\\ude00\\n\\t\\\"\\\\\\/\", \"\u{e9}\u{1F600}\"] ",
    "connection": #"{"address":"basic.example.com:7052","dial_timeout":"10s","tls_required":true,"client_auth_required":false,"root_cert":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"}"#,
    "nested": "[[[[[{\"a\":[{\"b\":{}}]}]]]]]",
]

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    writeSeedsIfAsked(seeds.mapValues { Array($0.utf8) })
}
