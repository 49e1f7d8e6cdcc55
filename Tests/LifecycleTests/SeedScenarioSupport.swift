import Foundation
import Testing

/// Small readers shared by the seed-scenario tests (REST API only).
enum SeedScenario {
    static let channel = "/api/v1/channels/mychannel"
    static let chaincode = channel + "/chaincodes/basic"
    static let allOrgs = ["Org1MSP", "Org2MSP", "Org3MSP"]

    /// The `orgs` entries of an approvals status, by MSP ID.
    static func orgs(_ status: [String: Any]) -> [String: [String: Any]] {
        Dictionary(uniqueKeysWithValues: (status["orgs"] as? [[String: Any]] ?? []).map { ($0["mspId"] as? String ?? "", $0) })
    }

    /// The first `differences` entry of `field` for an org of an approvals status.
    static func difference(_ status: [String: Any], _ msp: String, _ field: String) -> [String: Any]? {
        (orgs(status)[msp]?["differences"] as? [[String: Any]])?.first { $0["field"] as? String == field }
    }

    /// The single result of a one-org approve response.
    static func result(_ r: HTTPTestClient.Response, _ msp: String) -> [String: Any]? {
        (r.json["results"] as? [[String: Any]])?.first { $0["mspId"] as? String == msp }
    }

    /// `error.code` of an error response.
    static func errorCode(_ r: HTTPTestClient.Response) -> String? {
        (r.json["error"] as? [String: Any])?["code"] as? String
    }

    /// Approves the current draft for `orgs` (one call) and expects a VALID result for each.
    static func approve(_ f: LifecycleFixture, _ orgs: [String], packageIds: [String: Any]? = nil,
                        sourceLocation: SourceLocation = #_sourceLocation) async throws {
        var body: [String: Any] = ["orgs": orgs]
        if let packageIds { body["packageIds"] = packageIds }
        let r = try await f.admin.post(chaincode + "/approvals", body)
        #expect(r.status == 200, "\(r.text)", sourceLocation: sourceLocation)
        for msp in orgs {
            let one = result(r, msp)
            #expect(one?["validationCode"] as? String == "VALID" && one?["txId"] as? String != nil
                    && (one?["blockNumber"] as? Int ?? 0) > 0, "\(msp): \(r.text)", sourceLocation: sourceLocation)
        }
    }

    /// `error.details.field` of a 422 `invalid_field` response.
    static func errorField(_ r: HTTPTestClient.Response) -> String? {
        ((r.json["error"] as? [String: Any])?["details"] as? [String: Any])?["field"] as? String
    }

    static func status(_ f: LifecycleFixture) async throws -> [String: Any] {
        let r = try await f.viewer.get(chaincode + "/approvals")
        #expect(r.status == 200, "\(r.text)")
        return r.json
    }

    /// The committed definition as `GET .../chaincodes/basic` shows it.
    static func committed(_ f: LifecycleFixture) async throws -> [String: Any]? {
        try await f.viewer.get(chaincode).json["committed"] as? [String: Any]
    }
}
