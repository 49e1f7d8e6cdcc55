import AdminAPI
@testable import ChaincodeLifecycle
import Configuration
import Fabric
import FabricAccess
import Foundation
import TestSupport
import Testing

/// One gateway per organization: a gateway holding only Org2's identities and peer, with Org1's
/// and Org3's peers known only through service discovery, on a 3-org simulator with mutual TLS
/// (discovery binds requests to the client's TLS certificate, docs/fabric-notes.md §15).
@Suite(.serialized, .timeLimit(.minutes(5))) struct DiscoveryInvokeTests {
    final class Org2Gateway: @unchecked Sendable {
        let dir: URL
        let sim: FabricSimulator
        let services: GatewayServices
        var simDir: String { dir.appendingPathComponent("sim").path }
        var invoke: InvokeService { services.lifecycle!.invocations }

        init(dir: URL, sim: FabricSimulator, services: GatewayServices) {
            self.dir = dir
            self.sim = sim
            self.services = services
        }

        /// `advertiseNames`: the peers advertise names this host does not resolve, and the gateway
        /// reads the sim's `gateway-Org2MSP.yaml` (its `network.addressRewrites` maps them to
        /// 127.0.0.1, no orderer); `rewrite: false` drops the map.
        static func start(keepOrderer: Bool = true, advertiseNames: Bool = false, rewrite: Bool = true) async throws -> Org2Gateway {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("discovery-\(UUID().uuidString.prefix(8))")
            let sim = try await FabricSimulator.start(directory: dir.appendingPathComponent("sim"),
                                                      arguments: ["--orgs", "3", "--base-port", "0", "--mutual-tls"]
                                                          + (advertiseNames ? ["--advertise-names", "--per-org-configs"] : []))
            do {
                let file = advertiseNames ? "sim/gateway-Org2MSP.yaml" : "sim/gateway.yaml"
                var network = try #require(try NetworkConfig.load(path: dir.appendingPathComponent(file).path))
                network.organizations = network.organizations.filter { $0.mspID == "Org2MSP" }
                if !keepOrderer { network.orderers = [] }
                if !rewrite { network.addressRewrites = [:] }
                let services = try await LifecycleFixture.openServices(dir.appendingPathComponent("data"), network: network)
                return Org2Gateway(dir: dir, sim: sim, services: services)
            } catch {
                await sim.stop()
                throw error
            }
        }

        func stop() async {
            await services.close()
            await sim.stop()
            try? FileManager.default.removeItem(at: dir)
        }

        /// Deploys with the Python client, as another tool would: every org approves and commits.
        /// Installs on `orgs`, approves for `approveOrgs` (default: the same); `commit: false` stops
        /// after the approvals; `collections`: peer CLI's collections config JSON.
        func deploy(_ name: String, policy: String?, orgs: String = "Org1MSP,Org2MSP,Org3MSP", approveOrgs: String? = nil,
                    commit: Bool = true, collections: String? = nil, withoutPackage: Bool = false) throws {
            let script = LifecycleFixture.repoRoot.appendingPathComponent("tools/fabric-sim/tests/peer_cli_deploy.py").path
            _ = try runCommand([LifecycleFixture.python, script, simDir, name, "--orgs", orgs] + (policy.map { ["--policy", $0] } ?? [])
                               + (approveOrgs.map { ["--approve-orgs", $0] } ?? []) + (commit ? [] : ["--no-commit"])
                               + (collections.map { ["--collections", $0] } ?? []) + (withoutPackage ? ["--no-package"] : []),
                               standardError: .capture).checked()
        }

        /// Another one-organization gateway on the same simulator: `msp`'s identities and peer only.
        func services(of msp: String) async throws -> GatewayServices {
            var network = try #require(try NetworkConfig.load(path: dir.appendingPathComponent("sim/gateway.yaml").path))
            network.organizations = network.organizations.filter { $0.mspID == msp }
            return try await LifecycleFixture.openServices(dir.appendingPathComponent("data-\(msp)"), network: network)
        }

        func control(_ node: String, _ action: String) async throws {
            let ready = try JSONSerialization.jsonObject(with: sim.readyFile()) as? [String: Any]
            let port = ready?["controlPort"] as? Int ?? 0
            let r = try await HTTPTestClient(port: port).post("/nodes/\(node)/\(action)")
            #expect(r.status == 200, "\(r.text)")
        }

        static func run(keepOrderer: Bool = true, advertiseNames: Bool = false, rewrite: Bool = true,
                        _ body: (Org2Gateway) async throws -> Void) async throws {
            let g = try await start(keepOrderer: keepOrderer, advertiseNames: advertiseNames, rewrite: rewrite)
            do { try await body(g) } catch {
                await g.stop()
                throw error
            }
            await g.stop()
        }
    }

    static func call(_ function: String, _ args: [String] = []) -> InvokeService.Call {
        InvokeService.Call(function: function, arguments: args.map { Array($0.utf8) }, transient: [:], isInit: false)
    }

    @Test("each organization's own gateway submits and evaluates VALID under AND, OR, MAJORITY and OutOf(2) policies")
    func policies() async throws {
        try await Org2Gateway.run { g in
            let cases: [(String, String?)] = [
                ("cc-and", "AND('Org1MSP.peer','Org2MSP.peer')"),
                ("cc-or", "OR('Org1MSP.peer','Org2MSP.peer')"),
                ("cc-majority", nil),
                ("cc-outof", "OutOf(2,'Org1MSP.peer','Org2MSP.peer','Org3MSP.peer')"),
            ]
            for (name, policy) in cases { try g.deploy(name, policy: policy) }
            for msp in ["Org2MSP", "Org1MSP", "Org3MSP"] {
                let services = msp == "Org2MSP" ? g.services : try await g.services(of: msp)
                do {
                    let invoke = services.lifecycle!.invocations
                    for (name, _) in cases {
                        let (_, status) = try await invoke.submit(Self.call("CreateAsset", ["a-\(msp)", "blue", "5", "tom", "100"]),
                                                                  channel: "mychannel", name: name)
                        #expect(status.validationCode == .valid, "\(msp) \(name)")
                        let read = try await invoke.evaluate(Self.call("ReadAsset", ["a-\(msp)"]), channel: "mychannel", name: name)
                        #expect(String(decoding: read, as: UTF8.self).contains("blue"), "\(msp) \(name)")
                    }
                } catch {
                    if msp != "Org2MSP" { await services.close() }
                    throw error
                }
                if msp != "Org2MSP" { await services.close() }
            }
        }
    }

    @Test("a peer of the plan that is down: the other layout is used")
    func peerDown() async throws {
        try await Org2Gateway.run { g in
            try g.deploy("cc-fail", policy: "OutOf(2,'Org1MSP.peer','Org2MSP.peer','Org3MSP.peer')")
            // Warm the cache with every peer up, then stop Org1's: the cached plan names it first.
            _ = try await g.invoke.evaluate(Self.call("GetAllAssets"), channel: "mychannel", name: "cc-fail")
            try await g.control("peer0.org1.example.com", "stop")
            let (_, status) = try await g.invoke.submit(Self.call("CreateAsset", ["a2", "red", "1", "ann", "9"]),
                                                        channel: "mychannel", name: "cc-fail")
            #expect(status.validationCode == .valid)
            try await g.control("peer0.org1.example.com", "start")
        }
    }

    @Test("a discovery refusal passes through with Fabric's words")
    func refusal() async throws {
        try await Org2Gateway.run { g in
            do {
                _ = try await g.invoke.submit(Self.call("InitLedger"), channel: "mychannel", name: "nosuchcc")
                Issue.record("submit on an undefined chaincode succeeded")
            } catch let e as NetworkError {
                #expect(e.kind == .discoveryRefused)
                #expect(e.fabricMessage == "failed constructing descriptor for chaincodes:<name:\"nosuchcc\" > ")
            }
        }
    }

    @Test("a chaincode every org approved without a package (another tool): this org's gateway says chaincode_unavailable, not only discovery's refusal")
    func approvedWithoutPackage() async throws {
        try await Org2Gateway.run { g in
            try g.deploy("cc-nopkg", policy: nil, withoutPackage: true)
            for submit in [false, true] {
                do {
                    if submit {
                        _ = try await g.invoke.submit(Self.call("InitLedger"), channel: "mychannel", name: "cc-nopkg")
                    } else {
                        _ = try await g.invoke.evaluate(Self.call("GetAllAssets"), channel: "mychannel", name: "cc-nopkg")
                    }
                    Issue.record("an invocation of a chaincode nobody runs succeeded")
                } catch let e as ChaincodeUnavailableError {
                    #expect(e.approvedWithoutPackage == ["Org2MSP"] && e.sequence == 1, "\(e)")
                }
            }
        }
    }

    @Test("a profile with one peer and no orderer submits through the orderer discovery names")
    func ordererFromDiscovery() async throws {
        try await Org2Gateway.run(keepOrderer: false) { g in
            try g.deploy("cc-noorderer", policy: "OR('Org1MSP.peer','Org2MSP.peer')")
            let (_, status) = try await g.invoke.submit(Self.call("InitLedger"), channel: "mychannel", name: "cc-noorderer")
            #expect(status.validationCode == .valid)
        }
    }

    @Test("peers advertising names only Docker resolves are reached through the config file's addressRewrites")
    func addressRewrites() async throws {
        try await Org2Gateway.run(advertiseNames: true) { g in
            #expect(g.services.lifecycle?.network.config.addressRewrites["peer0.org1.example.com"] == "127.0.0.1")
            try g.deploy("cc-rewrite", policy: "AND('Org1MSP.peer','Org2MSP.peer','Org3MSP.peer')")
            let (_, status) = try await g.invoke.submit(Self.call("CreateAsset", ["a3", "green", "2", "max", "7"]),
                                                        channel: "mychannel", name: "cc-rewrite")
            #expect(status.validationCode == .valid)
        }
        // Without the map the advertised names are dialled as they are, and the plan's peers cannot be reached.
        try await Org2Gateway.run(advertiseNames: true, rewrite: false) { g in
            try g.deploy("cc-rewrite", policy: "AND('Org1MSP.peer','Org2MSP.peer','Org3MSP.peer')")
            do {
                _ = try await g.invoke.submit(Self.call("CreateAsset", ["a3", "green", "2", "max", "7"]), channel: "mychannel", name: "cc-rewrite")
                Issue.record("submit succeeded without the address rewrites")
            } catch let e as NetworkError {
                #expect(e.kind == .discoveryRefused || e.isTransportFailure, "\(e)")
            }
        }
    }

    @Test("a collection whose endorsement policy differs from the chaincode's: the plan from the peer's interest satisfies it")
    func collectionPolicy() async throws {
        try await Org2Gateway.run { g in
            // Org2 alone satisfies the chaincode's policy; writes to `secret` need Org1 and Org3
            // (the collection's policy replaces the chaincode's for them, and discovery's plan
            // for the interest the first endorsement reports covers both).
            let collections = """
                [{"name": "secret", "policy": "OR('Org1MSP.member','Org2MSP.member','Org3MSP.member')", "requiredPeerCount": 0,
                  "maxPeerCount": 3, "endorsementPolicy": {"signaturePolicy": "AND('Org1MSP.peer','Org3MSP.peer')"}}]
                """
            try g.deploy("cc-private", policy: "OR('Org2MSP.peer')", collections: collections)
            let (_, status) = try await g.invoke.submit(Self.call("PutPrivate", ["secret", "k1", "hidden"]), channel: "mychannel", name: "cc-private")
            #expect(status.validationCode == .valid)
            let read = try await g.invoke.evaluate(Self.call("ReadPrivate", ["secret", "k1"]), channel: "mychannel", name: "cc-private")
            #expect(String(decoding: read, as: UTF8.self) == "hidden")
            // A public write needs the chaincode's policy only: still one endorsement, still VALID.
            let (_, plain) = try await g.invoke.submit(Self.call("CreateAsset", ["a9", "red", "1", "eve", "3"]), channel: "mychannel", name: "cc-private")
            #expect(plain.validationCode == .valid)
        }
    }

    @Test("a chaincode-to-chaincode call: the plan covers the called chaincode's policy")
    func chaincodeToChaincode() async throws {
        try await Org2Gateway.run { g in
            try g.deploy("cc-caller", policy: "OR('Org2MSP.peer')")
            try g.deploy("cc-callee", policy: "AND('Org1MSP.peer','Org3MSP.peer')")
            let (_, status) = try await g.invoke.submit(Self.call("InvokeChaincode", ["cc-callee", "CreateAsset", "c1", "blue", "2", "kim", "8"]),
                                                        channel: "mychannel", name: "cc-caller")
            #expect(status.validationCode == .valid)
            let read = try await g.invoke.evaluate(Self.call("ReadAsset", ["c1"]), channel: "mychannel", name: "cc-callee")
            #expect(String(decoding: read, as: UTF8.self).contains("kim"))
        }
    }
}
