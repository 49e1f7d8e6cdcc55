@testable import ChaincodeLifecycle
import ChaincodePackages
import Foundation
import Testing
import TestSupport

/// Declarative deployment (issue 18) against fabric-sim: one PUT of a spec deploys, the same spec
/// again is a no-op, a changed spec upgrades, a gateway acting for one org waits for the other
/// org's approval (made with another tool), a newer spec supersedes a waiting one, and a peer that
/// stays down fails the deployment after the retries with the error.
@Suite("Declarative deployment", .serialized, .timeLimit(.minutes(4)))
struct DeploymentTests {
    static let channel = "mychannel"
    static func path(_ name: String) -> String { "/api/v1/channels/\(channel)/chaincodes/\(name)/deployment" }

    /// PUTs a YAML spec (`Content-Type: application/yaml`) as `client`.
    static func putYAML(_ client: HTTPTestClient, _ name: String, _ yaml: String) async throws -> HTTPTestClient.Response {
        let (port, token, path) = (client.port, client.token ?? "", path(name))
        return try await onThread {
            try TestClient.request(port: port, method: "PUT", path: path,
                                   headers: [("Content-Type", "application/yaml"), ("Authorization", "Bearer \(token)")],
                                   body: Array(yaml.utf8), timeoutSeconds: 60)
        }
    }

    /// Long-polls the operation until `until` (the server holds the request, at most 60 s).
    static func poll(_ client: HTTPTestClient, _ id: String, until: String = "succeeded,failed") async throws -> [String: Any] {
        try await client.request("GET", "/api/v1/operations/\(id)?wait=60s&until=\(until)", timeoutSeconds: 70).json
    }

    /// The height of mychannel on the first peer (moves with every block).
    static func height(_ f: LifecycleFixture) async throws -> Int {
        let peers = try await f.admin.get("/api/v1/peers").json["items"] as? [[String: Any]] ?? []
        let channels = peers.first?["channels"] as? [[String: Any]] ?? []
        return try #require(channels.first { $0["name"] as? String == channel }?["height"] as? Int)
    }

    static func spec(version: String, policy: String? = nil, initLedger: Bool = false) -> String {
        var s = """
            version: "\(version)"
            package:
              ccaas: { label: basic_\(version), address: "basic-{org}:9999" }
            peers: all
            commit: whenReady

            """
        if let policy { s += "endorsementPolicy: \"\(policy)\"\n" }
        if initLedger { s += "initRequired: true\ninit: { function: InitLedger, args: [] }\n" }
        return s
    }

    @Test("a first deploy from a ccaas spec, the same spec again, then a changed policy")
    func deployThenNoOpThenUpgrade() async throws {
        try await LifecycleFixture.run { f in
            let started = try await Self.putYAML(f.admin, "basic", Self.spec(version: "1.0", initLedger: true))
            #expect(started.status == 202, "\(started.text)")
            let id = try #require((started.json["operation"] as? [String: Any])?["id"] as? String, "\(started.text)")
            let done = try await Self.poll(f.admin, id)
            #expect(done["kind"] as? String == "deployment")
            #expect(done["state"] as? String == "succeeded", "\(done)")
            let steps = done["steps"] as? [[String: Any]] ?? []
            #expect(steps.map { $0["name"] as? String } == ["package", "install", "define", "approve", "commit", "init", "finish"])
            #expect(steps.allSatisfy { $0["state"] as? String == "succeeded" }, "\(steps)")
            let read = try await f.admin.post("/api/v1/channels/\(Self.channel)/chaincodes/basic/evaluate", ["function": "GetAllAssets", "args": [String]()])
            #expect(read.status == 200, "\(read.text)")
            #expect(read.text.contains("asset1"), "\(read.text)")

            // The same spec again: nothing to do, no transaction.
            let before = try await Self.height(f)
            let again = try await Self.putYAML(f.admin, "basic", Self.spec(version: "1.0", initLedger: true))
            #expect(again.status == 200, "\(again.text)")
            #expect(again.json["upToDate"] as? Bool == true, "\(again.text)")
            #expect((again.json["diff"] as? [Any])?.isEmpty == true, "\(again.text)")
            #expect(try await Self.height(f) == before)

            // A changed policy: sequence 2, approved by both and committed.
            let policy = "OR('Org1MSP.member','Org2MSP.member')"
            let changed = try await Self.putYAML(f.admin, "basic", Self.spec(version: "1.0", policy: policy, initLedger: true))
            #expect(changed.status == 202, "\(changed.text)")
            let id2 = try #require((changed.json["operation"] as? [String: Any])?["id"] as? String)
            let upgraded = try await Self.poll(f.admin, id2)
            #expect(upgraded["state"] as? String == "succeeded", "\(upgraded)")
            // A policy change keeps the version: the peers refuse another init, and nothing more is sent.
            let initStep = (upgraded["steps"] as? [[String: Any]])?.first { $0["name"] as? String == "init" }
            #expect((initStep?["message"] as? String)?.contains("already initialized") == true, "\(upgraded)")
            let state = try await f.admin.get(Self.path("basic")).json
            let observed = state["observed"] as? [String: Any] ?? [:]
            #expect(observed["committedSequence"] as? Int == 2, "\(state)")
            #expect(state["upToDate"] as? Bool == true, "\(state)")
            #expect((observed["orgs"] as? [[String: Any]])?.map { $0["state"] as? String } == ["approved", "approved"], "\(state)")
            #expect((state["spec"] as? [String: Any])?["endorsementPolicy"] as? String == policy)
        }
    }

