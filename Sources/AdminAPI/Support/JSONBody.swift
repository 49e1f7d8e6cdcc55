import Foundation
import WebServer

/// A parsed JSON object request body with typed accessors whose errors name the field.
struct JSONBody {
    let object: [String: Any]

    init(_ request: Request) throws {
        if let ct = request.headers["Content-Type"], !ct.lowercased().hasPrefix("application/json") {
            throw HTTPError(status: 415, code: "unsupported_media_type", message: "expected Content-Type: application/json")
        }
        let bytes = request.bodyBytes
        guard !bytes.isEmpty else { throw HTTPError.badRequest("request body must be a JSON object", code: "invalid_json") }
        guard let obj = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw HTTPError.badRequest("request body is not a JSON object", code: "invalid_json")
        }
        object = obj
    }

    static func invalid(_ field: String, _ problem: String) -> HTTPError {
        HTTPError(status: 422, code: "invalid_field", message: "field '\(field)' \(problem)", details: [("field", .string(field))])
    }

    func string(_ key: String) throws -> String {
        guard let v = try optionalString(key) else { throw Self.invalid(key, "is required") }
        return v
    }

    func optionalString(_ key: String) throws -> String? {
        guard let v = object[key], !(v is NSNull) else { return nil }
        guard let s = v as? String else { throw Self.invalid(key, "must be a string") }
        return s
    }

    func bool(_ key: String, default d: Bool) throws -> Bool {
        guard let v = object[key], !(v is NSNull) else { return d }
        guard let b = v as? Bool else { throw Self.invalid(key, "must be true or false") }
        return b
    }

    func optionalInt(_ key: String) throws -> Int? {
        guard let v = object[key], !(v is NSNull) else { return nil }
        guard let n = v as? NSNumber, !(v is Bool), Double(n.intValue) == n.doubleValue else { throw Self.invalid(key, "must be an integer") }
        return n.intValue
    }

    func strings(_ key: String) throws -> [String] {
        guard let v = object[key], !(v is NSNull) else { return [] }
        guard let a = v as? [Any], a.allSatisfy({ $0 is String }) else { throw Self.invalid(key, "must be an array of strings") }
        return a as! [String]
    }

    func stringMap(_ key: String) throws -> [String: String] {
        guard let v = object[key], !(v is NSNull) else { return [:] }
        guard let m = v as? [String: Any], m.values.allSatisfy({ $0 is String }) else {
            throw Self.invalid(key, "must be an object of strings")
        }
        return m as! [String: String]
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
