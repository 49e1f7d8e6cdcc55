import Foundation

/// A JSON object read the way Go's `encoding/json` fills a struct: every key that matches a
/// field case-insensitively is applied in document order (so the last one wins), `null` leaves
/// the field unchanged, a wrong type is an error.
struct GoJSONObject {
    private let values: [String: Any]
    /// Keys in document order (duplicates kept).
    private let keys: [String]

    /// Decodes a top-level object; `null` gives an empty object (Go leaves the struct zero).
    static func decode(_ bytes: [UInt8], goType: String, context: String) throws -> GoJSONObject {
        let scan = GoJSONSyntax.scan(bytes)
        if let message = scan.error { throw PackageError.invalid("\(context): \(message)") }
        let any: Any
        do {
            any = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw PackageError.invalid("\(context): invalid JSON")
        }
        if any is NSNull { return GoJSONObject(values: [:], keys: []) }
        guard let object = any as? [String: Any] else {
            throw PackageError.invalid("\(context): json: cannot unmarshal \(kind(of: any)) into Go value of type \(goType)")
        }
        return GoJSONObject(values: object, keys: scan.rawKeys.map(decodeKey))
    }

    private static func decodeKey(_ raw: ArraySlice<UInt8>) -> String {
        guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
        let literal = Data([UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")])
        // The scanner has validated the key as a JSON string, so decoding it cannot fail.
        return (try? JSONSerialization.jsonObject(with: literal, options: [.fragmentsAllowed]) as? String) ?? ""
    }

    /// Go's key folding: case-insensitive, and U+017F 'ſ' / U+212A 'K' fold to 's' / 'k'.
    static func fold(_ key: String) -> String {
        key.lowercased().replacingOccurrences(of: "\u{17F}", with: "s").replacingOccurrences(of: "\u{212A}", with: "k")
    }

    /// Non-null values for the field `key` (lower-case) in document order.
    private func assignments(_ key: String) -> [Any] {
        keys.filter { Self.fold($0) == key }.compactMap { values[$0] }.filter { !($0 is NSNull) }
    }

    /// The value `key` ends up with in Go (last non-null match), nil when never assigned.
    func value(_ key: String) -> Any? { assignments(key).last }

    func string(_ key: String, goField: String, context: String) throws -> String? {
        var result: String?
        for raw in assignments(key) {
            guard let text = raw as? String else { throw mismatch(raw, goField, "string", context) }
            result = text
        }
        return result
    }

    func bool(_ key: String, goField: String, context: String) throws -> Bool? {
        var result: Bool?
        for raw in assignments(key) {
            guard let number = raw as? NSNumber, Self.isBoolean(number) else {
                throw mismatch(raw, goField, "bool", context)
            }
            result = number.boolValue
        }
        return result
    }

    private func mismatch(_ raw: Any, _ field: String, _ type: String, _ context: String) -> PackageError {
        PackageError.invalid("\(context): json: cannot unmarshal \(Self.kind(of: raw)) into Go struct field \(field) of type \(type)")
    }

    /// JSONSerialization gives booleans as a distinct NSNumber subclass (on Linux and Darwin).
    static func isBoolean(_ number: NSNumber) -> Bool {
        ObjectIdentifier(type(of: number)) == ObjectIdentifier(type(of: NSNumber(value: true)))
    }

    static func kind(of value: Any) -> String {
        switch value {
        case is String: return "string"
        case let n as NSNumber: return isBoolean(n) ? "bool" : "number"
        case is [Any]: return "array"
        default: return "object"
        }
    }

    /// A JSON string literal as Go's `json.Marshal` writes it (HTML-safe escaping).
    static func quote(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                out += String(format: "\\u%04x", scalar.value)
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
