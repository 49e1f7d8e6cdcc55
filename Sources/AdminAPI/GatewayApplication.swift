import ChaincodeLifecycle
import ChaincodePackages
import Configuration
import EmbeddedAssets
import FabricAccess
import Foundation
import Logging
import Store
import SystemIO
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
    /// Block listeners recording approvals and commits (issue 8); nil without a network.
    public let tracker: ApprovalTracker?
    /// The process's metrics: HTTP (added by `GatewayApplication`), gRPC calls, operations.
    public let metrics: MetricsRegistry
    /// The data directory's `gateway.lock`, held while these services run (set by `open`).
    var dataLock: ExclusiveFileLock?

    public init(queue: DatabaseQueue, packages: PackageStore, lifecycle: LifecycleServices? = nil, tracker: ApprovalTracker? = nil,
                metrics: MetricsRegistry = MetricsRegistry()) {
        self.metrics = metrics
        FabricMetrics.declare(in: metrics)
        self.queue = queue
        self.packages = packages
        self.tokens = TokenService(queue: queue)
        self.lifecycle = lifecycle
        self.tracker = tracker
    }

    /// Gives up this process's claim on the data directory (`close()` does it too), so that
    /// another `open` on it succeeds: tests that simulate a restart while these still run.
    public func releaseDataDirectory() {
        dataLock?.release()
    }

    /// Stops the block listeners and auto-commit, waits (bounded) for background installs and
    /// submits, then closes the Fabric network connections they use.
    public func close() async {
        await tracker?.stop()
        await lifecycle?.stopAutoCommit()
        await lifecycle?.drainBackgroundTasks()
        await lifecycle?.network.close()
        dataLock?.release()
    }

    /// Takes `<dataDir>/gateway.lock` (`DataDirectoryInUseError` when another gateway holds it:
    /// its start-up sweep would delete that one's in-flight uploads), opens (and migrates)
    /// `<dataDir>/gateway.sqlite`, prepares the package store and removes
    /// what an interrupted upload left behind. The migrations come from `migrationsDirectory`, or
    /// from the binary when it is nil; either way they must match their `manifest.sha256`
    /// (`MigrationManifestError` otherwise).
    /// With a `network`, also connects to Fabric (identities loaded now, connections lazily) and
    /// reconciles operations a previous process left unfinished, and starts a block listener per
    /// channel (unless `trackApprovals` is false).
    public static func open(dataDirectory: String, migrationsDirectory: String? = nil, limits: PackageLimits = PackageLimits(),
                            network: NetworkConfig? = nil, trackApprovals: Bool = true,
                            logger: Logger = Logger(label: "gateway")) async throws -> GatewayServices {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let lock = try DataDirectoryInUseError.lock(dataDirectory)
        let migrator = try ShippedMigrations.migrator(directory: migrationsDirectory)
        let queue = try DatabaseQueue(path: dataDirectory + "/gateway.sqlite", migrator: migrator)
        let packages = try PackageStore(dataDirectory: URL(fileURLWithPath: dataDirectory), queue: queue, limits: limits)
        _ = try await packages.sweep()
        var lifecycle: LifecycleServices?
        var tracker: ApprovalTracker?
        let metrics = MetricsRegistry()
        FabricMetrics.declare(in: metrics)
        if let network {
            let fabric = try FabricNetwork(config: network, metrics: metrics)
            if let hash = fabric.generatedClientCertificateHash {
                logger.info("TLS connections without a configured client certificate present a generated self-signed one (peers request one; discovery binds requests to it)",
                            metadata: ["sha256": "\(hash.map { String(format: "%02x", $0) }.joined())"])
            }
            let services = LifecycleServices(network: fabric, queue: queue,
                                             packages: packages, metrics: metrics, logger: logger,
                                             statusOf: { HTTPError.mapping($0, requestID: "auto-commit", logger: logger).status })
            await services.reconcile(logger: logger)
            services.startAutoCommit()
            lifecycle = services
            if trackApprovals {
                tracker = ApprovalTracker(network: services.network, queue: queue, events: services.events, logger: logger)
                tracker?.start()
            }
        }
        var services = GatewayServices(queue: queue, packages: packages, lifecycle: lifecycle, tracker: tracker, metrics: metrics)
        services.dataLock = lock
        return services
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

    /// `metrics` defaults to the services' registry, so HTTP, gRPC and operation metrics are
    /// reported together. `maxFailedAuthentications` per minute, address and token ID before
    /// 429 (`AuthFailureLimiter`; tests that make many anonymous calls raise it).
    /// `readiness` defaults to `Self.readiness(of:)`: what the gateway knows without asking anyone.
    public init(services: GatewayServices?, logger: Logger, metrics: MetricsRegistry? = nil, maxFailedAuthentications: Int = 10,
                readiness: (@Sendable () async -> [(String, Bool)])? = nil) {
        let metrics = metrics ?? services?.metrics ?? MetricsRegistry()
        self.metrics = metrics
        HTTPMetrics.declare(in: metrics)
        systemRoutes = SystemRoutes.routes(metrics: metrics, readiness: readiness ?? Self.readiness(of: services))
        guard let services else {
            apiRoutes = []
            access = nil
            return
        }
        access = AccessControl(tokens: services.tokens, queue: services.queue, limiter: AuthFailureLimiter(maxFailures: maxFailedAuthentications),
                               logger: logger)
        apiRoutes = AccessRoutes.routes(tokens: services.tokens, queue: services.queue)
            + PackageRoutes.routes(store: services.packages)
            + LifecycleRoutes.routes(services.lifecycle)
    }

    public var routes: [Route] {
        systemRoutes + (access.map { a in apiRoutes.map(a.route) } ?? [])
    }

    public func httpApplication(publicDirectory: String?, logger: Logger) throws -> HTTPApplication {
        httpApplication(staticFiles: try publicDirectory.map { try StaticFiles(root: $0) }, logger: logger)
    }

    /// The operations listener's application: `/healthz`, `/readyz` and `/metrics` only, no
    /// dashboard and no API (as Fabric's operations service, it is meant for probes and scrapers).
    public func operationsApplication(logger: Logger) -> HTTPApplication {
        HTTPApplication(router: Router(systemRoutes), staticFiles: nil, logger: logger)
    }

    /// As above, with the static files already made (e.g. the dashboard held in memory).
    public func httpApplication(staticFiles files: StaticFiles?, logger: Logger) -> HTTPApplication {
        HTTPApplication(router: Router(routes), staticFiles: files, logger: logger,
                        onRequestComplete: HTTPMetrics.recorder(metrics))
    }
}

extension GatewayApplication {
    /// Readiness from facts the gateway already holds (no network call per probe): the server is
    /// up and, for each configured channel, the approval tracker has a live Deliver stream to some
    /// peer (`fabric:<channel>`), i.e. the Fabric network is reachable. Without a network
    /// configuration or tracking there is nothing to report beyond the server.
    static func readiness(of services: GatewayServices?) -> @Sendable () async -> [(String, Bool)] {
        guard let tracker = services?.tracker, let channels = services?.lifecycle?.network.config.channels else {
            return { [("server", true)] }
        }
        return { [("server", true)] + channels.map { ("fabric:\($0)", tracker.streamingPeer(channel: $0) != nil) } }
    }
}
