import Logging
import WebServer

/// Builds the gateway's HTTP application: the route table and static files.
public struct GatewayApplication: Sendable {
    public let routes: [Route]

    public init(readiness: @escaping @Sendable () async -> [(String, Bool)] = { [("server", true)] }) {
        routes = SystemRoutes.routes(readiness: readiness)
    }

    public func httpApplication(publicDirectory: String?, logger: Logger) throws -> HTTPApplication {
        let files = try publicDirectory.map { try StaticFiles(root: $0) }
        return HTTPApplication(router: Router(routes), staticFiles: files, logger: logger)
    }
}
