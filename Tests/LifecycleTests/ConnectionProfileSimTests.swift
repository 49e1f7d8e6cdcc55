@testable import AdminAPI
import Configuration
import Foundation
import Logging
import Testing
import WebServer

/// fabric-sim's gateway.yaml turned into a connection profile (inline PEM for peers, paths for
/// the orderer) plus a gateway config holding only the identities: the gateway reaches the peers.
@Suite("connection profile against fabric-sim", .serialized, .timeLimit(.minutes(5)))
struct ConnectionProfileSimTests {
    /// The profile for `native` (its nodes; identities stay in the gateway config).
    static func profile(_ native: NetworkConfig) throws -> [String: Any] {
        func node(_ n: NetworkConfig.Node, inline: Bool) throws -> [String: Any] {
            guard let tls = n.tls else { return ["url": "grpc://" + n.address] }
            let ca: [String: Any] = inline ? ["pem": try String(contentsOfFile: tls.rootCertFile, encoding: .utf8)] : ["path": tls.rootCertFile]
            return ["url": "grpcs://" + n.address, "tlsCACerts": ca,
                    "grpcOptions": ["ssl-target-name-override": tls.serverNameOverride ?? n.name]]
        }
        var orgs: [String: Any] = [:]
        for org in native.organizations { orgs[org.name] = ["mspid": org.mspID, "peers": org.peers.map(\.name)] }
        orgs["OrdererOrg"] = ["mspid": native.orderers[0].mspID, "orderers": native.orderers.map(\.name)]
        var result: [String: Any] = [
            "name": "fabric-sim", "version": "1.0.0", "organizations": orgs,
            "peers": Dictionary(uniqueKeysWithValues: try native.peers.map { ($0.name, try node($0, inline: true)) }),
            "orderers": Dictionary(uniqueKeysWithValues: try native.orderers.map { ($0.name, try node($0, inline: false)) }),
            "channels": Dictionary(uniqueKeysWithValues: native.channels.map { ($0, ["peers": [String: Any]()]) }),
        ]
        if let tls = native.peers.first?.tls, let cert = tls.clientCertFile, let key = tls.clientKeyFile {
            result["client"] = ["tlsCerts": ["client": ["cert": ["path": cert], "key": ["path": key]]]]
        }
        return result
    }

    static func identity(_ source: NetworkConfig.IdentitySource?) -> String {
        switch source {
        case .mspDirectory(let dir): return "{mspDir: '\(dir)'}"
        case .files(let cert, let key): return "{certFile: '\(cert)', keyFile: '\(key)'}"
        case .pkcs11: preconditionFailure("fabric-sim's gateway.yaml has no PKCS#11 identities")
        case nil: return "null"
        }
    }

    @Test("GET /api/v1/peers works through a profile converted from fabric-sim's gateway.yaml")
    func peersThroughProfile() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("profile-sim-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sim = try await LifecycleFixture.startSimulator(dir.appendingPathComponent("sim").path)
        do {
            try await Self.peersThroughProfile(in: dir)
        } catch {
            await sim.stop()
            throw error
        }
        await sim.stop()
    }

    static func peersThroughProfile(in dir: URL) async throws {
        let native = try #require(try NetworkConfig.load(path: dir.appendingPathComponent("sim/gateway.yaml").path))
        try JSONSerialization.data(withJSONObject: try Self.profile(native), options: [.sortedKeys])
            .write(to: dir.appendingPathComponent("profile.json"))
        let orgs = native.organizations.map {
            "    - {mspId: \($0.mspID), adminIdentity: \(Self.identity($0.adminIdentity)), clientIdentity: \(Self.identity($0.clientIdentity))}"
        }
        let gatewayYAML = "network:\n  connectionProfile: profile.json\n  organizations:\n" + orgs.joined(separator: "\n") + "\n"
        let network = try #require(try NetworkConfig.parse(yaml: gatewayYAML, file: dir.appendingPathComponent("gateway.yaml").path))
        #expect(network.peers.map(\.address) == native.peers.map(\.address))
        #expect(network.organizations.map(\.adminIdentity) == native.organizations.map(\.adminIdentity))
        #expect(network.peers.allSatisfy { $0.tls?.rootCertPEM != nil } && network.orderers == native.orderers)

        let services = try await GatewayServices.open(dataDirectory: dir.appendingPathComponent("data").path,
                                                      migrationsDirectory: LifecycleFixture.repoRoot.appendingPathComponent("migrations").path,
                                                      network: network)
        var config = HTTPServerConfiguration()
        config.port = 0
        config.threads = 1
        config.accessLog = false
        let app = GatewayApplication(services: services, logger: Logger(label: "test"))
        let server = try HTTPServer(config: config, app: app.httpApplication(publicDirectory: nil, logger: Logger(label: "test")))
        let token = try await services.tokens.create(name: "viewer", role: .viewer, orgs: []).token
        let peers = try await HTTPTestClient(port: server.port, token: token).get("/api/v1/peers").json["items"] as? [[String: Any]] ?? []
        await server.shutdown()
        await services.close()
        #expect(peers.count == 2 && peers.allSatisfy { $0["reachable"] as? Bool == true }, "\(peers)")
    }
}
