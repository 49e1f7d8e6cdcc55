import AdminAPI
import ChaincodePackages
import ArgumentParser
import Configuration
import EmbeddedAssets
import Foundation
import Logging
import SystemIO
import WebServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the gateway's HTTP server.")

    @Option(help: "Address to listen on (host:port).") var listen: String?
    @Option(help: "Gateway configuration file (YAML).") var config: String?
    @Option(help: "Directory for the database and stored packages.") var dataDir: String?
    @Option(help: "Directory of the static dashboard (default: the dashboard embedded in the binary).") var publicDir: String?
    @Option(help: "Event-loop threads (default: one per core).") var threads: Int?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: String = "info"
    @Flag(help: "Disable the per-request access log.") var noAccessLog = false
    @Option(help: "Minimum request-body bytes per rate window, once a body has been read for one window (default 1024; 0: off).")
    var minBodyBytes: Int?
    @Option(help: "The minimum body rate's window in seconds (default 10).") var minBodyRateWindow: Int?
    @Option(help: "Seconds for a request head to arrive before 408 (default 10).") var headerTimeout: Int?
    @Option(help: "Seconds an idle keep-alive connection stays open (default 60).") var idleTimeout: Int?
    @Option(help: "Directory of the SQL migrations and their manifest.sha256 (default: the migrations embedded in the binary).")
    var migrationsDir: String?
    @Option(help: "Largest accepted chaincode package in bytes (default 100 MiB, the peer's gRPC limit).") var maxPackageBytes: Int64?

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
        let logger = Logger(label: "gateway")
        if !MemoryTuning.applyServerDefaults() { logger.notice("malloc tuning (mmap/trim thresholds) not applied") }
        let (settings, network) = try readConfiguration(logger: logger)
        guard let (host, port) = ServerSettings.splitListen(settings.listen) else { throw ExitCode(2) }
        var serverConfig = HTTPServerConfiguration()
        serverConfig.host = host
        serverConfig.port = port
        serverConfig.threads = settings.threads
        // Access-log lines are info lines (written by the server in batches, not through the
        // Logger): a higher --log-level silences them as it did when they went through it.
        serverConfig.accessLog = settings.accessLog && level <= .info
        serverConfig.minBodyBytes = settings.minBodyBytes
        serverConfig.minBodyRateWindowNanos = UInt64(settings.minBodyRateWindow) * 1_000_000_000
        serverConfig.headerTimeoutNanos = UInt64(settings.headerTimeout) * 1_000_000_000
        serverConfig.idleTimeoutNanos = UInt64(settings.idleTimeout) * 1_000_000_000

        let services = try await openServices(settings: settings, network: network, logger: logger)
        try await bootstrapToken(services, logger: logger)
        let app = GatewayApplication(services: services, logger: Logger(label: "api"))
        let server: HTTPServer
        do {
            let files = try settings.publicDir.map { try StaticFiles(root: $0) } ?? Self.embeddedDashboard()
            let http = app.httpApplication(staticFiles: files, logger: Logger(label: "http"))
            server = try HTTPServer(config: serverConfig, app: http)
        } catch let e as SystemError where e.code == SystemError.addressInUse {
            logger.critical("cannot listen on \(settings.listen): address already in use")
            throw ExitCode(1)
        } catch {
            logger.critical("cannot start: \(error)")
            throw ExitCode(1)
        }
        let dashboard = settings.publicDir.map { "from '\($0)'" } ?? "embedded"
        let migrations = migrationsDir.map { "from '\($0)'" } ?? "embedded"
        logger.info("listening on http://\(host):\(server.port) (\(settings.threads) threads, dashboard \(dashboard), migrations \(migrations))")
        await SignalWaiter.waitForTermination()
        logger.info("shutting down: finishing in-flight requests")
        await server.shutdown()
        await services.close()
        logger.info("stopped")
    }

    /// The database, packages and Fabric services; a refused migration exits 2, anything else 1.
    func openServices(settings: ServerSettings, network: NetworkConfig?, logger: Logger) async throws -> GatewayServices {
        do {
            var limits = PackageLimits()
            if let m = maxPackageBytes { limits.maxPackageBytes = m }
            return try await GatewayServices.open(dataDirectory: settings.dataDir, migrationsDirectory: migrationsDir,
                                                  limits: limits, network: network, logger: logger)
        } catch let error as MigrationManifestError {
            logger.critical("refusing to start: \(error)")
            throw ExitCode(2)
        } catch let error as DataDirectoryInUseError {
            logger.critical("refusing to start: \(error)")
            throw ExitCode(1)
        } catch {
            logger.critical("cannot start the gateway services (data directory '\(settings.dataDir)', network configuration): \(error)")
            throw ExitCode(1)
        }
    }

    /// On the first start, the bootstrap admin token: shown once, on stderr only (stored as a SHA-256 digest).
    func bootstrapToken(_ services: GatewayServices, logger: Logger) async throws {
        do {
            if let token = try await TokenBootstrap.run(services.tokens, environment: ProcessInfo.processInfo.environment, logger: logger) {
                let banner = "\n==== bootstrap admin token (shown once; store it now) ====\n\(token)\n" + String(repeating: "=", count: 58) + "\n\n"
                FileHandle.standardError.write(Data(banner.utf8))
            }
        } catch {
            logger.critical("cannot create the bootstrap admin token: \(error)")
            throw ExitCode(1)
        }
    }

    /// `resolveSettings()`; a configuration problem is logged and exits with status 2.
    func readConfiguration(logger: Logger) throws -> (ServerSettings, NetworkConfig?) {
        do {
            let (settings, network) = try resolveSettings()
            if network == nil { logger.notice("no 'network:' section configured: the Fabric lifecycle endpoints answer 503") }
            return (settings, network)
        } catch {
            logger.critical("\(error)")
            throw ExitCode(2)
        }
    }

    /// The configuration file (read once), then environment variables, then flags.
    func resolveSettings() throws -> (ServerSettings, NetworkConfig?) {
        let env = ProcessInfo.processInfo.environment
        let file = try (config ?? env["GATEWAY_CONFIG"]).map { try GatewayConfiguration.load(path: $0) }
        var s = file?.server ?? ServerSettings()
        try s.apply(environment: env)
        if let v = listen { try s.set("listen", to: v, from: .flag("--listen")) }
        if let v = dataDir { s.dataDir = v }
        if let v = publicDir { s.publicDir = v }
        if let v = threads { try s.set("threads", to: String(v), from: .flag("--threads")) }
        if noAccessLog { s.accessLog = false }
        if let v = minBodyBytes { try s.set("minBodyBytes", to: String(v), from: .flag("--min-body-bytes")) }
        if let v = minBodyRateWindow { try s.set("minBodyRateWindow", to: String(v), from: .flag("--min-body-rate-window")) }
        if let v = headerTimeout { try s.set("headerTimeout", to: String(v), from: .flag("--header-timeout")) }
        if let v = idleTimeout { try s.set("idleTimeout", to: String(v), from: .flag("--idle-timeout")) }
        return (s, file?.network)
    }

    /// The dashboard compiled into the binary (`--public-dir` replaces it with a directory).
    static func embeddedDashboard() -> StaticFiles {
        StaticFiles(files: Dictionary(uniqueKeysWithValues: EmbeddedDashboard.files.map { ($0.path, $0.bytes) }))
    }
}
