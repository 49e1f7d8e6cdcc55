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

    /// Errors become responses here and only here (`HTTPError.mapping`).
    public func errorResponse(_ error: any Error, requestID: String) -> Response {
        HTTPError.mapping(error, requestID: requestID, logger: logger).response(requestID: requestID)
    }
}
