import AdminAPI
@testable import ChaincodeLifecycle
import Configuration
import Foundation
import Logging
import Testing
import TestSupport
import WebServer

/// One gateway per organization: one fabric-sim (2 orgs, TLS as the test network runs it: the
/// nodes request a client certificate without requiring one) and two gateways, each
/// with its own data directory and HTTP socket (port 0), configured from the sim's
/// `gateway-<MSP ID>.yaml` (`--per-org-configs`): only its own organization's identities and
/// peer, no orderer, no client TLS certificate. The other organization's peer and the orderer
/// come from discovery, which binds each request to the certificate the gateway generates
/// (`GeneratedClientCertificate`; docs/fabric-notes.md §15).
final class PerOrgFixture: @unchecked Sendable {
    /// One organization's gateway and an admin token for it.
    final class Gateway: @unchecked Sendable {
        let mspID: String
        let services: GatewayServices
        let server: HTTPServer
        let admin: HTTPTestClient

        init(mspID: String, services: GatewayServices, server: HTTPServer, admin: HTTPTestClient) {
            self.mspID = mspID
            self.services = services
            self.server = server
            self.admin = admin
        }

        static func start(mspID: String, config: String, dataDirectory: URL) async throws -> Gateway {
            let network = try #require(try NetworkConfig.load(path: config))
            let services = try await LifecycleFixture.openServices(dataDirectory, network: network)
            do {
                let server = try LifecycleFixture.serve(services, label: "test-\(mspID)")
                let token = try await services.tokens.create(name: "admin", role: .admin, orgs: []).token
                return Gateway(mspID: mspID, services: services, server: server, admin: HTTPTestClient(port: server.port, token: token))
            } catch {
                await services.close()
                throw error
            }
        }

        func stop() async {
            await server.shutdown()
            await services.close()
        }

        /// Builds the ccaas package (deterministic: both gateways get the same package ID) and
        /// installs it on this organization's own peer; returns the package ID.
        func installCCaaS(label: String, address: String) async throws -> String {
            let built = try await admin.post("/api/v1/packages/ccaas", ["label": label, "address": address])
            let packageID = try #require(built.json["packageId"] as? String, "\(mspID): \(built.text)")
            let started = try await admin.post("/api/v1/installs", ["packageId": packageID])
            #expect(started.status == 202, "\(mspID): \(started.text)")
            let id = try #require((started.json["operation"] as? [String: Any])?["id"] as? String, "\(started.text)")
            let op = try await finished(id)
            #expect(op["state"] as? String == "succeeded", "\(mspID): \(op)")
            return packageID
        }

        /// Waits (on this gateway's event hub, replayed from the start) until the operation
        /// reaches a final state, and returns it as fetched over the API.
        func finished(_ id: String) async throws -> [String: Any] {
            for await event in services.lifecycle!.events.subscribe(after: 0) where event.name == "operation" {
                let op = (try? JSONSerialization.jsonObject(with: Data(event.data))) as? [String: Any] ?? [:]
                if op["id"] as? String == id, ["succeeded", "failed"].contains(op["state"] as? String) { break }
            }
            return try await admin.get("/api/v1/operations/\(id)").json
        }
    }

    let directory: URL
    let sim: FabricSimulator
    let org1: Gateway
    let org2: Gateway

    private init(directory: URL, sim: FabricSimulator, org1: Gateway, org2: Gateway) {
        self.directory = directory
        self.sim = sim
        self.org1 = org1
        self.org2 = org2
    }

    static func start() async throws -> PerOrgFixture {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("perorg-\(UUID().uuidString.prefix(8))")
        let simDir = dir.appendingPathComponent("sim")
        let sim = try await FabricSimulator.start(directory: simDir, arguments: ["--orgs", "2", "--base-port", "0", "--tls",
                                                                                 "--per-org-configs"])
        var started: [Gateway] = []
        do {
            for (msp, data) in [("Org1MSP", "org1"), ("Org2MSP", "org2")] {
                started.append(try await Gateway.start(mspID: msp, config: simDir.appendingPathComponent("gateway-\(msp).yaml").path,
                                                       dataDirectory: dir.appendingPathComponent(data)))
            }
            return PerOrgFixture(directory: dir, sim: sim, org1: started[0], org2: started[1])
        } catch {
            for g in started { await g.stop() }
            await sim.stop()
            try? FileManager.default.removeItem(at: dir)
            throw error
        }
    }

    /// Starts a fixture, runs `body` on it and stops it, whether `body` throws or not.
    static func run(_ body: (PerOrgFixture) async throws -> Void) async throws {
        let f = try await start()
        do { try await body(f) } catch {
            await f.stop()
            throw error
        }
        await f.stop()
    }

    func stop() async {
        await org1.stop()
        await org2.stop()
        await sim.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Polls (bounded, 10 s) until `ready` holds: another gateway's transaction reaches this
    /// gateway only through its own block listener.
    static func eventually(_ what: String, _ ready: () async throws -> Bool) async throws {
        for _ in 0..<100 {
            if try await ready() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("not seen within 10 s: \(what)")
    }
}
