import JSON
import Yams

/// A YAML document read as the JSON value it denotes (a deployment spec sent as
/// `application/yaml`): mappings become objects (document order, merge keys applied as in
/// `YAMLMapping`), sequences arrays, and scalars are resolved by YAML 1.1's core schema as Yams
/// resolves them (null, bool, int, float, else string; a quoted scalar is always a string).
public enum YAMLDocument {
    /// Why a document is not one JSON value: the parser's words, or the construct that has no JSON form.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses one YAML document. An empty document is `null`.
    public static func json(_ text: String) throws -> JSONValue {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw Invalid(description: "not valid YAML: \(error)")
        }
        guard let node else { return .null }
        return try value(node)
    }

    private static func value(_ node: Node) throws -> JSONValue {
        switch node {
        case .mapping(let m):
            return .object(try YAMLMapping(m).entries.reduce(into: [(String, JSONValue)]()) { out, entry in
                let v = try value(entry.value)
                if let i = out.firstIndex(where: { $0.0 == entry.key }) { out[i].1 = v } else { out.append((entry.key, v)) }
            })
        case .sequence(let s):
            return .array(try s.map(value))
        case .scalar(let scalar):
            return scalarValue(scalar, node: node)
        }
    }

    private static func scalarValue(_ scalar: Node.Scalar, node: Node) -> JSONValue {
        // A quoted scalar is a string whatever it looks like ("2.0" stays the version "2.0").
        if scalar.style != .plain { return .string(scalar.string) }
        if node.null != nil { return .null }
        if let b = node.bool { return .bool(b) }
        if let i = node.int { return .int(i) }
        if let d = node.float { return .double(d) }
        return .string(scalar.string)
    }
}
