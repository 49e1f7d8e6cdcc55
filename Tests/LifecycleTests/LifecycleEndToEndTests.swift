@testable import AdminAPI
@testable import ChaincodeLifecycle
import Foundation
import Testing

/// The lifecycle REST API end to end: real sockets, a real SQLite file, fabric-sim over gRPC+TLS.
@Suite("lifecycle API against fabric-sim", .serialized, .timeLimit(.minutes(5)))
struct LifecycleEndToEndTests {
    static let channel = "/api/v1/channels/mychannel"

    /// Waits (event-driven: the gateway's own event hub, replayed from the start) until the
    /// operation reaches a final state, and returns it as fetched over the API.
    static func finished(_ id: String, _ f: LifecycleFixture) async throws -> [String: Any] {
        for await event in f.services.lifecycle!.events.subscribe(after: 0) where event.name == "operation" {
            let op = (try? JSONSerialization.jsonObject(with: Data(event.data))) as? [String: Any] ?? [:]
            if op["id"] as? String == id, ["succeeded", "failed"].contains(op["state"] as? String) { break }
        }
        return try await f.admin.get("/api/v1/operations/\(id)").json
    }

    static func steps(_ op: [String: Any]) -> [String: [String: Any]] {
        Dictionary(uniqueKeysWithValues: (op["steps"] as? [[String: Any]] ?? []).map { ($0["target"] as? String ?? "", $0) })
    }

    @Test("network, install, define, approve x2, status, commit, invoke, upgrade, conflicts, reconcile, events")
    func lifecycle() async throws {
        try await LifecycleFixture.run { f in
            try await network(f)
            let packageID = try await install(f)
            try await define(f, packageID: packageID)
            try await upgrade(f)
            try await reconcile(f, packageID: packageID)
            try await events(f)
            try await metrics(f)
        }
    }

    func network(_ f: LifecycleFixture) async throws {
        let net = try await f.viewer.get("/api/v1/network").json
        #expect((net["organizations"] as? [[String: Any]])?.map { $0["mspId"] as? String } == ["Org1MSP", "Org2MSP"])
        #expect(net["channels"] as? [String] == ["mychannel"])
        let peers = try await f.viewer.get("/api/v1/peers").json["items"] as? [[String: Any]] ?? []
        #expect(peers.count == 2 && peers.allSatisfy { $0["reachable"] as? Bool == true })
        let heights = peers.compactMap { ($0["channels"] as? [[String: Any]])?.first?["height"] as? Int }
        #expect(heights.count == 2 && heights.allSatisfy { $0 >= 1 })
        let ch = try await f.viewer.get(Self.channel).json
        #expect(ch["organizations"] as? [String] == ["Org1MSP", "Org2MSP"])
        let lifecyclePolicy = ch["lifecycleEndorsementPolicy"] as? [String: Any]
        #expect(lifecyclePolicy?["kind"] as? String == "implicitMeta" && lifecyclePolicy?["text"] as? String == "MAJORITY Endorsement")

        // Errors: Fabric's words in details, statuses by kind.
        let unknown = try await f.viewer.get("/api/v1/channels/nochannel/chaincodes")
        #expect(unknown.status == 404 && unknown.text.contains("channel 'nochannel' not found"), "\(unknown.text)")
        let badPolicy = try await f.admin.put(Self.channel + "/chaincodes/x/draft", ["version": "1", "endorsementPolicy": "OR(nope"])
        #expect(badPolicy.status == 422 && badPolicy.text.contains("endorsementPolicy"))
        #expect(try await f.viewer.get("/api/v1/operations/none").status == 404)
        #expect(try await f.viewer.post("/api/v1/installs", ["packageId": "x:1"]).status == 403)
        #expect(try await f.admin.post("/api/v1/installs", ["packageId": "x:1", "peers": ["peer9"]]).status == 422)
    }

