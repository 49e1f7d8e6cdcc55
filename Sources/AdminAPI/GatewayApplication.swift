import ChaincodePackages
import Foundation
import Logging
import Store
import Telemetry
import WebServer

/// The services one gateway process runs on.
public struct GatewayServices: Sendable {
    public let queue: DatabaseQueue
    public let packages: PackageStore
    public let tokens: TokenService
    /// The Fabric lifecycle API's services; nil when no `network:` is configured (its routes
    /// then answer 503).
    public let lifecycle: LifecycleServices?

    public init(queue: DatabaseQueue, packages: PackageStore, lifecycle: LifecycleServices? = nil) {
        self.queue = queue
        self.packages = packages
        self.tokens = TokenService(queue: queue)
        self.lifecycle = lifecycle
    }

    /// Opens (and migrates) `<dataDir>/gateway.sqlite`, prepares the package store and removes
    /// what an interrupted upload left behind.
    /// With a `network`, also connects to Fabric (identities loaded now, connections lazily) and
    /// reconciles operations a previous process left unfinished.
    public static func open(dataDirectory: String, migrationsDirectory: String, limits: PackageLimits = PackageLimits(),
                            network: NetworkConfig? = nil, logger: Logger = Logger(label: "gateway")) async throws -> GatewayServices {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let migrator = try Migrator(directory: URL(fileURLWithPath: migrationsDirectory))
        let queue = try DatabaseQueue(path: dataDirectory + "/gateway.sqlite", migrator: migrator)
        let packages = try PackageStore(dataDirectory: URL(fileURLWithPath: dataDirectory), queue: queue, limits: limits)
        _ = try await packages.sweep()
        var lifecycle: LifecycleServices?
        if let network {
            let services = LifecycleServices(network: try FabricNetwork(config: network), queue: queue, packages: packages)
            await services.reconcile(logger: logger)
            lifecycle = services
        }
        return GatewayServices(queue: queue, packages: packages, lifecycle: lifecycle)
    }
}

/// Builds the gateway's HTTP application: the route table (every /api/v1 route with its
/// permission), the system endpoints and the static dashboard.
public struct GatewayApplication: Sendable {
    public let apiRoutes: [APIRoute]
    public let systemRoutes: [Route]
    /// Everything `GET /metrics` reports.
    public let metrics: MetricsRegistry
    let access: AccessControl?

    public init(services: GatewayServices?, logger: Logger, metrics: MetricsRegistry = MetricsRegistry(),
                readiness: @escaping @Sendable () async -> [(String, Bool)] = { [("server", true)] }) {
        self.metrics = metrics
        HTTPMetrics.declare(in: metrics)
        systemRoutes = SystemRoutes.routes(metrics: metrics, readiness: readiness)
        guard let services else {
            apiRoutes = []
            access = nil
            return
        }
        access = AccessControl(tokens: services.tokens, queue: services.queue, limiter: AuthFailureLimiter(), logger: logger)
        apiRoutes = AccessRoutes.routes(tokens: services.tokens, queue: services.queue)
            + PackageRoutes.routes(store: services.packages)
            + LifecycleRoutes.routes(services.lifecycle)
    }

    public var routes: [Route] {
        systemRoutes + (access.map { a in apiRoutes.map(a.route) } ?? [])
    }

    public func httpApplication(publicDirectory: String?, logger: Logger) throws -> HTTPApplication {
        let files = try publicDirectory.map { try StaticFiles(root: $0) }
        return HTTPApplication(router: Router(routes), staticFiles: files, logger: logger,
                               onRequestComplete: HTTPMetrics.recorder(metrics))
    }
}
