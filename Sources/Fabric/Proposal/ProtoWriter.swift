/// Protocol Buffers wire encoding written straight into one byte array, for the few messages the
/// gateway builds on every request (a proposal's headers and payload). SwiftProtobuf's structs
/// cost a heap object per message and a `Data` copy per bytes field; here a proposal is a
/// handful of appends.
///
/// Fields are written in field-number order and proto3 defaults (0, "", empty bytes) are
/// omitted, as SwiftProtobuf and Go's proto.Marshal do, so the bytes are identical to theirs
/// (`ProtoWriterTests` compares them). Elements of repeated fields and map entries are always
/// written. Callers write fields in ascending order.
struct ProtoWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    private enum WireType: UInt8 {
        case varint = 0, lengthDelimited = 2
    }

    private mutating func tag(_ field: Int, _ type: WireType) {
        appendVarint(UInt64(field) << 3 | UInt64(type.rawValue))
    }

    private mutating func appendVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// uint64/uint32/int32/int64/enum field; negative values take ten bytes (two's complement),
    /// as the wire format says for int32 and int64.
    mutating func varint(_ field: Int, _ value: Int64) {
        guard value != 0 else { return }
        tag(field, .varint)
        appendVarint(UInt64(bitPattern: value))
    }

    mutating func bool(_ field: Int, _ value: Bool) {
        guard value else { return }
        tag(field, .varint)
        bytes.append(1)
    }

    /// A singular bytes field (omitted when empty).
    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        guard !value.isEmpty else { return }
        element(field, value)
    }

    /// A singular string field (omitted when empty).
    mutating func string(_ field: Int, _ value: String) {
        guard !value.isEmpty else { return }
        var value = value
        value.withUTF8 { utf8 in
            tag(field, .lengthDelimited)
            appendVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// One element of a repeated bytes field, or a length-delimited value that must be present
    /// even when empty.
    mutating func element(_ field: Int, _ value: [UInt8]) {
        tag(field, .lengthDelimited)
        appendVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A set message field: present even when all its fields are defaults.
    mutating func message(_ field: Int, _ build: (inout ProtoWriter) -> Void) {
        var inner = ProtoWriter()
        build(&inner)
        element(field, inner.bytes)
    }

    /// A `map<string, bytes>` field: one entry message per pair (key 1, value 2), keys sorted so the encoding is
    /// deterministic (Go and SwiftProtobuf leave map order unspecified; readers accept any).
    mutating func map(_ field: Int, _ entries: [String: [UInt8]]) {
        for key in entries.keys.sorted() {
            message(field) { entry in  // key and value written even when empty, like Go and SwiftProtobuf
                entry.element(1, Array(key.utf8))
                entry.element(2, entries[key]!)
            }
        }
    }
}
