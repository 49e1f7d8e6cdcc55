import Foundation

/// A JSON object read the way Go's `encoding/json` fills a struct: case-insensitive keys.
struct GoJSONObject {
    private let values: [String: Any]

    /// Decodes a top-level object; `null` gives an empty object (Go leaves the struct zero).
    static func decode(_ bytes: [UInt8], goType: String, context: String) throws -> GoJSONObject {
        if let message = GoJSONSyntax.firstError(bytes) { throw PackageError.invalid("\(context): \(message)") }
        let any: Any
        do {
            any = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw PackageError.invalid("\(context): invalid JSON")
        }
        if any is NSNull { return GoJSONObject(values: [:]) }
        guard let object = any as? [String: Any] else {
            throw PackageError.invalid("\(context): json: cannot unmarshal \(kind(of: any)) into Go value of type \(goType)")
        }
        return GoJSONObject(values: object)
    }

    /// The value for `key` (lower-case); an exact match wins over a case-folded one.
    func value(_ key: String) -> Any? {
        if let exact = values[key] { return exact }
        return values.first { $0.key.lowercased() == key }?.value
    }

    func string(_ key: String, goField: String, context: String) throws -> String? {
        guard let raw = value(key), !(raw is NSNull) else { return nil }
        guard let text = raw as? String else { throw mismatch(raw, goField, "string", context) }
        return text
    }

    func bool(_ key: String, goField: String, context: String) throws -> Bool? {
        guard let raw = value(key), !(raw is NSNull) else { return nil }
        guard let number = raw as? NSNumber, Self.isBoolean(number) else {
            throw mismatch(raw, goField, "bool", context)
        }
        return number.boolValue
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
