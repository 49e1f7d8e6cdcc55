/// A YAML value written in block style, for generated manifests (ChaincodeServerManifests).
/// Keys keep their order; a string is plain only when it cannot be read as anything else,
/// otherwise a double-quoted scalar with JSON's escapes (a subset of YAML 1.2's double-quoted
/// style, section 7.3.1), so no value can turn into another type ("true", "0755", "on") or break
/// the structure, and the same node always gives the same bytes.
public indirect enum YAMLNode: Sendable, Equatable {
    case map([(String, YAMLNode)])
    case list([YAMLNode])
    case string(String)
    case int(Int)
    case bool(Bool)

    public static func == (a: YAMLNode, b: YAMLNode) -> Bool { a.rendered() == b.rendered() }

    /// The node as a block (ends with a newline). Keys are written plain: callers pass only
    /// keys made of letters, digits and `._/-` (checked, a bug otherwise).
    public func rendered() -> String {
        lines(indent: 0).map { $0 + "\n" }.joined()
    }

    private func lines(indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        switch self {
        case .map(let entries) where entries.isEmpty: return [pad + "{}"]
        case .list(let items) where items.isEmpty: return [pad + "[]"]
        case .map(let entries):
            return entries.flatMap { key, value -> [String] in
                precondition(Self.isPlainKey(key), "YAML key '\(key)' needs quoting")
                switch value {
                case .map(let e) where !e.isEmpty: return [pad + key + ":"] + value.lines(indent: indent + 2)
                // Sequences under a key at the key's own indentation, as kubectl writes them.
                case .list(let i) where !i.isEmpty: return [pad + key + ":"] + value.lines(indent: indent)
                default: return [pad + key + ": " + value.lines(indent: 0)[0]]
                }
            }
        case .list(let items):
            return items.flatMap { item -> [String] in
                var sub = item.lines(indent: indent + 2)
                sub[0] = pad + "- " + sub[0].dropFirst(indent + 2)
                return sub
            }
        case .string(let text): return [pad + (Self.isPlainSafe(text) ? text : Self.quoted(text))]
        case .int(let number): return [pad + String(number)]
        case .bool(let flag): return [pad + (flag ? "true" : "false")]
        }
    }

    private static func isPlainKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first.properties.isAlphabetic || ("0"..."9").contains(first) else { return false }
        return key.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._/-".unicodeScalars.contains($0)) }
    }

    /// Plain when it cannot be read as anything but this string: a letter, then letters, digits
    /// and `._/-`, and none of YAML 1.1's booleans and nulls (which some parsers still apply).
    static func isPlainSafe(_ text: String) -> Bool {
        let special: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"]
        guard let first = text.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic,
              !special.contains(text.lowercased()) else { return false }
        return isPlainKey(text)
    }

    /// A double-quoted scalar: `\\`, `\"` and control characters escaped; everything else as is.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0xFEFF:
                let hex = String(scalar.value, radix: 16) // at most 4 digits for these scalars
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
