import AdminAPI
import ChaincodePackages
import Configuration
import Foundation
import Logging
import Store
import Synchronization
import SystemIO
import Testing
import TLSCrypto
import TestSupport
import WebServer

let migrationsDirectory = repositoryRoot.appendingPathComponent("migrations").path

/// Every log line the gateway wrote, rendered with its metadata (what an operator would see).
final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }

    func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { _ in RecordingLogHandler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }
}

struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        recorder.append("\(event.level) \(event.message) \(merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })")
    }
}

/// A gateway on 127.0.0.1:0 over a real SQLite file in a temp dir, with an admin, an operator
/// bound to Org1MSP and a viewer token. Records every response body so a test can check that
/// no secret leaked.
final class GatewayFixture: Sendable {
    let dataDirectory: String
    let services: GatewayServices
    let application: GatewayApplication
    let server: HTTPServer
    let logs = LogRecorder()
    let admin: String
    let operatorToken: String
    let viewer: String
    /// Tokens created by the fixture or by tests (their creation responses are not recorded).
    private let secrets: Mutex<[String]>
    private let bodies = Mutex<[String]>([])
    /// Every exchange (method, path, status, content type, body), checked against openapi.yaml.
    private let exchanges = Mutex<[Exchange]>([])

    struct Exchange: Sendable {
        let method: String
        let path: String
        let response: TestClient.Response
    }

    var port: Int { server.port }
    /// With TLS: the test PKI and the plain -> TLS proxy that `request` goes through.
    let pki: TestPKI?
    private let proxy: (ChildProcess, Int)?
    /// The port `request` connects to: the server's, or its TLS proxy's.
    var clientPort: Int { proxy?.1 ?? server.port }

    /// `tls`: serve HTTPS with this client-certificate mode (requests then go through a proxy
    /// that speaks TLS to the server without a client certificate).
    init(limits: PackageLimits = PackageLimits(), network: NetworkConfig? = nil, maxFailedAuthentications: Int = 10,
         tls: TLSServerConfiguration.ClientAuth? = nil) async throws {
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("adminapi-\(UUID().uuidString)").path
        services = try await GatewayServices.open(dataDirectory: dataDirectory, migrationsDirectory: migrationsDirectory, limits: limits,
                                                  network: network)
        admin = try await services.tokens.create(name: "test-admin", role: .admin, orgs: []).token
        operatorToken = try await services.tokens.create(name: "test-operator", role: .operator, orgs: ["Org1MSP"]).token
        viewer = try await services.tokens.create(name: "test-viewer", role: .viewer, orgs: []).token
        secrets = Mutex([admin, operatorToken, viewer])
        application = GatewayApplication(services: services, logger: logs.logger("api"), maxFailedAuthentications: maxFailedAuthentications)
        var config = HTTPServerConfiguration()
        config.threads = 1
        config.accessLog = true
        let recorder = logs
        config.accessLogSink = AccessLogSink { batch in
            for line in batch.split(separator: 0x0a) { recorder.append(String(decoding: line, as: UTF8.self)) }
        }
        if let tls {
            let pki = try TestPKI()
            let files = TLSCertificateReloader.Files(certFile: pki.path("server.pem"), keyFile: pki.path("server-key.pem"),
                                                     clientCAFile: tls == .none ? nil : pki.path("ca.pem"), clientAuth: tls)
            config.tls = try TLSCertificateReloader(files: files, logger: logs.logger("tls")).provider
            // These suites test identities, not handshake limits (WebServerTests do): a full
            // parallel run on two cores has stalled the Python proxy's handshake for seconds.
            config.tlsHandshakeTimeoutNanos = 60_000_000_000
            self.pki = pki
        } else {
            pki = nil
        }
        let app = try application.httpApplication(publicDirectory: nil, logger: logs.logger("http"))
        server = try TestPorts.bind(inUse: { ($0 as? SystemError)?.code == SystemError.addressInUse }) { port in
            config.port = port
            return try HTTPServer(config: config, app: app)
        }
        do {
            proxy = try await pki?.startProxy(to: server.port)
        } catch {
            await server.shutdown()
            throw error
        }
    }

    func stop() async {
        await proxy?.0.stop()
        await server.shutdown()
        await services.lifecycle?.network.close()
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }

    /// Registers a secret (a token) that must never appear in responses or logs.
    func remember(secret: String) { secrets.withLock { $0.append(secret) } }

