/// Appends JSON to one byte buffer as it goes, without building a `JSONValue` tree first: for
/// large documents on hot paths (a channel's chaincode listing is ~1 MB of ~20,000 small
/// objects, and building then walking the tree was most of its cost). Commas are placed by the
/// writer: a value or container after another at the same level gets one; a key's value none.
/// The output is byte-identical to encoding the equivalent `JSONValue`.
///
///     var w = JSONWriter()
///     w.beginObject(); w.key("items"); w.beginArray(); w.value(1); w.endArray(); w.endObject()
///     // w.bytes == Array(#"{"items":[1]}"#.utf8)
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    /// The next value, key or container starts with a comma.
    var needsComma = false

    public init(reservingCapacity capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    public mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma = false }
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma = true }
    public mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma = false }
    public mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma = true }

    /// An object member's name; the next call writes its value.
    public mutating func key(_ name: String) {
        separate()
        JSONValue.appendString(name, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func value(_ s: String) { separate(); JSONValue.appendString(s, into: &bytes); needsComma = true }
    public mutating func value(_ i: Int) { separate(); bytes.append(contentsOf: String(i).utf8); needsComma = true }
    public mutating func value(_ b: Bool) { separate(); bytes.append(contentsOf: (b ? "true" : "false").utf8); needsComma = true }
    public mutating func null() { separate(); bytes.append(contentsOf: "null".utf8); needsComma = true }
    /// A string, or null for nil.
    public mutating func value(_ s: String?) { if let s { value(s) } else { null() } }
    /// An int, or null for nil.
    public mutating func value(_ i: Int?) { if let i { value(i) } else { null() } }
    /// A small subtree built as a `JSONValue` (encoded in place).
    public mutating func value(_ v: JSONValue) { separate(); v.encode(into: &bytes); needsComma = true }

    /// `key` then a string value.
    public mutating func member(_ name: String, _ s: String) { key(name); value(s) }
    public mutating func member(_ name: String, _ s: String?) { key(name); value(s) }
    public mutating func member(_ name: String, _ i: Int) { key(name); value(i) }
    public mutating func member(_ name: String, _ i: Int?) { key(name); value(i) }
    public mutating func member(_ name: String, _ b: Bool) { key(name); value(b) }
    public mutating func member(_ name: String, _ v: JSONValue) { key(name); value(v) }
}