    func install(_ f: LifecycleFixture) async throws -> String {
        let built = try await f.admin.post("/api/v1/packages/ccaas", ["label": "basic_1", "address": "127.0.0.1:9999"])
        let packageID = try #require(built.json["packageId"] as? String, "\(built.text)")

        // Org2's peer down: its step fails, Org1's succeeds.
        try await f.control("peer0.org2.example.com", "stop")
        let peers = try await f.viewer.get("/api/v1/peers").json["items"] as? [[String: Any]] ?? []
        let down = peers.first { $0["name"] as? String == "peer0.org2.example.com" }
        #expect(down?["reachable"] as? Bool == false && (down?["error"] as? String)?.isEmpty == false)
        let started = try await f.admin.post("/api/v1/installs", ["packageId": packageID])
        #expect(started.status == 202)
        let op1 = try await Self.finished(try #require((started.json["operation"] as? [String: Any])?["id"] as? String), f)
        let s1 = Self.steps(op1)
        #expect(op1["state"] as? String == "failed")
        #expect(s1["peer0.org1.example.com"]?["state"] as? String == "succeeded")
        #expect(s1["peer0.org2.example.com"]?["state"] as? String == "failed")
        #expect((s1["peer0.org2.example.com"]?["message"] as? String)?.contains("unreachable") == true)

        // Back up: installing again succeeds everywhere ("already installed" on Org1).
        try await f.control("peer0.org2.example.com", "start")
        let again = try await f.admin.post("/api/v1/installs", ["packageId": packageID])
        let op2 = try await Self.finished(try #require((again.json["operation"] as? [String: Any])?["id"] as? String), f)
        #expect(op2["state"] as? String == "succeeded")
        #expect(Self.steps(op2)["peer0.org1.example.com"]?["message"] as? String == "already installed")
        let installed = try await f.viewer.get("/api/v1/peers/peer0.org2.example.com/installed").json["items"] as? [[String: Any]] ?? []
        #expect(installed.contains { $0["packageId"] as? String == packageID })

        // An Org1 operator may not install on Org2's peer.
        let denied = try await f.org1Operator.post("/api/v1/installs", ["packageId": packageID, "peers": ["peer0.org2.example.com"]])
        #expect(denied.status == 403)
        let listed = try await f.viewer.get("/api/v1/operations?kind=install&state=").json
        #expect(listed["total"] as? Int == 2)
        return packageID
    }

    func define(_ f: LifecycleFixture, packageID: String) async throws {
        let cc = Self.channel + "/chaincodes/basic"
        let draft = try await f.admin.put(cc + "/draft", ["version": "1.0", "endorsementPolicy": "OR('Org1MSP.peer','Org2MSP.peer')",
                                                          "packageIds": ["Org1MSP": packageID, "Org2MSP": packageID]])
        #expect(draft.status == 200 && draft.json["sequence"] as? Int == 1, "\(draft.text)")

        let forbidden = try await f.org1Operator.post(cc + "/approvals", ["orgs": ["Org2MSP"]])
        #expect(forbidden.status == 403)
        let a1 = try await f.org1Operator.post(cc + "/approvals", ["orgs": ["Org1MSP"]])
        let r1 = (a1.json["results"] as? [[String: Any]])?.first
        #expect(a1.status == 200 && r1?["validationCode"] as? String == "VALID" && r1?["txId"] as? String != nil, "\(a1.text)")

        let status1 = try await f.viewer.get(cc + "/approvals").json
        #expect(status1["ready"] as? Bool == false && status1["missing"] as? [String] == ["Org2MSP"], "\(status1)")
        let refused = try await f.admin.post(cc + "/commit")
        #expect(refused.status == 409)
        let details = (refused.json["error"] as? [String: Any])?["details"] as? [String: Any]
        #expect(details?["missing"] as? [String] == ["Org2MSP"], "\(refused.text)")

        let a2 = try await f.admin.post(cc + "/approvals", ["orgs": ["Org2MSP"]])
        #expect((a2.json["results"] as? [[String: Any]])?.first?["validationCode"] as? String == "VALID", "\(a2.text)")
        let status2 = try await f.viewer.get(cc + "/approvals").json
        #expect(status2["ready"] as? Bool == true && (status2["missing"] as? [String])?.isEmpty == true)
        let committed = try await f.org1Operator.post(cc + "/commit")
        #expect(committed.status == 200 && committed.json["validationCode"] as? String == "VALID", "\(committed.text)")

        let list = try await f.viewer.get(Self.channel + "/chaincodes").json["items"] as? [[String: Any]] ?? []
        #expect(list.first { $0["name"] as? String == "basic" }?["sequence"] as? Int == 1)
        let detail = try await f.viewer.get(cc).json
        #expect((detail["committed"] as? [String: Any])?["sequence"] as? Int == 1 && detail["draft"] is NSNull)

        let created = try await f.admin.post(cc + "/submit", ["function": "CreateAsset", "args": ["a1", "blue", "5", "Tom", "100"]])
        #expect(created.status == 200 && created.json["validationCode"] as? String == "VALID", "\(created.text)")
        let read = try await f.admin.post(cc + "/evaluate", ["function": "ReadAsset", "argsBase64": ["YTE="]])
        #expect((read.json["json"] as? [String: Any])?["Owner"] as? String == "Tom", "\(read.text)")
        let background = try await f.admin.post(cc + "/submit", ["function": "TransferAsset", "args": ["a1", "Ann"], "wait": false])
        #expect(background.status == 202)
        let op = try await Self.finished(try #require((background.json["operation"] as? [String: Any])?["id"] as? String), f)
        #expect(op["kind"] as? String == "submit" && op["state"] as? String == "succeeded", "\(op)")
        let moved = try await f.admin.post(cc + "/evaluate", ["function": "ReadAsset", "args": ["a1"]])
        #expect((moved.json["json"] as? [String: Any])?["Owner"] as? String == "Ann", "\(moved.text)")
        let missing = try await f.admin.post(cc + "/evaluate", ["function": "ReadAsset", "args": ["nothing"]])
        #expect(missing.status >= 400 && missing.text.contains("nothing"), "\(missing.text)")
    }

    func upgrade(_ f: LifecycleFixture) async throws {
        let cc = Self.channel + "/chaincodes/basic"
        // Org2 approves sequence 2 with one policy; the draft then moves to another, approved by Org1.
        let first = try await f.admin.post(cc + "/draft/upgrade", ["endorsementPolicy": "OR('Org1MSP.member','Org2MSP.member')"])
        #expect(first.json["sequence"] as? Int == 2 && first.json["version"] as? String == "1.0", "\(first.text)")
        _ = try await f.admin.post(cc + "/approvals", ["orgs": ["Org2MSP"]])
        let second = try await f.admin.post(cc + "/draft/upgrade", ["endorsementPolicy": "AND('Org1MSP.peer','Org2MSP.peer')"])
        #expect((second.json["packageIds"] as? [String: Any])?.count == 2)
        _ = try await f.admin.post(cc + "/approvals", ["orgs": ["Org1MSP"]])

        let status = try await f.viewer.get(cc + "/approvals").json
        let orgs = Dictionary(uniqueKeysWithValues: (status["orgs"] as? [[String: Any]] ?? []).map { ($0["mspId"] as? String ?? "", $0) })
        #expect(status["sequence"] as? Int == 2 && status["ready"] as? Bool == false)
        #expect(orgs["Org1MSP"]?["state"] as? String == "approved")
        #expect(orgs["Org2MSP"]?["state"] as? String == "approved-different", "\(status)")
        let difference = (orgs["Org2MSP"]?["differences"] as? [[String: Any]])?.first
        #expect(difference?["field"] as? String == "endorsementPolicy")
        #expect(difference?["actual"] as? String == "OR('Org1MSP.member', 'Org2MSP.member')", "\(String(describing: difference))")
        let refused = try await f.admin.post(cc + "/commit")
        #expect(refused.status == 409 && refused.text.contains("Org2MSP"))

        _ = try await f.admin.post(cc + "/approvals", ["orgs": ["Org2MSP"]])
        let committed = try await f.admin.post(cc + "/commit")
        #expect(committed.status == 200, "\(committed.text)")
        let detail = try await f.viewer.get(cc).json["committed"] as? [String: Any]
        #expect(detail?["sequence"] as? Int == 2)
        #expect((detail?["endorsementPolicy"] as? [String: Any])?["text"] as? String == "AND('Org1MSP.peer', 'Org2MSP.peer')")
        let read = try await f.admin.post(cc + "/evaluate", ["function": "ReadAsset", "args": ["a1"]])
        #expect(read.status == 200, "\(read.text)")
    }

    func reconcile(_ f: LifecycleFixture, packageID: String) async throws {
        let lifecycle = try #require(f.services.lifecycle)
        let install = GatewayOperation(kind: .install, createdBy: "crashed", target: packageID,
                                input: #"{"packageId":"\#(packageID)","peers":["peer0.org1.example.com"]}"#,
                                steps: [.init(name: "install", target: "peer0.org1.example.com", state: .running, message: "installing")])
        let approve = GatewayOperation(kind: .approve, createdBy: "crashed", target: "mychannel/basic",
                                input: #"{"channel":"mychannel","name":"basic","sequence":9,"mspId":"Org1MSP"}"#,
                                steps: [.init(name: "approve", target: "Org1MSP", state: .running, message: "approving")])
        for var op in [install, approve] {
            op.state = .running
            try await lifecycle.operations.save(op)
        }
        // A second gateway process on the same data directory reconciles them while starting.
        let restarted = try await f.reopen()
        let i = try #require(try await restarted.operations.find(install.id))
        #expect(i.state == .succeeded && i.steps[0].message.contains("confirmed"))
        let a = try #require(try await restarted.operations.find(approve.id))
        #expect(a.state == .failed && a.steps[0].message.contains("not found on the chain"))
        #expect(try await restarted.operations.list(kind: nil, state: "running", limit: 10, offset: 0).total == 0)
        await restarted.network.close()
    }

    /// GET /metrics reports the gRPC calls made to the peers and the finished operations.
    func metrics(_ f: LifecycleFixture) async throws {
        let text = try await f.viewer.get("/metrics").text
        #expect(text.contains("gateway_grpc_calls_total{node=\""))
        #expect(text.contains("method=\"/protos.Endorser/ProcessProposal\",status=\"OK\"}"))
        #expect(text.contains("gateway_grpc_call_duration_seconds_count{node=\""))
        #expect(text.contains("gateway_operations_total{kind=\"install\",outcome=\"succeeded\"}"))
        #expect(text.contains("gateway_http_requests_total{method=\"POST\",route=\"/api/v1/installs\",status=\"202\"}"))
    }

    func events(_ f: LifecycleFixture) async throws {
        let text = try await f.viewer.stream("/api/v1/events", headers: ["Last-Event-ID": "1"], until: "event: commit")
        #expect(text.contains("text/event-stream"))
        #expect(text.contains("id: 2\nevent: operation\n") && !text.contains("id: 1\n"))
        #expect(text.contains("event: approval"))
    }
}
