import Foundation
import Testing
import TestSupport

/// Declarative deployment in the consortium shape (issues 18 and 16): two gateways, each holding
/// only its own organization's keys and peers. Org1's gateway applies the spec and waits for
/// Org2MSP (seen in the blocks); Org2's gateway applies the same spec, approves, and the
/// definition is committed; both deployments end succeeded, and the spec's init call is made once.
@Suite("Declarative deployment, one gateway per organization", .serialized, .timeLimit(.minutes(4)))
struct PerOrgDeploymentTests {
    @Test("Org1's gateway waits for Org2MSP; Org2's gateway applies the same spec; committed and initialized once, both succeed")
    func twoGateways() async throws {
        try await PerOrgFixture.run { f in
            let spec = DeploymentTests.spec(version: "1.0", initLedger: true)
            let first = try await DeploymentTests.putYAML(f.org1.admin, "perorg", spec)
            #expect(first.status == 202, "\(first.text)")
            let id1 = try #require((first.json["operation"] as? [String: Any])?["id"] as? String, "\(first.text)")
            var waiting: [String: Any] = [:]
            for _ in 0..<30 {
                waiting = try await f.org1.admin.get("/api/v1/operations/\(id1)?wait=2s").json
                if waiting["phase"] as? String == "waiting-for-approvals" { break }
            }
            #expect(waiting["phase"] as? String == "waiting-for-approvals", "\(waiting)")
            #expect((waiting["result"] as? [String: Any])?["waitingFor"] as? [String] == ["Org2MSP"], "\(waiting)")

            let second = try await DeploymentTests.putYAML(f.org2.admin, "perorg", spec)
            #expect(second.status == 202, "\(second.text)")
            let id2 = try #require((second.json["operation"] as? [String: Any])?["id"] as? String, "\(second.text)")
            let done2 = try await DeploymentTests.poll(f.org2.admin, id2)
            #expect(done2["state"] as? String == "succeeded", "\(done2)")
            let done1 = try await DeploymentTests.poll(f.org1.admin, id1)
            #expect(done1["state"] as? String == "succeeded", "\(done1)")
            // Both deployments reach init once the definition is committed (each endorsed through
            // discovery by both orgs' peers): one init transaction, the other finds it made.
            let inits = [done1, done2].map { op in
                ((op["steps"] as? [[String: Any]])?.first { $0["name"] as? String == "init" }?["message"] as? String) ?? ""
            }
            #expect(inits.filter { $0.hasPrefix("InitLedger submitted in block") }.count == 1
                    && inits.filter { $0.contains("already initialized") }.count == 1, "\(inits)")
            for gw in [f.org1, f.org2] {
                var committed: [String: Any]?
                for _ in 0..<50 {
                    committed = try await gw.admin.get("/api/v1/channels/mychannel/chaincodes/perorg").json["committed"] as? [String: Any]
                    if committed != nil { break }
                    try await Task.sleep(for: .milliseconds(200))  // the other gateway's tracker may be a block behind
                }
                #expect(committed?["sequence"] as? Int == 1 && committed?["version"] as? String == "1.0", "\(gw.mspID): \(String(describing: committed))")
            }
            let read = try await f.org1.admin.post("/api/v1/channels/mychannel/chaincodes/perorg/evaluate", ["function": "ReadAsset", "args": ["asset1"]])
            #expect(read.status == 200 && read.text.contains("asset1"), "\(read.text)")
            // The same spec again on either side: nothing to do.
            let again = try await DeploymentTests.putYAML(f.org1.admin, "perorg", spec)
            #expect(again.status == 200 && again.json["upToDate"] as? Bool == true, "\(again.text)")
        }
    }

    @Test("Org1's gateway alone, on a chaincode another tool committed with init required and never initialized: the spec finds it, calls init through both orgs' peers")
    func initOfChaincodeDeployedElsewhere() async throws {
        try await PerOrgFixture.run { f in
            let script = LifecycleFixture.repoRoot.appendingPathComponent("tools/fabric-sim/tests/peer_cli_deploy.py").path
            let sim = f.directory.appendingPathComponent("sim").path
            let out = try await onThread {
                try runCommand([LifecycleFixture.python, script, sim, "elsewhere", "--label", "elsewhere_1.0", "--init-required"],
                               standardError: .capture).checked()
            }
            let packageID = try #require((try JSONSerialization.jsonObject(with: Data(out.output)) as? [String: Any])?["packageId"] as? String)
            let cc = "/api/v1/channels/mychannel/chaincodes/elsewhere"
            let refused = try await f.org1.admin.post(cc + "/evaluate", ["function": "GetAllAssets", "args": [String]()])
            #expect(refused.status != 200 && refused.text.contains("has not been initialized"), "\(refused.text)")

            let spec: [String: Any] = ["version": "1.0", "package": ["packageId": packageID], "initRequired": true,
                                       "init": ["function": "InitLedger", "args": [String]()]]
            let put = try await f.org1.admin.put(cc + "/deployment", spec)
            #expect(put.status == 202, "\(put.text)")
            let diff = put.json["diff"] as? [[String: Any]] ?? []
            #expect(diff.count == 1 && diff.first?["kind"] as? String == "init" && diff.first?["initialized"] as? Bool == false, "\(put.text)")
            let id = try #require((put.json["operation"] as? [String: Any])?["id"] as? String, "\(put.text)")
            let done = try await DeploymentTests.poll(f.org1.admin, id)
            #expect(done["state"] as? String == "succeeded", "\(done)")
            let initStep = (done["steps"] as? [[String: Any]])?.first { $0["name"] as? String == "init" }
            #expect((initStep?["message"] as? String)?.hasPrefix("InitLedger submitted in block") == true, "\(done)")

            // Org2's gateway, which did nothing, reads what the init wrote.
            try await PerOrgFixture.eventually("asset1 readable at Org2's gateway") {
                let read = try await f.org2.admin.post(cc + "/evaluate", ["function": "ReadAsset", "args": ["asset1"]])
                return read.status == 200 && read.text.contains("asset1")
            }
            let again = try await f.org1.admin.put(cc + "/deployment", spec)
            #expect(again.status == 200 && again.json["upToDate"] as? Bool == true, "\(again.text)")
        }
    }
}