    /// One request. `token` is sent as a bearer token; `recordBody: false` for the one response
    /// allowed to carry a secret (token creation).
    func request(_ method: String, _ path: String, token: String? = nil, contentType: String? = nil,
                 body: [UInt8]? = nil, headers extra: [(String, String)] = [], recordBody: Bool = true,
                 via proxyPort: Int? = nil) async throws -> TestClient.Response {
        var headers = extra
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if let contentType { headers.append(("Content-Type", contentType)) }
        let port = proxyPort ?? clientPort
        let h = headers
        let response = try await onThread { try TestClient.request(port: port, method: method, path: path, headers: h, body: body) }
        if recordBody { bodies.withLock { $0.append(response.text) } }
        exchanges.withLock { $0.append(Exchange(method: method, path: path, response: response)) }
        return response
    }

    func json(_ method: String, _ path: String, token: String?, _ object: [String: Any],
              recordBody: Bool = true) async throws -> TestClient.Response {
        let body = Array(try JSONSerialization.data(withJSONObject: object))
        return try await request(method, path, token: token, contentType: "application/json", body: body, recordBody: recordBody)
    }

    func auditEntries() async throws -> [AuditEntry] {
        var q = AuditQuery()
        q.limit = AuditQuery.maxLimit
        let query = q
        return try await services.queue.read { try AuditRepository($0).list(query) }.items
    }

    /// Token strings, their secrets and the stored SHA-256 of each (hex and base64): none may
    /// appear in any recorded body or log line.
    func leakedSecrets() async throws -> [String] {
        let tokens = secrets.withLock { $0 }
        let records = try await services.tokens.list()
        var needles = tokens
        for t in tokens {
            let parts = t.split(separator: "_", maxSplits: 2)
            if t.hasPrefix("cgw_"), parts.count == 3 { needles.append(String(parts[2])) }
        }
        for r in records where !r.secretSHA256.isEmpty {
            needles.append(r.secretSHA256.map { String(format: "%02x", $0) }.joined())
            needles.append(Data(r.secretSHA256).base64EncodedString())
        }
        let haystacks = bodies.withLock { $0 } + logs.all
        return needles.filter { n in haystacks.contains { $0.contains(n) } }
    }

    /// Responses that openapi.yaml does not describe: an undocumented status for the matched
    /// operation, or a JSON body that does not fit the documented schema.
    func contractProblems() throws -> [String] {
        let spec = try OpenAPIContractTests.loadSpec()
        let checker = SchemaChecker(spec: spec)
        let paths = spec["paths"] as? [String: Any] ?? [:]
        let router = Router(application.routes)
        var problems: [String] = []
        for x in exchanges.withLock({ $0 }) {
            let method = x.method == "HEAD" ? "GET" : x.method
            let rawPath = String(x.path.split(separator: "?", maxSplits: 1)[0])
            guard case .found(let route, _) = router.match(method: method, path: rawPath) else {
                problems.append("\(x.method) \(x.path): no route")
                continue
            }
            let op = "\(method) \(route.pattern) \(x.response.status)"
            let operation = (paths[route.pattern] as? [String: Any])?[method.lowercased()] as? [String: Any]
            guard (operation?["responses"] as? [String: Any])?[String(x.response.status)] != nil else {
                problems.append("\(op) is not documented")
                continue
            }
            guard x.response.headers["content-type"]?.hasPrefix("application/json") == true, x.method != "HEAD" else { continue }
            let json = try? JSONSerialization.jsonObject(with: Data(x.response.body), options: [.fragmentsAllowed])
            problems += checker.check(json, method, route.pattern, status: x.response.status)
        }
        return problems
    }

    /// File names in `<data>/packages`.
    func packageFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dataDirectory + "/packages")) ?? []).sorted()
    }
}

/// Runs `body` against a fresh gateway, then checks that no secret leaked, and stops it.
func withGateway(limits: PackageLimits = PackageLimits(), network: NetworkConfig? = nil, maxFailedAuthentications: Int = 10,
                 tls: TLSServerConfiguration.ClientAuth? = nil, _ body: (GatewayFixture) async throws -> Void) async throws {
    let fx = try await GatewayFixture(limits: limits, network: network, maxFailedAuthentications: maxFailedAuthentications, tls: tls)
    do {
        try await body(fx)
    } catch {
        await fx.stop()
        throw error
    }
    let problems = try fx.contractProblems()
    #expect(problems == [], "responses differ from openapi.yaml")
    let leaked = try await fx.leakedSecrets()
    #expect(leaked.count == 0, "secrets found in a response body or the log (values withheld)")
    let port = fx.port
    #expect(DescriptorAudit.openSockets(port: port, end: .localOrRemote) > 0, "the audit must see the listener")
    await fx.stop()
    #expect(DescriptorAudit.openSocketsSettled(port: port, end: .localOrRemote) == 0, "socket descriptors leaked")
}
