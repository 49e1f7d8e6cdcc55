import AdminAPI
import Configuration
import Foundation
import JSON
import Testing
import TestSupport

/// The lifecycle routes with a configured network whose nodes do not listen: what the gateway
/// answers without Fabric (200 from configuration, 404/422 from validation, 502 naming the
/// peer), every response checked against openapi.yaml by `withGateway`.
@Suite(.timeLimit(.minutes(2))) struct UnreachableNetworkTests {
    /// Org1MSP has the fixture admin identity and a peer on a port nothing listens on;
    /// Org2MSP has no identity at all.
    static func network() throws -> NetworkConfig {
        let msp = repositoryRoot.appendingPathComponent("Tests/Fixtures/msp-org1-admin").path
        return try #require(try NetworkConfig.parse(yaml: """
            network:
              organizations:
                - mspId: Org1MSP
                  name: Org1
                  adminIdentity: {mspDir: "\(msp)"}
                  clientIdentity: {mspDir: "\(msp)"}
                  peers:
                    - {name: peer0.org1, address: "127.0.0.1:1"}
                - mspId: Org2MSP
                  peers:
                    - {name: peer0.org2, address: "127.0.0.1:3"}
              orderers:
                - {name: orderer0, mspId: OrdererMSP, address: "127.0.0.1:2"}
              channels:
                - name: mychannel
            """, file: "unreachable.yaml"))
    }

    static let basic = "/api/v1/channels/mychannel/chaincodes/basic"

    @Test("network, peers and operations answer from configuration and the database")
    func configurationAnswers() async throws {
        try await withGateway(network: try Self.network()) { fx in
            let net = try await fx.request("GET", "/api/v1/network", token: fx.viewer)
            #expect(net.status == 200, "\(net.text)")
            let orgs = net.json["organizations"] as? [[String: Any]] ?? []
            #expect(orgs.map { $0["hasAdminIdentity"] as? Bool } == [true, false])
            #expect((net.json["channels"] as? [String]) == ["mychannel"])

            let peers = try await fx.request("GET", "/api/v1/peers", token: fx.viewer)
            let items = peers.json["items"] as? [[String: Any]] ?? []
            #expect(peers.status == 200 && items.map { $0["name"] as? String } == ["peer0.org1", "peer0.org2"])
            #expect(items.allSatisfy { $0["reachable"] as? Bool == false })
            #expect((items.first?["error"] as? String)?.contains("127.0.0.1:1") == true, "\(peers.text)")
            #expect((items.last?["error"] as? String)?.contains("no identity configured for Org2MSP") == true)

            let ops = try await fx.request("GET", "/api/v1/operations?kind=&state=failed", token: fx.viewer)
            #expect(ops.status == 200 && ops.json["total"] as? Int == 0, "\(ops.text)")
            let badKind = try await fx.request("GET", "/api/v1/operations?kind=deploy", token: fx.viewer)
            #expect(badKind.status == 400 && badKind.errorCode == "invalid_query")
            let badLimit = try await fx.request("GET", "/api/v1/operations?limit=501", token: fx.viewer)
            #expect(badLimit.status == 400 && badLimit.errorCode == "invalid_paging")
            let missing = try await fx.request("GET", "/api/v1/operations/nope", token: fx.viewer)
            #expect(missing.status == 404 && missing.errorCode == "operation_not_found")
        }
    }

    /// A refused connection is 502 `peer_unreachable`. Later calls to the same peer fall into
    /// the channel's reconnect backoff and may wait out the query deadline instead: 504
    /// `peer_timeout`. Either way the error names the peer's address.
    static func expectUnreachable(_ r: TestClient.Response, _ label: String, timeoutAllowed: Bool = true) {
        let unreachable = r.status == 502 && r.errorCode == "peer_unreachable"
        let timedOut = timeoutAllowed && r.status == 504 && r.errorCode == "peer_timeout"
        #expect(unreachable || timedOut, "\(label): \(r.text)")
        #expect(r.errorDetails?["peer"] as? String == "127.0.0.1:1", "\(label)")
        #expect(r.errorDetails?["message"] is String, "\(label): Fabric's (or gRPC's) words in details.message")
    }

    @Test("an unreachable peer is 502 peer_unreachable naming its address; unknown peers and drafts are 404")
    func unreachablePeer() async throws {
        try await withGateway(network: try Self.network()) { fx in
            let first = try await fx.request("GET", "/api/v1/peers/peer0.org1/installed", token: fx.viewer)
            Self.expectUnreachable(first, "first call", timeoutAllowed: false)
            for path in ["/api/v1/channels/mychannel", "/api/v1/channels/mychannel/chaincodes", Self.basic] {
                Self.expectUnreachable(try await fx.request("GET", path, token: fx.viewer), "GET \(path)")
            }
            let noAdmin = try await fx.request("GET", "/api/v1/peers/peer0.org2/installed", token: fx.viewer)
            #expect(noAdmin.status == 422 && noAdmin.errorCode == "no_admin_identity")
            let unknown = try await fx.request("GET", "/api/v1/peers/nope/installed", token: fx.viewer)
            #expect(unknown.status == 404 && unknown.errorCode == "peer_not_found")

            let draft = try await fx.json("PUT", Self.basic + "/draft", token: fx.admin, ["version": "1.0"])
            Self.expectUnreachable(draft, "PUT draft")
            let evaluate = try await fx.json("POST", Self.basic + "/evaluate", token: fx.operatorToken, ["function": "ReadAsset"])
            Self.expectUnreachable(evaluate, "evaluate")
            let status = try await fx.request("GET", Self.basic + "/approvals", token: fx.viewer)
            #expect(status.status == 404 && status.errorCode == "draft_not_found", "\(status.text)")
            let approve = try await fx.json("POST", Self.basic + "/approvals", token: fx.admin, ["orgs": ["Org1MSP"]])
            #expect(approve.status == 404 && approve.errorCode == "draft_not_found", "\(approve.text)")
            let noOrgs = try await fx.json("POST", Self.basic + "/approvals", token: fx.admin, ["orgs": [String]()])
            #expect(noOrgs.status == 422 && noOrgs.errorDetails?["field"] as? String == "orgs")
            let commit = try await fx.request("POST", Self.basic + "/commit", token: fx.admin)
            #expect(commit.status == 404 && commit.errorCode == "draft_not_found", "\(commit.text)")
        }
    }

    @Test("an install is a 202 operation whose step on the unreachable peer fails; operators only install on their orgs' peers")
    func installOperation() async throws {
        try await withGateway(network: try Self.network()) { fx in
            let refused = try await fx.json("POST", "/api/v1/installs", token: fx.operatorToken, ["packageId": "x:00", "peers": ["peer0.org2"]])
            #expect(refused.status == 403 && refused.errorCode == "forbidden" && refused.errorMessage?.contains("Org2MSP") == true)
            let unknownPeer = try await fx.json("POST", "/api/v1/installs", token: fx.admin, ["packageId": "x:00", "peers": ["nope"]])
            #expect(unknownPeer.status == 422 && unknownPeer.errorDetails?["field"] as? String == "peers")
            let unknownPackage = try await fx.json("POST", "/api/v1/installs", token: fx.operatorToken, ["packageId": "nope:00"])
            #expect(unknownPackage.status == 404 && unknownPackage.errorCode == "package_not_found")

            let bytes = try PackageFixtures.golang(label: "basic_1")
            let stored = try await fx.request("POST", "/api/v1/packages", token: fx.operatorToken, contentType: "application/gzip", body: bytes)
            let packageID = try #require(stored.json["packageId"] as? String)
            let started = try await fx.json("POST", "/api/v1/installs", token: fx.operatorToken, ["packageId": packageID])
            #expect(started.status == 202, "\(started.text)")
            let id = try #require((started.json["operation"] as? [String: Any])?["id"] as? String)
            // The hub replays every event since start: wait for this operation's final one.
            let events = try #require(fx.services.lifecycle).events.subscribe(after: 0)
            for await event in events where event.name == "operation" {
                let op = try JSONSerialization.jsonObject(with: Data(event.data)) as? [String: Any]
                if op?["id"] as? String == id, ["succeeded", "failed"].contains(op?["state"] as? String) { break }
            }
            let done = try await fx.request("GET", "/api/v1/operations/\(id)", token: fx.viewer)
            let steps = done.json["steps"] as? [[String: Any]] ?? []
            #expect(done.json["state"] as? String == "failed" && done.json["kind"] as? String == "install", "\(done.text)")
            #expect(steps.map { $0["target"] as? String } == ["peer0.org1"] && steps.first?["state"] as? String == "failed")
            #expect((done.json["error"] as? String)?.contains("127.0.0.1:1") == true, "\(done.text)")
            let listed = try await fx.request("GET", "/api/v1/operations?kind=install", token: fx.viewer)
            #expect(listed.json["total"] as? Int == 1)
            let row = try #require(try await fx.auditEntries().first { $0.action == "chaincode.install" && $0.status == 202 })
            #expect(row.target == packageID && row.outcome == "success" && row.actor == "test-operator")
        }
    }
}
