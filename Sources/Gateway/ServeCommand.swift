import AdminAPI
import ChaincodePackages
import ArgumentParser
import Configuration
import EmbeddedAssets
import Foundation
import Logging
import SystemIO
import TLSCrypto
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
    @Option(help: "Serve HTTPS with this certificate (PEM, leaf first); needs --tls-key-file.") var tlsCertFile: String?
    @Option(help: "The TLS certificate's private key (PEM).") var tlsKeyFile: String?
    @Option(help: "CA certificates (PEM) that sign accepted client certificates.") var tlsClientCaFile: String?
    @Option(help: "Client certificates: none, optional or required.") var tlsClientAuth: String?
    @Option(help: "Lowest TLS version: TLS1.2 (default) or TLS1.3.") var tlsMinVersion: String?
    @Option(help: "A plain-HTTP listener (host:port, loopback) for /healthz, /readyz and /metrics only.") var operationsListen: String?

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
        let reloader = try settings.tls.map { try Self.certificateReloader($0, logger: logger) }
        serverConfig.tls = reloader?.provider

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
        let operations = try startOperationsListener(settings, app: app, logger: logger)
        let dashboard = settings.publicDir.map { "from '\($0)'" } ?? "embedded"
        let migrations = migrationsDir.map { "from '\($0)'" } ?? "embedded"
        let scheme = reloader == nil ? "http" : "https"
        logger.info("listening on \(scheme)://\(host):\(server.port) (\(settings.threads) threads, dashboard \(dashboard), migrations \(migrations))")
        if let reloader {
            reloader.watch()
            SignalWaiter.onHangup { reloader.reload() }
        }
        await SignalWaiter.waitForTermination()
        logger.info("shutting down: finishing in-flight requests")
        reloader?.stopWatching()
        await operations?.shutdown()
        await server.shutdown()
        await services.close()
        logger.info("stopped")
    }

    /// The TLS context from `server.tls`'s files; a file that cannot be read or a certificate
    /// that does not work exits 2, like any configuration problem.
    static func certificateReloader(_ tls: TLSSettings, logger: Logger) throws -> TLSCertificateReloader {
        do {
            return try TLSCertificateReloader(files: tlsFiles(tls), logger: Logger(label: "tls"))
        } catch {
            logger.critical("cannot serve TLS: \(error)")
            throw ExitCode(2)
        }
    }

    /// `server.tls` as the files the reloader reads (values were validated when set).
    static func tlsFiles(_ tls: TLSSettings) -> TLSCertificateReloader.Files {
        TLSCertificateReloader.Files(
            certFile: tls.certFile, keyFile: tls.keyFile, clientCAFile: tls.clientCAFile,
            clientAuth: TLSServerConfiguration.ClientAuth(rawValue: tls.clientAuth) ?? .none,
            minVersion: TLSServerConfiguration.ProtocolVersion(rawValue: tls.minVersion) ?? .tls12,
            ciphers: tls.ciphers, cipherSuites: tls.cipherSuites)
    }

    /// The optional plain-HTTP operations listener (`server.operationsListen`).
    func startOperationsListener(_ settings: ServerSettings, app: GatewayApplication, logger: Logger) throws -> HTTPServer? {
        guard let listen = settings.operationsListen, let (host, port) = ServerSettings.splitListen(listen) else { return nil }
        var config = HTTPServerConfiguration()
        config.host = host
        config.port = port
        config.threads = 1
        config.accessLog = false  // probes and scrapers every few seconds would drown the access log
        do {
            let server = try HTTPServer(config: config, app: app.operationsApplication(logger: Logger(label: "operations")))
            logger.info("operations listener on http://\(host):\(server.port) (/healthz, /readyz, /metrics)")
            return server
        } catch {
            logger.critical("cannot listen on \(listen) (operationsListen): \(error)")
            throw ExitCode(1)
        }
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
        let tlsFlags = [("certFile", tlsCertFile, "--tls-cert-file"), ("keyFile", tlsKeyFile, "--tls-key-file"),
                        ("clientCAFile", tlsClientCaFile, "--tls-client-ca-file"), ("clientAuth", tlsClientAuth, "--tls-client-auth"),
                        ("minVersion", tlsMinVersion, "--tls-min-version"), ("operationsListen", operationsListen, "--operations-listen")]
        for (setting, value, flag) in tlsFlags {
            guard let value else { continue }
            try s.set(setting == "operationsListen" ? setting : "tls." + setting, to: value, from: .flag(flag))
        }
        try s.validate()
        return (s, file?.network)
    }

    /// The dashboard compiled into the binary (`--public-dir` replaces it with a directory).
    static func embeddedDashboard() -> StaticFiles {
        StaticFiles(files: Dictionary(uniqueKeysWithValues: EmbeddedDashboard.files.map { ($0.path, $0.bytes) }))
    }
}
