import Foundation

/// Checks JSON values against the response schemas of openapi.yaml: the subset the document
/// uses ($ref, allOf, nullable, object/array/string/integer/boolean, enum, required,
/// additionalProperties). Objects may not carry keys the schema does not document.
struct SchemaChecker {
    let spec: [String: Any]

    /// The schema of `method path` answered with `status` (application/json), if documented.
    func responseSchema(_ method: String, _ path: String, status: Int) -> [String: Any]? {
        let op = ((spec["paths"] as? [String: Any])?[path] as? [String: Any])?[method.lowercased()] as? [String: Any]
        guard var response = (op?["responses"] as? [String: Any])?[String(status)] as? [String: Any] else { return nil }
        if let ref = response["$ref"] as? String { response = lookup(ref) }
        let content = (response["content"] as? [String: Any])?["application/json"] as? [String: Any]
        return content?["schema"] as? [String: Any]
    }

    /// Problems found in `value` (empty when it conforms).
    func check(_ value: Any?, _ method: String, _ path: String, status: Int) -> [String] {
        guard let schema = responseSchema(method, path, status: status) else {
            return ["\(method) \(path) \(status) is not documented with a JSON schema"]
        }
        return check(value ?? NSNull(), against: schema, at: "\(method) \(path) \(status)")
    }

    func lookup(_ ref: String) -> [String: Any] {
        var node: Any = spec
        for part in ref.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] ?? [:] }
        return node as? [String: Any] ?? [:]
    }

    func resolve(_ schema: [String: Any]) -> [String: Any] {
        if let ref = schema["$ref"] as? String { return resolve(lookup(ref)) }
        return schema
    }

    /// Properties, required keys and openness of an object schema, through allOf.
    func objectShape(_ schema: [String: Any]) -> (properties: [String: Any], required: Set<String>, open: Bool) {
        let s = resolve(schema)
        var props = s["properties"] as? [String: Any] ?? [:]
        var required = Set(s["required"] as? [String] ?? [])
        var open = s["additionalProperties"] != nil && (s["additionalProperties"] as? Bool) != false
        for part in s["allOf"] as? [[String: Any]] ?? [] {
            let shape = objectShape(part)
            props.merge(shape.properties) { a, _ in a }
            required.formUnion(shape.required)
            open = open || shape.open
        }
        return (props, required, open)
    }

    func isNullable(_ schema: [String: Any]) -> Bool {
        if schema["nullable"] as? Bool == true { return true }
        return resolve(schema)["nullable"] as? Bool == true
    }

    func schemaType(_ schema: [String: Any]) -> String? {
        let s = resolve(schema)
        if let t = s["type"] as? String { return t }
        for part in s["allOf"] as? [[String: Any]] ?? [] { if let t = schemaType(part) { return t } }
        return s["properties"] != nil ? "object" : nil
    }

    func check(_ value: Any, against schema: [String: Any], at path: String) -> [String] {
        if value is NSNull { return isNullable(schema) ? [] : ["\(path): null but not nullable"] }
        let s = resolve(schema)
        if let allowed = s["enum"] as? [Any], !allowed.contains(where: { "\($0)" == "\(value)" }) {
            return ["\(path): \(value) not in \(allowed)"]
        }
        switch schemaType(schema) {
        case "object":
            guard let object = value as? [String: Any] else { return ["\(path): not an object"] }
            let shape = objectShape(schema)
            var problems = shape.required.subtracting(object.keys).sorted().map { "\(path): missing \($0)" }
            let additional = resolve(schema)["additionalProperties"] as? [String: Any]
            for (key, v) in object {
                if let p = shape.properties[key] as? [String: Any] {
                    problems += check(v, against: p, at: "\(path).\(key)")
                } else if let additional {
                    problems += check(v, against: additional, at: "\(path).\(key)")
                } else if !shape.open {
                    problems.append("\(path): undocumented key \(key)")
                }
            }
            return problems
        case "array":
            guard let array = value as? [Any] else { return ["\(path): not an array"] }
            let items = s["items"] as? [String: Any] ?? [:]
            return array.enumerated().flatMap { check($0.element, against: items, at: "\(path)[\($0.offset)]") }
        case "string":
            return value is String ? [] : ["\(path): not a string"]
        case "integer":
            guard let n = value as? NSNumber, !Self.isBoolean(n), n.doubleValue == n.doubleValue.rounded() else {
                return ["\(path): not an integer"]
            }
            return []
        case "boolean":
            return (value as? NSNumber).map(Self.isBoolean) == true ? [] : ["\(path): not a boolean"]
        default:
            return []
        }
    }

    /// JSONSerialization gives booleans as NSNumbers of a distinct class.
    static func isBoolean(_ number: NSNumber) -> Bool {
        ObjectIdentifier(type(of: number)) == ObjectIdentifier(type(of: NSNumber(value: true)))
    }
}
