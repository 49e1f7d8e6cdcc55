import Configuration
import Foundation
import Testing
import TestSupport

/// The whole lifecycle with Org1's admin and client keys in a SoftHSM token (PKCS#11): fabric-sim
/// verifies every signature (proposal creators, endorsement checks, envelopes, low-S) with
/// Python's `cryptography`, so a bad HSM signature fails the flow. Then the key leaves the token:
/// signing calls answer 503, and work again once it is back.
@Suite("lifecycle with Org1's keys in a PKCS#11 token", .serialized, .timeLimit(.minutes(5)))
struct HSMLifecycleTests {
    static let channel = "/api/v1/channels/mychannel"

    /// Imports the key of MSP folder `source` into `token` and returns the identity as PKCS#11 settings.
    static func inToken(_ source: NetworkConfig.IdentitySource?, token: String, keyLabel: String, keyID: String,
                        pinVariable: String) throws -> NetworkConfig.IdentitySource {
        guard case .mspDirectory(let dir) = source else {
            Issue.record("fabric-sim's identities are MSP folders, not \(String(describing: source))")
            throw CancellationError()
        }
        func first(_ sub: String) throws -> String {
            let d = (dir as NSString).appendingPathComponent(sub)
            return (d as NSString).appendingPathComponent(try #require(try FileManager.default.contentsOfDirectory(atPath: d).sorted().first))
        }
        try SoftHSM.shared.importKey(pemFile: try first("keystore"), token: token, pin: SoftHSM.pin, keyLabel: keyLabel, keyID: keyID)
        return .pkcs11(certificate: try first("signcerts"),
                       PKCS11Settings(library: SoftHSM.library, tokenLabel: token, pin: .environment(pinVariable),
                                      keyLabel: keyLabel, keyID: nil))
    }

    @Test("install, approve, commit, submit and evaluate signed in the HSM; key gone -> 503 signer_unavailable; back -> works")
    func lifecycle() async throws {
        let token = SoftHSM.shared.claimToken()
        let pinVariable = "TEST_ORG1_HSM_PIN"
        setenv(pinVariable, SoftHSM.pin, 1)
        try await LifecycleFixture.run(configure: { network in
            let i = try #require(network.organizations.firstIndex { $0.mspID == "Org1MSP" })
            let org = network.organizations[i]
            network.organizations[i].adminIdentity = try Self.inToken(org.adminIdentity, token: token, keyLabel: "org1-admin",
                                                                      keyID: "01", pinVariable: pinVariable)
            network.organizations[i].clientIdentity = try Self.inToken(org.clientIdentity, token: token, keyLabel: "org1-client",
                                                                       keyID: "02", pinVariable: pinVariable)
        }) { f in
            // Install: Org1's peer checks its local admin's signature (made in the HSM).
            let built = try await f.admin.post("/api/v1/packages/ccaas", ["label": "basic_1", "address": "127.0.0.1:9999"])
            let packageID = try #require(built.json["packageId"] as? String, "\(built.text)")
            let started = try await f.admin.post("/api/v1/installs", ["packageId": packageID])
            let op = try await LifecycleEndToEndTests.finished(try #require((started.json["operation"] as? [String: Any])?["id"] as? String), f)
            #expect(op["state"] as? String == "succeeded", "\(op)")

            let cc = Self.channel + "/chaincodes/basic"
            let draft = try await f.admin.put(cc + "/draft", ["version": "1.0", "endorsementPolicy": "OR('Org1MSP.peer','Org2MSP.peer')",
                                                              "packageIds": ["Org1MSP": packageID, "Org2MSP": packageID]])
            #expect(draft.status == 200, "\(draft.text)")
            for org in ["Org1MSP", "Org2MSP"] {
                let approved = try await f.admin.post(cc + "/approvals", ["orgs": [org]])
                #expect((approved.json["results"] as? [[String: Any]])?.first?["validationCode"] as? String == "VALID", "\(org): \(approved.text)")
            }
            let committed = try await f.org1Operator.post(cc + "/commit")
            #expect(committed.status == 200 && committed.json["validationCode"] as? String == "VALID", "\(committed.text)")
            let created = try await f.org1Operator.post(cc + "/submit", ["function": "CreateAsset", "args": ["a1", "blue", "5", "Tom", "100"]])
            #expect(created.status == 200 && created.json["validationCode"] as? String == "VALID", "\(created.text)")
            let read = try await f.org1Operator.post(cc + "/evaluate", ["function": "ReadAsset", "args": ["a1"]])
            #expect((read.json["json"] as? [String: Any])?["Owner"] as? String == "Tom", "\(read.text)")

            // A new sequence to approve (the draft reads the committed definition: a signed query).
            let upgrade = try await f.admin.post(cc + "/draft/upgrade", ["endorsementPolicy": "OR('Org1MSP.member','Org2MSP.member')"])
            #expect(upgrade.status == 200, "\(upgrade.text)")

            // The keys leave the token: signing calls answer 503 with the key named, nothing is sent.
            let tokenDir = try SoftHSM.shared.tokenDirectory(label: token)
            for name in try FileManager.default.contentsOfDirectory(atPath: tokenDir.path) where !name.hasPrefix("token.") && name != "generation" {
                try FileManager.default.removeItem(at: tokenDir.appendingPathComponent(name))
            }
            let refused = try await f.org1Operator.post(cc + "/submit", ["function": "CreateAsset", "args": ["a2", "red", "1", "Ann", "1"]])
            let error = refused.json["error"] as? [String: Any]
            #expect(refused.status == 503 && error?["code"] as? String == "signer_unavailable", "\(refused.text)")
            #expect((error?["message"] as? String)?.contains("key 'org1-client' on PKCS#11 token '\(token)' is unavailable") == true,
                    "\(refused.text)")
            #expect(!refused.text.contains(SoftHSM.pin))
            let evaluated = try await f.org1Operator.post(cc + "/evaluate", ["function": "ReadAsset", "args": ["a1"]])
            #expect(evaluated.status == 503, "\(evaluated.text)")
            let approval = try await f.admin.post(cc + "/approvals", ["orgs": ["Org1MSP"]])
            #expect(approval.status == 503 && approval.text.contains("signer_unavailable"), "\(approval.text)")

            // Back on the token (imported again: SoftHSM loads them as new objects): signing works again.
            let org1 = try #require(try NetworkConfig.load(path: f.directory.appendingPathComponent("sim/gateway.yaml").path)?
                .organizations.first { $0.mspID == "Org1MSP" })
            _ = try Self.inToken(org1.adminIdentity, token: token, keyLabel: "org1-admin", keyID: "01", pinVariable: pinVariable)
            _ = try Self.inToken(org1.clientIdentity, token: token, keyLabel: "org1-client", keyID: "02", pinVariable: pinVariable)
            let again = try await f.org1Operator.post(cc + "/submit", ["function": "CreateAsset", "args": ["a2", "red", "1", "Ann", "1"]])
            #expect(again.status == 200 && again.json["validationCode"] as? String == "VALID", "\(again.text)")
            let approvedAgain = try await f.admin.post(cc + "/approvals", ["orgs": ["Org1MSP"]])
            #expect((approvedAgain.json["results"] as? [[String: Any]])?.first?["validationCode"] as? String == "VALID", "\(approvedAgain.text)")
        }
    }
}
