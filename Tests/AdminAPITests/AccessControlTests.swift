@testable import AdminAPI
import ChaincodePackages
import Foundation
import JSON
import Store
import Testing
import WebServer

/// Roles, tokens, 401/403/429 and the audit log, over real sockets and a real SQLite file.
@Suite(.timeLimit(.minutes(2))) struct AccessControlTests {
    /// Written independently of `Role.grants`: the product's role table.
    static let granted: [String: Set<String>] = [
        "admin": ["read", "packages:write", "orgs:operate", "chaincode:invoke", "admin"],
        "operator": ["read", "packages:write", "orgs:operate", "chaincode:invoke"],
        "viewer": ["read"],
    ]

    /// Over plain HTTP and over HTTPS (through a TLS proxy, with client certificates optional):
    /// the same probes, the same answers.
    @Test("admin, operator (Org1MSP) and viewer against every API route: allowed, 403 naming the permission, 401 without a token",
          arguments: [false, true])
    func roleMatrix(overTLS: Bool) async throws {
        // Every anonymous probe must see its 401, not the limiter's 429.
        try await withGateway(maxFailedAuthentications: 10_000, tls: overTLS ? .optional : nil) { fx in
            // The probes cover the whole route table with the permission it declares.
            let table = Set(fx.application.apiRoutes.map { "\($0.method) \($0.path) \($0.permission.rawValue)" })
            #expect(Set(Self.probes.map { "\($0.method) \($0.route) \($0.permission)" }) == table)
            let roles = [("admin", "test-admin", fx.admin), ("operator", "test-operator", fx.operatorToken), ("viewer", "test-viewer", fx.viewer)]
            // "METHOD route actor" -> the request ID the caller saw, to find its audit row.
            var requestIDs: [String: String] = [:]
            for probe in Self.probes {
                for (role, name, token) in roles {
                    let r = try await fx.request(probe.method, probe.path, token: token, contentType: probe.contentType, body: probe.body)
                    requestIDs["\(probe.method) \(probe.route) \(name)"] = r.headers["x-request-id"]
                    let label = "\(role) \(probe.method) \(probe.path)"
                    if Self.granted[role]!.contains(probe.permission) {
                        #expect(r.status == probe.allowedStatus, "\(label): \(r.text)")
                        if let code = probe.allowedCode { #expect(r.errorCode == code, "\(label): \(r.text)") }
                    } else {
                        #expect(r.status == 403, "\(label): \(r.text)")
                        #expect(r.errorCode == "forbidden")
                        #expect(r.errorDetails?["missingPermission"] as? String == probe.permission, "\(label)")
                        #expect(r.errorMessage?.contains(name) == true && r.errorMessage?.contains(probe.permission) == true)
                        #expect(r.headers["www-authenticate"] == nil)
                    }
                }
                let anonymous = try await fx.request(probe.method, probe.path, contentType: probe.contentType, body: probe.body)
                requestIDs["\(probe.method) \(probe.route) anonymous"] = anonymous.headers["x-request-id"]
                #expect(anonymous.status == 401, "no token \(probe.method) \(probe.path)")
                #expect(anonymous.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
                #expect(anonymous.errorCode == "unauthorized" && (anonymous.json["error"] as? [String: Any])?["requestId"] is String)
            }
            try await Self.expectMatrixAudited(fx, requestIDs: requestIDs)
            #expect(fx.logs.all.contains { $0.contains("/api/v1/me") }, "the access log must be captured for the leak check")
        }
    }

    /// Every mutating probe left one row per caller (found by the request ID it saw), refused
    /// ones included, actor = token name; and no other rows (two routes may share an action).
    /// Anonymous refusals share one row per address and interval that counts them.
    static func expectMatrixAudited(_ fx: GatewayFixture, requestIDs: [String: String]) async throws {
        let rows = try await fx.auditEntries()
        let actions = Dictionary(uniqueKeysWithValues: fx.application.apiRoutes.compactMap { r in
            r.auditAction.map { ("\(r.method) \(r.path)", $0) }
        })
        // Read-only POSTs (chaincode evaluate) are not audited: they leave no row at all.
        let mutating = probes.filter { $0.method != "GET" && actions["\($0.method) \($0.route)"] != nil }
        let callers: [(role: String?, name: String)] = [("admin", "test-admin"), ("operator", "test-operator"), ("viewer", "test-viewer")]
        for probe in probes where probe.method != "GET" && actions["\(probe.method) \(probe.route)"] == nil {
            #expect(fx.application.apiRoutes.contains { $0.method == probe.method && $0.path == probe.route && $0.readOnly })
            for (_, name) in callers {
                let id = requestIDs["\(probe.method) \(probe.route) \(name)"]
                #expect(id != nil && !rows.contains { $0.requestID == id }, "\(probe.route) by \(name) is read-only: no audit row")
            }
        }
        for probe in mutating {
            let action = try #require(actions["\(probe.method) \(probe.route)"])
            let sharing = mutating.filter { actions["\($0.method) \($0.route)"] == action }.count
            for (role, name) in callers {
                let label = "\(action) (\(probe.method) \(probe.route)) by \(name)"
                let id = try #require(requestIDs["\(probe.method) \(probe.route) \(name)"], "\(label): no X-Request-ID")
                let matching = rows.filter { $0.requestID == id }
                #expect(matching.count == 1, "\(label)")
                let row = try #require(matching.first, "\(label)")
                let allowed = role.map { granted[$0]!.contains(probe.permission) } ?? false
                #expect(row.action == action && row.actor == name && row.role == role, "\(label)")
                #expect(row.status == (allowed ? probe.allowedStatus : role == nil ? 401 : 403), "\(label)")
                #expect(row.outcome == (allowed ? "failed" : "denied") && row.clientAddress.contains("127.0.0.1"), "\(label)")
                #expect(rows.filter { $0.action == action && $0.actor == name }.count == sharing, "\(label)")
            }
        }
        #expect(!rows.contains { $0.action.isEmpty || $0.requestID.isEmpty })
        let anonymous = try await fx.refusedAnonymousRows(totalling: mutating.count)
        #expect(anonymous.count == 1 && anonymous.allSatisfy { $0.status == 401 && $0.outcome == "denied" && $0.role == nil })
        #expect(anonymous.first?.requestID == requestIDs["\(mutating[0].method) \(mutating[0].route) anonymous"], "the first refusal's row")
    }

    @Test("a malformed Authorization header is 401 with error=invalid_request; an unknown token with error=invalid_token")
    func malformedAuthorization() async throws {
        try await withGateway { fx in
            let basic = try await fx.request("GET", "/api/v1/me", headers: [("Authorization", "Basic dXNlcjpwYXNz")])
            #expect(basic.status == 401)
            #expect(basic.headers["www-authenticate"]?.contains("error=\"invalid_request\"") == true)
            let unknown = try await fx.request("GET", "/api/v1/me", token: "cgw_0123456789abcdef_not-a-real-secret")
            #expect(unknown.status == 401)
            #expect(unknown.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
            #expect(unknown.headers["www-authenticate"]?.contains("error=\"invalid_token\"") == true)
            let open = try await fx.request("GET", "/healthz", token: "garbage")
            #expect(open.status == 200, "open endpoints ignore tokens")
            let ready = try await fx.request("GET", "/readyz")
            let metrics = try await fx.request("GET", "/metrics")
            #expect(ready.status == 200 && metrics.status == 200 && metrics.headers["www-authenticate"] == nil)
        }
    }

    @Test("admin creates an operator bound to Org1MSP; /me and /tokens report it without its secret")
    func tokenLifecycle() async throws {
        try await withGateway { fx in
            let created = try await fx.json("POST", "/api/v1/tokens", token: fx.admin,
                                            ["name": "ci-operator", "role": "operator", "orgs": ["Org1MSP"]], recordBody: false)
            #expect(created.status == 201, "\(created.text)")
            let token = try #require(created.json["token"] as? String)
            fx.remember(secret: token)
            #expect(token.hasPrefix("cgw_"))
            let me = try await fx.request("GET", "/api/v1/me", token: token)
            #expect(me.status == 200)
            #expect(me.json["name"] as? String == "ci-operator" && me.json["role"] as? String == "operator")
            #expect(me.json["orgs"] as? [String] == ["Org1MSP"])
            #expect(Set(me.json["permissions"] as? [String] ?? []) == ["read", "packages:write", "orgs:operate", "chaincode:invoke"])
            let viewerMe = try await fx.request("GET", "/api/v1/me", token: fx.viewer)
            #expect(viewerMe.json["permissions"] as? [String] == ["read"])

            let duplicate = try await fx.json("POST", "/api/v1/tokens", token: fx.admin, ["name": "ci-operator", "role": "viewer"])
            #expect(duplicate.status == 409 && duplicate.errorCode == "token_exists")
            let unbound = try await fx.json("POST", "/api/v1/tokens", token: fx.admin, ["name": "no-org", "role": "operator"])
            #expect(unbound.status == 422)
            let past = try await fx.json("POST", "/api/v1/tokens", token: fx.admin,
                                         ["name": "past", "role": "viewer", "expiresAt": "2001-01-01T00:00:00Z"])
            #expect(past.status == 422 && past.errorDetails?["field"] as? String == "expiresAt")
            let badJSON = try await fx.request("POST", "/api/v1/tokens", token: fx.admin, contentType: "application/json", body: Array("{".utf8))
            #expect(badJSON.status == 400)
            let wrongType = try await fx.request("POST", "/api/v1/tokens", token: fx.admin, contentType: "text/plain", body: Array("x".utf8))
            #expect(wrongType.status == 415)

            let list = try await fx.request("GET", "/api/v1/tokens", token: fx.admin)
            let items = list.json["items"] as? [[String: Any]] ?? []
            #expect(Set(items.compactMap { $0["name"] as? String }) == ["test-admin", "test-operator", "test-viewer", "ci-operator"])
            #expect(items.allSatisfy { $0["token"] == nil && $0["secretSHA256"] == nil && $0["tokenId"] is String })
            let rows = try await fx.auditEntries().filter { $0.action == "token.create" }
            #expect(rows.contains { $0.target == "ci-operator" && $0.status == 201 && $0.outcome == "success" && $0.actor == "test-admin" })
            #expect(rows.count == 6)
        }
    }

    /// A new viewer token that has authenticated once: (token, tokenId).
    static func viewerToken(_ name: String, _ fx: GatewayFixture) async throws -> (String, String) {
        let created = try await fx.json("POST", "/api/v1/tokens", token: fx.admin, ["name": name, "role": "viewer"], recordBody: false)
        let token = try #require(created.json["token"] as? String)
        let id = try #require(created.json["tokenId"] as? String)
        fx.remember(secret: token)
        #expect(try await fx.request("GET", "/api/v1/me", token: token).status == 200)
        return (token, id)
    }

    @Test("a revoked token and an expired token are refused on the very next request")
    func revokedAndExpired() async throws {
        try await withGateway { fx in
            let (token, id) = try await Self.viewerToken("short-lived", fx)
            let revoke = try await fx.request("DELETE", "/api/v1/tokens/\(id)", token: fx.admin)
            #expect(revoke.status == 204)
            let after = try await fx.request("GET", "/api/v1/me", token: token)
            #expect(after.status == 401 && after.headers["www-authenticate"]?.contains("invalid_token") == true)
            #expect(try await fx.request("DELETE", "/api/v1/tokens/\(id)", token: fx.admin).status == 404, "already revoked")
            let listed = try await fx.request("GET", "/api/v1/tokens", token: fx.admin).json["items"] as? [[String: Any]] ?? []
            #expect(listed.first { $0["tokenId"] as? String == id }?["revokedAt"] is String)
            let rows = try await fx.auditEntries().filter { $0.action == "token.revoke" }
            #expect(rows.map(\.status).sorted() == [204, 404] && rows.allSatisfy { $0.target == id && $0.actor == "test-admin" })

            // Expiry: the operator works, its expiry passes (set in the database), the next request fails.
            #expect(try await fx.request("GET", "/api/v1/me", token: fx.operatorToken).status == 200)
            let opID = try #require(try await fx.services.tokens.list().first { $0.name == "test-operator" }?.tokenID)
            let past = Timestamp.format(Date(timeIntervalSinceNow: -1))
            try await fx.services.queue.write { try $0.execute("UPDATE api_tokens SET expires_at = ? WHERE token_id = ?", [past, opID]) }
            let expired = try await fx.request("GET", "/api/v1/me", token: fx.operatorToken)
            #expect(expired.status == 401 && expired.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
            #expect(try await fx.request("GET", "/api/v1/me", token: fx.viewer).status == 200, "other tokens are unaffected")
        }
    }

    @Test("a token revoked through another connection to the database (as the token CLI does) is refused on the next request")
    func revokedByAnotherProcess() async throws {
        try await withGateway { fx in
            let (token, id) = try await Self.viewerToken("cli-revoked", fx)
            // Authenticated twice: the second is served from the in-memory token cache.
            #expect(try await fx.request("GET", "/api/v1/me", token: token).status == 200)
            let other = try DatabaseQueue(path: fx.services.queue.path)
            #expect(try await other.write { try TokenRepository($0).revoke(tokenID: id, at: Timestamp.now()) })
            await other.close()
            let after = try await fx.request("GET", "/api/v1/me", token: token)
            #expect(after.status == 401)
            #expect(try await fx.request("GET", "/api/v1/me", token: fx.viewer).status == 200)
        }
    }

    @Test("repeated bad tokens get 429 per address and token ID; a valid token from the same address is never refused")
    func rateLimitedFailures() async throws {
        try await withGateway { fx in
            let (viewer, viewerID) = try await Self.viewerToken("targeted", fx)
            // Ten failures under the viewer's public ID (someone who knows it guesses secrets).
            for _ in 0..<10 {
                #expect(try await fx.request("GET", "/api/v1/me", token: "cgw_\(viewerID)_wrong").status == 401)
            }
            let limited = try await fx.request("GET", "/api/v1/me", token: "cgw_\(viewerID)_still-wrong")
            #expect(limited.status == 429 && limited.errorCode == "too_many_failed_authentications")
            let retryAfter = try #require(limited.headers["retry-after"].flatMap { Int($0) })
            #expect((1...60).contains(retryAfter))
            #expect(try await fx.request("GET", "/api/v1/me", token: viewer).status == 200, "the owner of the ID is not locked out")
            #expect(try await fx.request("GET", "/api/v1/me", token: fx.admin).status == 200, "other tokens from the address either")
            let other = try await fx.request("GET", "/api/v1/me", token: "cgw_00000000000000aa_wrong")
            #expect(other.status == 401, "another token ID has its own count")
            // Ten requests without a token: the anonymous key is limited, valid tokens are not.
            for _ in 0..<10 { #expect(try await fx.request("GET", "/api/v1/me").status == 401) }
            #expect(try await fx.request("GET", "/api/v1/me").status == 429)
            let created = try await fx.json("POST", "/api/v1/tokens", token: fx.admin, ["name": "x", "role": "viewer"], recordBody: false)
            #expect(created.status == 201)
            fx.remember(secret: created.json["token"] as? String ?? "")
            #expect(try await fx.request("GET", "/healthz").status == 200)
        }
    }

    @Test("an operator bound to Org1MSP may act for Org1MSP only; refusals name the missing org permission")
    func orgBinding() throws {
        let op = Principal(tokenID: "0123456789abcdef", name: "op1", role: .operator, orgs: ["Org1MSP"])
        #expect(op.mayActFor(org: "Org1MSP") && !op.mayActFor(org: "Org2MSP"))
        let admin = Principal(tokenID: "a", name: "root", role: .admin, orgs: [])
        let viewer = Principal(tokenID: "v", name: "look", role: .viewer, orgs: ["Org1MSP"])
        #expect(admin.mayActFor(org: "Org2MSP") && !viewer.mayActFor(org: "Org1MSP"))
        let request = Request(method: "POST", path: "/x", rawQuery: "", headers: .init([]), requestID: "r", remoteAddress: "127.0.0.1")
        let ctx = APIContext(request: request, principal: op)
        try ctx.authorize(orgs: ["Org1MSP"])
        let error = try #require(throws: HTTPError.self) { try ctx.authorize(orgs: ["Org1MSP", "Org2MSP", "Org3MSP"]) }
        #expect(error.status == 403 && error.message.contains("Org2MSP, Org3MSP") && !error.message.contains("Org1MSP"))
        #expect(error.details.first { $0.0 == "missingPermission" }.map { "\($0.1)" }?.contains("orgs:operate") == true)
    }

    /// A declared Content-Length over the route's limit is refused only after authentication,
    /// authorization and the audit row (the server defers the 413 to API routes).
    @Test("an oversized mutating request is still authenticated and audited")
    func oversizedRequestsAreAudited() async throws {
        try await withGateway(limits: PackageLimits(maxPackageBytes: 1024)) { fx in
            let body = [UInt8](repeating: 0x41, count: 1024 + 65 * 1024)
            let anonymous = try await fx.request("POST", "/api/v1/packages", contentType: "application/gzip", body: body)
            let viewer = try await fx.request("POST", "/api/v1/packages", token: fx.viewer, contentType: "application/gzip", body: body)
            let rows = try await fx.auditEntries().filter { $0.action == "package.upload" }
            #expect(anonymous.status == 401)
            #expect(viewer.status == 403)
            #expect(rows.map(\.actor).sorted() == ["anonymous", "test-viewer"])
            #expect(fx.packageFiles() == [])
        }
    }

    @Test("an upload refused by access control is answered 401/403 even while its large body is still arriving")
    func refusedLargeUpload() async throws {
        try await withGateway { fx in
            let body = [UInt8](repeating: 0x41, count: 3 << 20)
            let anonymous = try await fx.request("POST", "/api/v1/packages", contentType: "application/gzip", body: body)
            let viewer = try await fx.request("POST", "/api/v1/packages", token: fx.viewer, contentType: "application/gzip", body: body)
            #expect(anonymous.status == 401 && viewer.status == 403)
            #expect(fx.packageFiles() == [])
            let me = try await fx.request("GET", "/api/v1/me", token: fx.viewer)
            #expect(me.status == 200)
        }
    }

    @Test("refused mutating calls are audited with the request ID the client saw and the target they tried")
    func refusedCallsNameTheirTarget() async throws {
        try await withGateway { fx in
            let bytes = try PackageFixtures.golang(label: "kept_1")
            let stored = try await fx.request("POST", "/api/v1/packages", token: fx.operatorToken, contentType: "application/gzip", body: bytes)
            let id = try #require(stored.json["packageId"] as? String)
            let refused = try await fx.request("DELETE", "/api/v1/packages/\(id)", token: fx.viewer)
            #expect(refused.status == 403)
            let requestID = try #require(refused.headers["x-request-id"])
            #expect((refused.json["error"] as? [String: Any])?["requestId"] as? String == requestID)
            let row = try #require(try await fx.auditEntries().first { $0.requestID == requestID })
            #expect(row.action == "package.delete" && row.actor == "test-viewer" && row.outcome == "denied")
            #expect(row.target == id)
            let still = try await fx.request("GET", "/api/v1/packages/\(id)", token: fx.viewer)
            #expect(still.status == 200)
        }
    }
}
