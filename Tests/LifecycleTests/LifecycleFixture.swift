import AdminAPI
@testable import ChaincodeLifecycle
import Configuration
import Foundation
import Logging
import Synchronization
import TestSupport
import WebServer

/// A fabric-sim (2 orgs unless told otherwise, TLS, free ports) in a temp dir, and a gateway (real SQLite file,
/// real HTTP socket on port 0) configured from the gateway.yaml the simulator wrote.
final class LifecycleFixture: @unchecked Sendable {
    static var repoRoot: URL { repositoryRoot }

    static var python: String { pythonInterpreter() }

    let directory: URL
    let sim: FabricSimulator
    let ready: [String: Any]
    let services: GatewayServices
    let server: HTTPServer
    let admin: HTTPTestClient
    let org1Operator: HTTPTestClient
    let viewer: HTTPTestClient

    var controlPort: Int { ready["controlPort"] as? Int ?? 0 }
    var port: Int { server.port }

    /// Starts a simulated network of `orgs` organizations (Org1MSP…OrgNMSP, `peersPerOrg` peers
    /// each) and a gateway on it.
    /// `configure` may change the network configuration the simulator wrote before the gateway opens it.
    static func start(orgs: Int = 2, peersPerOrg: Int = 1, mutualTLS: Bool = false,
                      configure: (inout NetworkConfig) throws -> Void = { _ in }) async throws -> LifecycleFixture {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lifecycle-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let sim = try await startSimulator(dir.appendingPathComponent("sim").path, orgs: orgs, peersPerOrg: peersPerOrg, mutualTLS: mutualTLS)
        do {
            return try await LifecycleFixture(directory: dir, sim: sim, configure: configure)
        } catch {
            await sim.stop()
            throw error
        }
    }

    /// Starts a fixture, runs `body` on it and stops it, whether `body` throws or not.
    static func run(orgs: Int = 2, peersPerOrg: Int = 1, mutualTLS: Bool = false,
                    configure: (inout NetworkConfig) throws -> Void = { _ in },
                    _ body: (LifecycleFixture) async throws -> Void) async throws {
        let f = try await start(orgs: orgs, peersPerOrg: peersPerOrg, mutualTLS: mutualTLS, configure: configure)
        do {
            try await body(f)
        } catch {
            await f.stop()
            throw error
        }
        await f.stop()
    }

    private init(directory: URL, sim: FabricSimulator, configure: (inout NetworkConfig) throws -> Void) async throws {
        self.directory = directory
        self.sim = sim
        let simDir = directory.appendingPathComponent("sim").path
        ready = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: simDir + "/ready.json"))) as? [String: Any] ?? [:]
        var network = try NetworkConfig.load(path: simDir + "/gateway.yaml")
        if network != nil { try configure(&network!) }
        services = try await Self.openServices(directory.appendingPathComponent("data"), network: network)
        server = try Self.serve(services, label: "test")
        let adminToken = try await services.tokens.create(name: "admin", role: .admin, orgs: []).token
        let operatorToken = try await services.tokens.create(name: "org1-operator", role: .operator, orgs: ["Org1MSP"]).token
        let viewerToken = try await services.tokens.create(name: "viewer", role: .viewer, orgs: []).token
        admin = HTTPTestClient(port: server.port, token: adminToken)
        org1Operator = HTTPTestClient(port: server.port, token: operatorToken)
        viewer = HTTPTestClient(port: server.port, token: viewerToken)
    }

    /// The gateway's services on `dataDirectory` (a real SQLite file), with the repository's migrations.
    static func openServices(_ dataDirectory: URL, network: NetworkConfig?) async throws -> GatewayServices {
        try await GatewayServices.open(dataDirectory: dataDirectory.path,
                                       migrationsDirectory: repoRoot.appendingPathComponent("migrations").path, network: network)
    }

    /// A real HTTP server on port 0 (one loop, no access log) serving `services`' API.
    static func serve(_ services: GatewayServices, label: String) throws -> HTTPServer {
        let app = GatewayApplication(services: services, logger: Logger(label: label))
        var config = HTTPServerConfiguration()
        config.port = 0
        config.threads = 1
        config.accessLog = false
        // An SSE stream notices a gone client only at its next write: don't wait long for it.
        config.shutdownGraceNanos = 1_000_000_000
        return try HTTPServer(config: config, app: app.httpApplication(publicDirectory: nil, logger: Logger(label: label)))
    }

    /// Opens the same data directory again, as a restarted gateway would (reconciling on the way).
    func reopen() async throws -> LifecycleServices {
        services.releaseDataDirectory()  // as if this process had ended
        let simDir = directory.appendingPathComponent("sim").path
        let services = try await GatewayServices.open(dataDirectory: directory.appendingPathComponent("data").path,
                                                      migrationsDirectory: Self.repoRoot.appendingPathComponent("migrations").path,
                                                      network: try NetworkConfig.load(path: simDir + "/gateway.yaml"))
        return services.lifecycle!
    }

    func stop() async {
        await server.shutdown()
        await services.close()
        await sim.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// `POST /nodes/<name>/stop|start` on the simulator's control endpoint.
    func control(_ node: String, _ action: String) async throws {
        let r = try await HTTPTestClient(port: controlPort).post("/nodes/\(node)/\(action)")
        guard r.status == 200 else { throw HTTPTestClient.Failure(description: "control \(action) \(node): \(r.status) \(r.text)") }
    }

    /// Starts `fabric_sim.py up` (TLS, or mutual TLS; free ports) and returns once it printed its ready line.
    static func startSimulator(_ dir: String, orgs: Int = 2, peersPerOrg: Int = 1, mutualTLS: Bool = false) async throws
        -> FabricSimulator {
        try await FabricSimulator.start(directory: URL(fileURLWithPath: dir),
                                        arguments: ["--orgs", String(orgs), "--base-port", "0", mutualTLS ? "--mutual-tls" : "--tls"]
                                            + (peersPerOrg == 1 ? [] : ["--peers-per-org", String(peersPerOrg)]))
    }
}