    @Test("a gateway acting for Org1 only waits for Org2MSP; a newer spec supersedes; another tool's approval completes it")
    func waitsForOtherOrg() async throws {
        try await LifecycleFixture.run { f in
            let first = try await Self.putYAML(f.org1Operator, "waiting", Self.spec(version: "1.0"))
            #expect(first.status == 202, "\(first.text)")
            let id1 = try #require((first.json["operation"] as? [String: Any])?["id"] as? String, "\(first.text)")
            let waiting = try await Self.waitingForApprovals(f, id1)
            #expect((waiting["result"] as? [String: Any])?["waitingFor"] as? [String] == ["Org2MSP"], "\(waiting)")

            // A newer spec supersedes the waiting one at its safe point.
            let second = try await Self.putYAML(f.org1Operator, "waiting", Self.spec(version: "1.1"))
            #expect(second.status == 202, "\(second.text)")
            let id2 = try #require((second.json["operation"] as? [String: Any])?["id"] as? String)
            let superseded = try await Self.poll(f.admin, id1)
            #expect(superseded["state"] as? String == "failed")
            #expect((superseded["steps"] as? [[String: Any]])?.contains { ($0["message"] as? String)?.contains("superseded by operation \(id2)") == true } == true,
                    "\(superseded)")
            _ = try await Self.waitingForApprovals(f, id2)
            let state = try await f.admin.get(Self.path("waiting")).json
            let orgs = (state["observed"] as? [String: Any])?["orgs"] as? [[String: Any]] ?? []
            #expect(orgs.map { $0["mspId"] as? String } == ["Org1MSP"], "\(state)")
            #expect(orgs.first?["state"] as? String == "approved", "\(state)")

            // Org2 approves with another tool (no gateway): the block tracker sees it, the deployment commits.
            let script = LifecycleFixture.repoRoot.appendingPathComponent("tools/fabric-sim/tests/peer_cli_deploy.py").path
            let sim = f.directory.appendingPathComponent("sim").path
            _ = try await onThread {
                try runCommand([LifecycleFixture.python, script, sim, "waiting", "--orgs", "Org2MSP", "--approve-orgs", "Org2MSP",
                                "--version", "1.1", "--label", "other_1.1", "--no-commit"], standardError: .capture).checked()
            }
            let done = try await Self.poll(f.admin, id2)
            #expect(done["state"] as? String == "succeeded", "\(done)")
            #expect(done["phase"] == nil, "\(done)")
            let committed = try await f.admin.get("/api/v1/channels/\(Self.channel)/chaincodes/waiting").json["committed"] as? [String: Any]
            #expect(committed?["sequence"] as? Int == 1)
            #expect(committed?["version"] as? String == "1.1")
        }
    }

    /// Long-polls until the operation's phase is `waiting-for-approvals` (each poll returns at the next change).
    static func waitingForApprovals(_ f: LifecycleFixture, _ id: String) async throws -> [String: Any] {
        for _ in 0..<20 {
            let op = try await f.admin.request("GET", "/api/v1/operations/\(id)?wait=10s", timeoutSeconds: 20).json
            if op["phase"] as? String == "waiting-for-approvals" { return op }
            if ["succeeded", "failed"].contains(op["state"] as? String) { Issue.record("ended instead of waiting: \(op)"); return op }
        }
        Issue.record("never waiting-for-approvals")
        return [:]
    }

    @Test("a chaincode deployed with another tool: the spec that describes it is up to date at once, and GET observes it")
    func deployedElsewhereIsUpToDate() async throws {
        try await LifecycleFixture.run { f in
            let script = LifecycleFixture.repoRoot.appendingPathComponent("tools/fabric-sim/tests/peer_cli_deploy.py").path
            let sim = f.directory.appendingPathComponent("sim").path
            let out = try await onThread {
                try runCommand([LifecycleFixture.python, script, sim, "elsewhere", "--label", "elsewhere_1.0"], standardError: .capture).checked()
            }
            let packageID = try #require((try JSONSerialization.jsonObject(with: Data(out.output)) as? [String: Any])?["packageId"] as? String)
            let before = try await Self.height(f)
            let spec = try await f.admin.put(Self.path("elsewhere"), ["version": "1.0", "package": ["packageId": packageID]])
            #expect(spec.status == 200, "\(spec.text)")
            #expect(spec.json["upToDate"] as? Bool == true, "\(spec.text)")
            #expect(try await Self.height(f) == before, "nothing submitted")
            let state = try await f.admin.get(Self.path("elsewhere")).json
            #expect(state["upToDate"] as? Bool == true && state["observedError"] == nil, "\(state)")
            #expect(state["operation"] is NSNull, "\(state)")
            // A spec naming a package the peers do not have is not up to date: the diff says what to install.
            let other = try await f.admin.put(Self.path("elsewhere"), ["version": "1.0", "package": ["packageId": "nope:00"], "commit": "manual"])
            #expect(other.status == 202, "\(other.text)")
            let id = try #require((other.json["operation"] as? [String: Any])?["id"] as? String)
            let failed = try await Self.poll(f.admin, id)
            #expect(failed["state"] as? String == "failed", "\(failed)")
            #expect((failed["error"] as? String)?.contains("nope:00") == true, "\(failed)")
        }
    }

    @Test("a chaincode another tool committed with init required but never initialized: the spec is not up to date until its init call is made")
    func committedElsewhereUninitialized() async throws {
        try await LifecycleFixture.run { f in
            let script = LifecycleFixture.repoRoot.appendingPathComponent("tools/fabric-sim/tests/peer_cli_deploy.py").path
            let sim = f.directory.appendingPathComponent("sim").path
            let out = try await onThread {
                try runCommand([LifecycleFixture.python, script, sim, "uninit", "--label", "uninit_1.0", "--init-required"],
                               standardError: .capture).checked()
            }
            let packageID = try #require((try JSONSerialization.jsonObject(with: Data(out.output)) as? [String: Any])?["packageId"] as? String)
            let spec: [String: Any] = ["version": "1.0", "package": ["packageId": packageID], "initRequired": true,
                                       "init": ["function": "InitLedger", "args": [String]()]]
            // Everything else matches; the peer refuses a plain call until init is made, and so does the spec.
            let refused = try await f.admin.post("/api/v1/channels/\(Self.channel)/chaincodes/uninit/evaluate", ["function": "GetAllAssets", "args": [String]()])
            #expect(refused.status != 200 && refused.text.contains("has not been initialized"), "\(refused.text)")
            let before = try await Self.height(f)
            let put = try await f.admin.put(Self.path("uninit"), spec)
            #expect(put.status == 202, "\(put.text)")
            #expect((put.json["diff"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["init"], "\(put.text)")
            let entry = (put.json["diff"] as? [[String: Any]])?.first
            #expect(entry?["initialized"] as? Bool == false && entry?["function"] as? String == "InitLedger" && entry?["version"] as? String == "1.0",
                    "\(put.text)")
            let id = try #require((put.json["operation"] as? [String: Any])?["id"] as? String, "\(put.text)")
            let done = try await Self.poll(f.admin, id)
            #expect(done["state"] as? String == "succeeded", "\(done)")
            let steps = done["steps"] as? [[String: Any]] ?? []
            #expect(steps.first { $0["name"] as? String == "commit" }?["message"] as? String == "nothing to commit", "\(steps)")
            #expect((steps.first { $0["name"] as? String == "init" }?["message"] as? String)?.hasPrefix("InitLedger submitted in block") == true, "\(steps)")
            #expect(try await Self.height(f) == before + 1, "one block: the init transaction")
            let read = try await f.admin.post("/api/v1/channels/\(Self.channel)/chaincodes/uninit/evaluate", ["function": "ReadAsset", "args": ["asset1"]])
            #expect(read.status == 200 && read.text.contains("asset1"), "\(read.text)")
            // Initialized now: the same spec is up to date, and asking submitted nothing.
            let again = try await f.admin.put(Self.path("uninit"), spec)
            #expect(again.status == 200 && again.json["upToDate"] as? Bool == true, "\(again.text)")
            #expect(try await Self.height(f) == before + 1)
        }
    }

    @Test("a ccaas server requiring client authentication: the key goes into the package, never into a response; the spec read back applies as up to date")
    func clientAuthenticatedCCaaS() async throws {
        let pki = try TestPKI()
        let (root, cert, key) = try (String(contentsOfFile: pki.path("ca.pem"), encoding: .utf8),
                                     String(contentsOfFile: pki.path("client.pem"), encoding: .utf8),
                                     String(contentsOfFile: pki.path("client-key.pem"), encoding: .utf8))
        let keyBody = try #require(key.split(separator: "\n").dropFirst().first.map(String.init))
        try await LifecycleFixture.run { f in
            let ccaas: [String: Any] = ["label": "mtls_1.0", "address": "mtls-{org}:9999", "tlsRequired": true, "clientAuthRequired": true,
                                        "rootCert": root, "clientCert": cert, "clientKey": key]
            let put = try await f.admin.put(Self.path("mtls"), ["version": "1.0", "package": ["ccaas": ccaas]])
            #expect(put.status == 202, "\(put.text)")
            #expect(!put.text.contains(keyBody) && put.text.contains(#""clientKey":"<redacted>""#), "\(put.text)")
            let id = try #require((put.json["operation"] as? [String: Any])?["id"] as? String, "\(put.text)")
            let done = try await Self.poll(f.admin, id)
            #expect(done["state"] as? String == "succeeded", "\(done)")
            // Org1's package is the one built with the key (connection.json client_key), and installed.
            let built = try CCaaSPackageBuilder().build(.init(label: "mtls_1.0", address: "mtls-org1:9999", tlsRequired: true,
                                                              clientAuthRequired: true, rootCert: root, clientCert: cert, clientKey: key))
            let state = try await f.admin.get(Self.path("mtls"))
            let peers = (state.json["observed"] as? [String: Any])?["peers"] as? [[String: Any]] ?? []
            #expect(peers.contains { $0["mspId"] as? String == "Org1MSP" && $0["packageId"] as? String == built.packageID
                                     && $0["installed"] as? Bool == true }, "\(state.text)")
            let package = try await f.admin.get("/api/v1/packages/\(built.packageID)")
            #expect(package.status == 200 && !package.text.contains(keyBody) && !package.text.contains(#""client_key":"#)
                    && package.text.contains(#""client_key_present":true"#), "\(package.text)")
            #expect(!state.text.contains(keyBody), "\(state.text)")
            let audit = try await f.admin.get("/api/v1/audit?action=chaincode.deploy")
            #expect(audit.status == 200 && audit.text.contains("mtls") && !audit.text.contains(keyBody), "\(audit.text)")

            // The spec as GET shows it (key redacted), applied again: the recorded key is kept, nothing to do.
            let shown = try #require(state.json["spec"] as? [String: Any])
            let again = try await f.admin.put(Self.path("mtls"), shown)
            #expect(again.status == 200 && again.json["upToDate"] as? Bool == true, "\(again.text)")
            // A redacted key with no recorded spec to take it from is refused, naming the field.
            let orphan = try await f.admin.put(Self.path("mtls2"), shown)
            #expect(orphan.status == 422 && SeedScenario.errorField(orphan) == "package.ccaas.clientKey", "\(orphan.text)")
        }
    }

    @Test("commit: manual approves, then waits for a commit made otherwise, and finishes once it is on the chain")
    func manualCommit() async throws {
        try await LifecycleFixture.run { f in
            let yaml = Self.spec(version: "1.0").replacingOccurrences(of: "commit: whenReady", with: "commit: manual")
            let started = try await Self.putYAML(f.admin, "manualcc", yaml)
            let id = try #require((started.json["operation"] as? [String: Any])?["id"] as? String, "\(started.text)")
            var op: [String: Any] = [:]
            for _ in 0..<20 where op["phase"] as? String != "waiting-for-commit" {
                op = try await f.admin.request("GET", "/api/v1/operations/\(id)?wait=10s", timeoutSeconds: 20).json
            }
            #expect(op["phase"] as? String == "waiting-for-commit", "\(op)")
            #expect(op["state"] as? String == "running")
            let committed = try await f.admin.post("/api/v1/channels/\(Self.channel)/chaincodes/manualcc/commit")
            #expect(committed.status == 200, "\(committed.text)")
            let done = try await Self.poll(f.admin, id)
            #expect(done["state"] as? String == "succeeded", "\(done)")
            let commitStep = (done["steps"] as? [[String: Any]])?.first { $0["name"] as? String == "commit" }
            #expect(commitStep?["message"] as? String == "sequence 1 committed", "\(done)")
        }
    }

    @Test("a peer that stays down: the install step retries with backoff, then the operation fails with the error")
    func retriesThenFails() async throws {
        try await LifecycleFixture.run { f in
            try await f.control("peer0.org2.example.com", "stop")
            let started = try await Self.putYAML(f.admin, "downcc", Self.spec(version: "1.0"))
            #expect(started.status == 202, "\(started.text)")
            let id = try #require((started.json["operation"] as? [String: Any])?["id"] as? String, "\(started.text)")
            let done = try await Self.poll(f.admin, id)
            #expect(done["state"] as? String == "failed", "\(done)")
            let install = (done["steps"] as? [[String: Any]])?.first { $0["name"] as? String == "install" }
            #expect(install?["state"] as? String == "failed", "\(done)")
            #expect((done["error"] as? String)?.contains("peer0.org2.example.com") == true, "\(done)")
            #expect((done["steps"] as? [[String: Any]])?.filter { $0["state"] as? String == "failed" }.count == 5, "\(done)")
        }
    }

    /// What a long-poll answer must change: the state, the phase and each step's state and message.
    static func progress(_ op: [String: Any]) -> String {
        let steps = (op["steps"] as? [[String: Any]] ?? []).map { "\($0["state"] ?? "")/\($0["message"] ?? "")" }
        return "\(op["state"] ?? "") \(op["phase"] ?? "") \(steps)"
    }

    @Test("long-polling answers as soon as the operation changes, before the wait ends")
    func longPollReturnsOnChange() async throws {
        try await LifecycleFixture.run { f in
            // The list long-polls too: parked before the PUT, answered by the deployment's first change.
            let admin = f.admin
            let listing = Task { try await admin.request("GET", "/api/v1/operations?kind=deployment&wait=60s", timeoutSeconds: 70) }
            try await Task.sleep(for: .milliseconds(300))  // lets the list request reach the server first (not a synchronisation: either order passes)
            let started = try await Self.putYAML(f.admin, "polled", Self.spec(version: "1.0"))
            let op = try #require(started.json["operation"] as? [String: Any], "\(started.text)")
            let page = try await listing.value.json
            #expect((page["items"] as? [[String: Any]])?.first?["id"] as? String == op["id"] as? String, "\(page)")
            let id = try #require(op["id"] as? String)
            // Each answer is a change (steps, state or phase differ from the last answer) until the end;
            // none waits out the 60 s.
            var seen = Self.progress(op)
            var states: [String] = []
            for _ in 0..<40 {
                let clock = ContinuousClock.now
                let next = try await f.admin.request("GET", "/api/v1/operations/\(id)?wait=60s", timeoutSeconds: 70).json
                #expect(ContinuousClock.now - clock < .seconds(30), "the wait ended instead of a change: \(next)")
                let now = Self.progress(next)
                #expect(now != seen || ["succeeded", "failed"].contains(next["state"] as? String), "\(next)")
                seen = now
                states.append(next["state"] as? String ?? "")
                if states.last == "succeeded" || states.last == "failed" { break }
            }
            #expect(states.last == "succeeded", "\(states)")
            // A bad wait is refused, not clamped silently.
            #expect(try await f.admin.get("/api/v1/operations/\(id)?wait=2m").status == 400)
            #expect(try await f.admin.get("/api/v1/operations/\(id)?until=done").status == 400)
        }
    }
}
