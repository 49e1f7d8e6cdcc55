import Foundation
import Testing
import TestSupport

/// A deployment whose init call was made elsewhere: the gateway is killed while its deployment
/// waits for Org2MSP, and meanwhile another tool approves for Org2, commits and calls init. Fabric
/// refuses a second init of the same version, so the resumed deployment must take that refusal as
/// its init step done (the same shape as a gateway stopped between its own init transaction and
/// the record of it).
@Suite("chaincode-gateway deploy: init made by another tool", .serialized, .timeLimit(.minutes(4)))
struct DeployInitElsewhereTests {
    typealias Installation = InstalledBinaryTests.Installation

    static let spec = """
        version: "1.0"
        package:
          ccaas: { label: basic_1.0, address: "basic-{org}:9999" }
        commit: whenReady
        initRequired: true
        init: { function: InitLedger, args: [] }
        """

    @Test("killed while waiting; another tool commits and initializes meanwhile: the resumed deployment succeeds without a second init")
    func initMadeElsewhere() async throws {
        let install = try Installation()
        let simDir = install.root.url.appendingPathComponent("sim")
        let sim = try await FabricSimulator.start(directory: simDir, arguments: ["--orgs", "2", "--base-port", "0", "--tls"])
        do { try await Self.run(install, simDir: simDir) } catch {
            await sim.stop()
            throw error
        }
        await sim.stop()
    }

    static func run(_ install: Installation, simDir: URL) async throws {
        let config = simDir.appendingPathComponent("gateway.yaml").path
        let org1 = try await install.run(["token", "create", "--role", "operator", "--org", "Org1MSP", "--name", "ci-org1", "--data-dir", "data"])
        let token = String(decoding: org1.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        try Data(org1.output).write(to: install.work.appendingPathComponent("org1.token"))
        try spec.write(to: install.work.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)

        var (gateway, port) = try await DeployCommandTests.serve(install, config: config)
        func deploy(wait: String) async throws -> CommandResult {
            try await install.run(["deploy", "-f", "spec.yaml", "--server", "http://127.0.0.1:\(port)", "--token-file", "org1.token",
                                   "--channel", "mychannel", "--name", "basic", "--wait", wait])
        }
        let waiting = try await deploy(wait: "8s")
        #expect(waiting.status == 2 && waiting.text.contains("waiting-for-approvals: Org2MSP"), "\(waiting.text)")

        // Down between approve and commit; Org2 approves, and the other tool commits (endorsed by
        // both orgs' peers: Org1 approved through the gateway) and calls InitLedger as init.
        await gateway.deliver(SIGKILL)
        let script = repositoryRoot.appendingPathComponent("tools/fabric-sim/tests/peer_cli_deploy.py").path
        _ = try await onThread {
            try runCommand([pythonInterpreter(), script, simDir.path, "basic", "--orgs", "Org2MSP", "--approve-orgs", "Org2MSP",
                            "--commit-orgs", "Org1MSP,Org2MSP", "--label", "other_1.0", "--init-required", "--init", "InitLedger"],
                           standardError: .capture).checked()
        }
        (gateway, port) = try await DeployCommandTests.serve(install, config: config)
        do {
            let done = try await deploy(wait: "90s")
            #expect(done.status == 0, "\(done.text) \(done.errorText)")
            let (auth, api) = ([("Authorization", "Bearer \(token)")], port)
            let ops = try await onThread {
                try TestClient.request(port: api, method: "GET", path: "/api/v1/operations?kind=deployment", headers: auth)
            }
            let items = (try JSONSerialization.jsonObject(with: Data(ops.body)) as? [String: Any])?["items"] as? [[String: Any]] ?? []
            #expect(items.count == 1 && items.first?["state"] as? String == "succeeded", "\(ops.text)")
            let initStep = (items.first?["steps"] as? [[String: Any]])?.first { $0["name"] as? String == "init" }
            #expect(initStep?["state"] as? String == "succeeded", "\(ops.text)")
            #expect((initStep?["message"] as? String)?.contains("already initialized") == true, "\(ops.text)")
            // The other tool's init ran: the ledger has InitLedger's assets, and calls need no init.
            let read = try await onThread {
                try TestClient.request(port: api, method: "POST", path: "/api/v1/channels/mychannel/chaincodes/basic/evaluate",
                                       headers: auth + [("Content-Type", "application/json")],
                                       body: Array(#"{"function":"ReadAsset","args":["asset1"]}"#.utf8))
            }
            #expect(read.status == 200 && read.text.contains("asset1"), "\(read.text)")
        } catch {
            await gateway.stop()
            throw error
        }
        await gateway.stop()
    }
}
