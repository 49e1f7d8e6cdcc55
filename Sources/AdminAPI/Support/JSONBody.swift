import Foundation
import JSON
import WebServer

/// A JSON value as a request carried it. Parsed with `JSONParser` (strict, and unlike
/// `JSONSerialization` on Linux never confusing `true` with `1`); also `Decodable`.
enum JSONInput: Decodable, Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONInput])
    case object([String: JSONInput])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        // Each type is tried in turn: a mismatch only means "not this one"; an object is the
        // last and its error (a real one) propagates.
        if c.decodeNil() { self = .null }
        else if let v = try? c.decode(Bool.self) { self = .bool(v) }
        else if let v = try? c.decode(Int64.self) { self = .int(v) }
        else if let v = try? c.decode(Double.self) { self = .double(v) }
        else if let v = try? c.decode(String.self) { self = .string(v) }
        else if let v = try? c.decode([JSONInput].self) { self = .array(v) }
        else { self = .object(try c.decode([String: JSONInput].self)) }
    }

    /// The parsed value; for duplicate member names the last one wins, as with JSONDecoder.
    init(_ value: JSONValue) {
        switch value {
        case .null, .raw: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(Int64(i))
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .array(let a): self = .array(a.map(JSONInput.init))
        case .object(let members):
            var o: [String: JSONInput] = [:]
            o.reserveCapacity(members.count)
            for (k, v) in members { o[k] = JSONInput(v) }
            self = .object(o)
        }
    }

    /// Back to JSON text (for values stored or passed on verbatim, e.g. collections configs).
    var encoded: JSONValue {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(Int(i))
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let a): return .array(a.map(\.encoded))
        case .object(let o): return .object(o.sorted { $0.key < $1.key }.map { ($0.key, $0.value.encoded) })
        }
    }
}

/// A parsed JSON object request body with typed accessors whose errors name the field.
struct JSONBody {
    let fields: [String: JSONInput]

    init(_ request: Request) throws {
        if let ct = request.headers["Content-Type"], !ct.lowercased().hasPrefix("application/json") {
            throw HTTPError(status: 415, code: "unsupported_media_type", message: "expected Content-Type: application/json")
        }
        let bytes = request.bodyBytes
        guard !bytes.isEmpty else { throw HTTPError.badRequest("request body must be a JSON object", code: "invalid_json") }
        let parsed: JSONValue
        do { parsed = try JSONParser.parse(bytes) } catch {
            throw HTTPError.badRequest("request body is not valid JSON: \(error)", code: "invalid_json")
        }
        guard case .object = parsed, case .object(let obj) = JSONInput(parsed) else {
            throw HTTPError.badRequest("request body is not a JSON object", code: "invalid_json")
        }
        fields = obj
    }

    static func invalid(_ field: String, _ problem: String) -> HTTPError {
        HTTPError(status: 422, code: "invalid_field", message: "field '\(field)' \(problem)", details: [("field", .string(field))])
    }

    /// The raw value of a field (nil when absent or null).
    func value(_ key: String) -> JSONInput? {
        guard let v = fields[key], v != .null else { return nil }
        return v
    }

    func string(_ key: String) throws -> String {
        guard let v = try optionalString(key) else { throw Self.invalid(key, "is required") }
        return v
    }

    func optionalString(_ key: String) throws -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else { throw Self.invalid(key, "must be a string") }
        return s
    }

    func bool(_ key: String, default d: Bool) throws -> Bool {
        guard let v = value(key) else { return d }
        guard case .bool(let b) = v else { throw Self.invalid(key, "must be true or false") }
        return b
    }

    func optionalBool(_ key: String) throws -> Bool? {
        guard value(key) != nil else { return nil }
        return try bool(key, default: false)
    }

    func optionalInt(_ key: String) throws -> Int? {
        guard let v = value(key) else { return nil }
        guard case .int(let i) = v else { throw Self.invalid(key, "must be an integer") }
        return Int(i)
    }

    func strings(_ key: String) throws -> [String] {
        guard let v = value(key) else { return [] }
        guard case .array(let items) = v else { throw Self.invalid(key, "must be an array of strings") }
        return try items.map {
            guard case .string(let s) = $0 else { throw Self.invalid(key, "must be an array of strings") }
            return s
        }
    }

    func stringMap(_ key: String) throws -> [String: String] {
        guard let v = value(key) else { return [:] }
        guard case .object(let o) = v else { throw Self.invalid(key, "must be an object of strings") }
        return try o.mapValues {
            guard case .string(let s) = $0 else { throw Self.invalid(key, "must be an object of strings") }
            return s
        }
    }
}

/// Query-string paging shared by list endpoints.
struct Paging {
    let limit: Int
    let offset: Int

    init(_ request: Request, defaultLimit: Int = 50, maxLimit: Int) throws {
        let q = request.query
        let l = q["limit"].map { Int($0) } ?? defaultLimit
        let o = q["offset"].map { Int($0) } ?? 0
        guard let l, (1...maxLimit).contains(l) else {
            throw HTTPError.badRequest("limit must be an integer from 1 to \(maxLimit)", code: "invalid_paging")
        }
        guard let o, o >= 0 else { throw HTTPError.badRequest("offset must be a non-negative integer", code: "invalid_paging") }
        limit = l
        offset = o
    }
}
