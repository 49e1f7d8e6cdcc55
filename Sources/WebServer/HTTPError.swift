import HTTP1
import Logging
import JSON

/// An error that becomes an HTTP response in the one error shape:
/// `{"error":{"code":"...","message":"...","details":{...}}}`.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public var status: Int
    /// Stable, machine-readable code (`not_found`, `package_invalid`, ...).
    public var code: String
    /// Human-readable message; shown to operators as is.
    public var message: String
    public var details: [(String, JSONValue)]
    public var headers: HTTPHeaders

    public init(status: Int, code: String, message: String, details: [(String, JSONValue)] = [], headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers
    }

    public var description: String { "\(status) \(code): \(message)" }

    /// The one mapping from errors to HTTP errors: an `HTTPError` as is, an `HTTPErrorConvertible`
    /// by its own choice, anything else a 500 whose detail goes to the log under the request ID,
    /// never to the client. Every 5xx is logged.
    public static func mapping(_ error: any Error, requestID: String, logger: Logger) -> HTTPError {
        let mapped: HTTPError
        switch error {
        case let e as HTTPError: mapped = e
        case let e as any HTTPErrorConvertible: mapped = e.httpError
        default:
            logger.error("unhandled error", metadata: ["request-id": "\(requestID)", "error": "\(String(reflecting: error))"])
            return HTTPError(status: 500, code: "internal", message: "internal server error (request \(requestID))")
        }
        if mapped.status >= 500 {
            logger.error("request failed", metadata: ["request-id": "\(requestID)", "error": "\(String(reflecting: error))"])
        }
        return mapped
    }

    public static func badRequest(_ message: String, code: String = "bad_request") -> HTTPError {
        HTTPError(status: 400, code: code, message: message)
    }
    public static func notFound(_ message: String = "not found") -> HTTPError {
        HTTPError(status: 404, code: "not_found", message: message)
    }

    /// The JSON error response, with the request ID in the body.
    public func response(requestID: String) -> Response {
        var h = headers
        h.set("Content-Type", "application/json")
        return Response(status: status, headers: h, body: .bytes(body(requestID: requestID)))
    }

    public func body(requestID: String) -> [UInt8] {
        var error: [(String, JSONValue)] = [("code", .string(code)), ("message", .string(message))]
        if !details.isEmpty { error.append(("details", .object(details))) }
        error.append(("requestId", .string(requestID)))
        return JSONValue.object([("error", .object(error))]).encoded()
    }
}

/// Domain errors of higher layers conform to this to choose their HTTP mapping; the mapping
/// itself still happens in one place (`HTTPApplication.errorResponse`, which the connection
/// calls for every handler error and every refused request).
public protocol HTTPErrorConvertible: Error {
    var httpError: HTTPError { get }
}

extension HTTPParseError: HTTPErrorConvertible {
    public var httpError: HTTPError {
        let code: String
        switch status {
        case 408: code = "request_timeout"
        case 413: code = "payload_too_large"
        case 414: code = "uri_too_long"
        case 417: code = "expectation_failed"
        case 431: code = "headers_too_large"
        case 501: code = "not_implemented"
        case 505: code = "http_version_not_supported"
        default: code = "bad_request"
        }
        return HTTPError(status: status, code: code, message: message)
    }
}
