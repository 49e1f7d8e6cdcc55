import HTTP1
import Logging

/// What the server serves: the route table, static files, and the one error mapping.
/// Immutable and shared by every loop.
public struct HTTPApplication: Sendable {
    public var router: Router
    public var staticFiles: StaticFiles?
    public var logger: Logger
    /// Called once per completed request (metrics). Runs on the loop: keep it cheap.
    public var onRequestComplete: (@Sendable (_ method: String, _ route: String, _ status: Int, _ nanos: UInt64) -> Void)?

    public init(router: Router, staticFiles: StaticFiles? = nil, logger: Logger,
                onRequestComplete: (@Sendable (String, String, Int, UInt64) -> Void)? = nil) {
        self.router = router
        self.staticFiles = staticFiles
        self.logger = logger
        self.onRequestComplete = onRequestComplete
    }

    /// The single place where errors become responses. Unmapped errors are 500s whose detail
    /// goes to the log under the request ID, never to the client.
    public func errorResponse(_ error: any Error, requestID: String) -> Response {
        let httpError: HTTPError
        if let e = error as? HTTPError {
            httpError = e
        } else if let e = error as? any HTTPErrorConvertible {
            httpError = e.httpError
        } else {
            logger.error("unhandled error", metadata: ["request-id": "\(requestID)", "error": "\(String(reflecting: error))"])
            httpError = HTTPError(status: 500, code: "internal", message: "internal server error (request \(requestID))")
        }
        return httpError.response(requestID: requestID)
    }
}
