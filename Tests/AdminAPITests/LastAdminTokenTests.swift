@testable import AdminAPI
import Foundation
import Store
import Testing
import TestSupport

/// The API cannot lock every admin out.
@Suite struct LastAdminTokenTests {
    static func tokenID(_ name: String, _ fx: GatewayFixture) async throws -> String {
        try #require(try await fx.services.tokens.list().first { $0.name == name }?.tokenID)
    }

    @Test("revoking the last active admin token through the API is 409 last_admin_token naming the CLI; the token keeps working")
    func lastAdminToken() async throws {
        try await withGateway { fx in
            let adminID = try await Self.tokenID("test-admin", fx)
            let refused = try await fx.request("DELETE", "/api/v1/tokens/\(adminID)", token: fx.admin)
            #expect(refused.status == 409, "\(refused.text)")
            #expect(refused.errorCode == "last_admin_token")
            #expect(refused.errorDetails?["tokenId"] as? String == adminID)
            #expect(refused.errorMessage?.contains("chaincode-gateway token create --role admin") == true, "\(refused.text)")
            #expect(try await fx.request("GET", "/api/v1/me", token: fx.admin).status == 200, "still an admin")
            let audited = try await fx.auditEntries().filter { $0.action == "token.revoke" }
            #expect(audited.map(\.status) == [409] && audited.first?.target == adminID)

            // An expired admin token is no way back in: it does not count.
            let created = try await fx.json("POST", "/api/v1/tokens", token: fx.admin, ["name": "second-admin", "role": "admin"], recordBody: false)
            let second = try #require(created.json["token"] as? String)
            fx.remember(secret: second)
            let secondID = try #require(created.json["tokenId"] as? String)
            let past = Timestamp.format(Date(timeIntervalSinceNow: -1))
            try await fx.services.queue.write { try $0.execute("UPDATE api_tokens SET expires_at = ? WHERE token_id = ?", [past, secondID]) }
            #expect(try await fx.request("DELETE", "/api/v1/tokens/\(adminID)", token: fx.admin).status == 409)

            // With another active admin, either may go, but not both.
            try await fx.services.queue.write { try $0.execute("UPDATE api_tokens SET expires_at = NULL WHERE token_id = ?", [secondID]) }
            #expect(try await fx.request("DELETE", "/api/v1/tokens/\(adminID)", token: second).status == 204)
            #expect(try await fx.request("GET", "/api/v1/me", token: fx.admin).status == 401)
            let last = try await fx.request("DELETE", "/api/v1/tokens/\(secondID)", token: second)
            #expect(last.status == 409 && last.errorCode == "last_admin_token")
            #expect(try await fx.request("GET", "/api/v1/me", token: second).status == 200)
            // Other roles are revoked as before.
            let viewerID = try await Self.tokenID("test-viewer", fx)
            #expect(try await fx.request("DELETE", "/api/v1/tokens/\(viewerID)", token: second).status == 204)
        }
    }

    @Test("the CLI's path (TokenService without keepingLastAdmin) may still revoke the last admin token")
    func serviceRevokesLastAdmin() async throws {
        try await withGateway { fx in
            let adminID = try await Self.tokenID("test-admin", fx)
            #expect(try await fx.services.tokens.revoke(tokenID: adminID))
        }
    }
}
