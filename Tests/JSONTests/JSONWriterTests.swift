import JSON
import Testing

@Suite("JSONWriter", .timeLimit(.minutes(1)))
struct JSONWriterTests {
    @Test("writes the same bytes as encoding the equivalent JSONValue tree, commas and escapes included")
    func matchesTree() throws {
        let tree: JSONValue = .object([
            ("items", .array([
                .object([("name", "a\"b\\c\n\u{01}é"), ("n", .int(-42)), ("ok", .bool(true)), ("none", .null),
                         ("empty", .object([])), ("list", .array([])), ("sub", .array([.string("x"), .null, .int(0)]))]),
                .object([("raw", .array([.int(1), .int(2)])), ("opt", .null)]),
            ])),
            ("", .string("")), ("last", .bool(false)),
        ])
        var w = JSONWriter()
        w.beginObject()
        w.key("items"); w.beginArray()
        w.beginObject()
        w.member("name", "a\"b\\c\n\u{01}é"); w.member("n", -42); w.member("ok", true); w.key("none"); w.null()
        w.key("empty"); w.beginObject(); w.endObject()
        w.key("list"); w.beginArray(); w.endArray()
        w.key("sub"); w.beginArray(); w.value("x"); w.value(nil as String?); w.value(0); w.endArray()
        w.endObject()
        w.beginObject(); w.member("raw", JSONValue.array([.int(1), .int(2)])); w.member("opt", nil as Int?); w.endObject()
        w.endArray()
        w.member("", ""); w.member("last", false)
        w.endObject()
        #expect(String(decoding: w.bytes, as: UTF8.self) == tree.jsonText)
        #expect(try JSONParser.parse(w.bytes) == tree)
    }

    @Test("top-level sequences of containers and scalars are comma-separated")
    func topLevel() {
        var w = JSONWriter()
        w.beginArray(); w.beginArray(); w.endArray(); w.beginObject(); w.endObject(); w.value(Int?.some(3)); w.endArray()
        #expect(String(decoding: w.bytes, as: UTF8.self) == "[[],{},3]")
    }
}
