import Foundation
import Testing
import TestSupport
@testable import AdminAPI
import WebServer

/// Issue 17 §3 and issue 20 item 3 at the API: authentication and permission before the body
/// (and before `100 Continue`), `Cache-Control: no-store`, and the wider brute-force budgets.
@Suite(.timeLimit(.minutes(2))) struct AccessHardeningTests {
    static let tokenBody = #"{"name":"from-continue","role":"viewer"}"#

    /// Sends a POST /api/v1/tokens head with `Expect: 100-continue` and returns the first head the server sends.
    static func firstAnswer(_ port: Int, token: String?, contentLength: Int = tokenBody.utf8.count) async throws -> (TestClient, String) {
        try await onThread {
            let c = try TestClient(port: port)
            let auth = token.map { "Authorization: Bearer \($0)\r\n" } ?? ""
            try c.send("POST /api/v1/tokens HTTP/1.1\r\nHost: t\r\n\(auth)Content-Type: application/json\r\n" +
                       "Content-Length: \(contentLength)\r\nExpect: 100-continue\r\n\r\n")
            return (c, try c.readText(until: "\r\n\r\n"))
        }
    }

    @Test("Expect: 100-continue: no token gets 401 and a viewer 403 instead of 100, without the body being read; an admin gets 100, then 201")
    func continueAfterAccessChecks() async throws {
        try await withGateway { fx in
            let (anonymous, first) = try await Self.firstAnswer(fx.port, token: nil, contentLength: 10_000_000)
            #expect(first.hasPrefix("HTTP/1.1 401 "), "\(first)")
            #expect(!first.contains("100 Continue") && first.lowercased().contains("connection: close"))
            #expect(first.lowercased().contains("cache-control: no-store"))
            #expect(try await onThread { anonymous.isClosedByServer() })

            let (viewer, second) = try await Self.firstAnswer(fx.port, token: fx.viewer)
            #expect(second.hasPrefix("HTTP/1.1 403 "), "\(second)")
            #expect(try await onThread { viewer.isClosedByServer() })

            let (admin, third) = try await Self.firstAnswer(fx.port, token: fx.admin)
            #expect(third == "HTTP/1.1 100 Continue\r\n\r\n")
            let created = try await onThread { () -> TestClient.Response in
                try admin.send(Self.tokenBody)
                return try admin.readResponse()
            }
            #expect(created.status == 201 && created.headers["cache-control"] == "no-store")
            fx.remember(secret: created.json["token"] as? String ?? "")
            // The refusals are audited as before: the 403 under the viewer, the 401 aggregated.
            let rows = try await fx.auditEntries().filter { $0.action == "token.create" }
            #expect(rows.contains { $0.actor == "test-viewer" && $0.status == 403 })
            #expect(rows.contains { $0.actor == "anonymous" && $0.status == 401 })
            #expect(rows.contains { $0.actor == "test-admin" && $0.status == 201 })
        }
    }

    @Test("a streamed upload with Expect: 100-continue: 100 only for a token that may upload, then the package is stored")
    func uploadContinue() async throws {
        try await withGateway { fx in
            let bytes = try PackageFixtures.golang(label: "continue")
            let port = fx.port
            @Sendable func head(_ token: String) -> String {
                "POST /api/v1/packages HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/gzip\r\n" +
                    "Content-Length: \(bytes.count)\r\nExpect: 100-continue\r\n\r\n"
            }
            let refused = try await onThread { () -> String in
                let c = try TestClient(port: port)
                try c.send(head(fx.viewer))
                return try c.readText(until: "\r\n\r\n")
            }
            #expect(refused.hasPrefix("HTTP/1.1 403 "), "\(refused)")
            let stored = try await onThread { () -> (String, TestClient.Response) in
                let c = try TestClient(port: port)
                try c.send(head(fx.operatorToken))
                let interim = try c.readText(until: "\r\n\r\n")
                try c.send(bytes)
                return (interim, try c.readResponse())
            }
            #expect(stored.0 == "HTTP/1.1 100 Continue\r\n\r\n")
            #expect(stored.1.status == 201, "\(stored.1.text)")
            #expect(stored.1.headers["cache-control"] == "no-store")
        }
    }

    @Test("a refused upload is answered before its body arrives (a declared 50 MB never sent)")
    func refusedBeforeBody() async throws {
        try await withGateway { fx in
            let r = try await onThread { () -> TestClient.Response in
                let c = try TestClient(port: fx.port, timeoutSeconds: 5)
                try c.send("POST /api/v1/packages HTTP/1.1\r\nHost: t\r\nContent-Type: application/octet-stream\r\nContent-Length: 50000000\r\n\r\n")
                return try c.readResponse()
            }
            #expect(r.status == 401 && r.headers["connection"] == "close")
        }
    }

    @Test("every /api/v1 response has Cache-Control: no-store, successes and errors alike")
    func noStore() async throws {
        try await withGateway { fx in
            for (path, token) in [("/api/v1/me", fx.viewer), ("/api/v1/tokens", fx.admin), ("/api/v1/me", "cgw_0000000000000000_bad"),
                                  ("/api/v1/tokens", fx.viewer), ("/api/v1/packages/nosuch", fx.viewer)] {
                let r = try await fx.request("GET", path, token: token)
                #expect(r.headers["cache-control"] == "no-store", "\(path) \(r.status)")
                #expect(r.headers["x-content-type-options"] == "nosniff")
            }
        }
    }

    @Test("a guesser trying a new token ID each time is slowed (429) by the address's budget; valid tokens from it still work")
    func rotatingTokenIDs() async throws {
        try await withGateway { fx in
            let budget = 10 * AuthFailureLimiter.aggregateFactor
            for i in 0..<budget {
                let id = String(format: "%016x", 0xbad0000 + i)
                #expect(try await fx.request("GET", "/api/v1/me", token: "cgw_\(id)_guess").status == 401, "attempt \(i)")
            }
            let limited = try await fx.request("GET", "/api/v1/me", token: "cgw_00000000deadbeef_guess")
            #expect(limited.status == 429 && limited.headers["retry-after"] != nil)
            #expect(try await fx.request("GET", "/api/v1/me", token: fx.viewer).status == 200)
            #expect(try await fx.request("GET", "/api/v1/me", token: fx.admin).status == 200)
        }
    }

    @Test("the limiter's budgets: pair, address across IDs, ID across addresses; a key under no spent budget may try")
    func limiterBudgets() {
        let limiter = AuthFailureLimiter(maxFailures: 2, window: 60)
        let now = Date()
        typealias Key = AuthFailureLimiter.Key
        // One ID guessed from six addresses, once each: the ID's budget (2 x 3) is spent.
        for a in 0..<6 { limiter.recordFailure(Key(address: "10.0.0.\(a)", tokenID: "aaaa"), now: now) }
        #expect(limiter.retryAfter(Key(address: "10.0.0.99", tokenID: "aaaa"), now: now) != nil, "a fresh address, same ID")
        #expect(limiter.retryAfter(Key(address: "10.0.0.99", tokenID: "bbbb"), now: now) == nil, "other IDs are not affected")
        #expect(limiter.retryAfter(Key(address: "10.0.0.99", tokenID: ""), now: now) == nil)
        // The window passes: everything may try again.
        #expect(limiter.retryAfter(Key(address: "10.0.0.99", tokenID: "aaaa"), now: now.addingTimeInterval(61)) == nil)
        // Six IDs from one address: that address's budget is spent, for any ID.
        for i in 0..<6 { limiter.recordFailure(Key(address: "10.0.1.1", tokenID: "id\(i)"), now: now) }
        #expect(limiter.retryAfter(Key(address: "10.0.1.1", tokenID: "new"), now: now) != nil)
        #expect(limiter.retryAfter(Key(address: "10.0.1.2", tokenID: "new"), now: now) == nil)
    }
}
