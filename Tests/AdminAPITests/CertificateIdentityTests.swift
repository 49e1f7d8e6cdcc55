@testable import AdminAPI
import Foundation
import Store
import Testing
import TestSupport
import TLSCrypto

/// Client certificates as identities over the HTTPS listener: bindings made with the token API,
/// matched on subject or fingerprint; the audit log names the certificate's subject.
@Suite(.timeLimit(.minutes(2))) struct CertificateIdentityTests {
    @Test("a certificate bound by subject acts with its role; the audit log names its subject; revoked, it is refused")
    func subjectBinding() async throws {
        try await withGateway(tls: .optional) { fx in
            let pki = try #require(fx.pki)
            let (proxy, certPort) = try await pki.startProxy(to: fx.port, client: "client")
            defer { Task { await proxy.stop() } }
            let unbound = try await fx.request("GET", "/api/v1/me", via: certPort)
            #expect(unbound.status == 401 && unbound.errorMessage?.contains("CN=ci,O=Org1") == true, "\(unbound.text)")

            let created = try await fx.json("POST", "/api/v1/tokens", token: fx.admin, [
                "kind": "certificate", "subject": "cn=ci, o=Org1", "role": "operator", "orgs": ["Org1MSP"],
            ])
            #expect(created.status == 201, "\(created.text)")
            #expect(created.json["kind"] as? String == "certificate" && created.json["subject"] as? String == "CN=ci,O=Org1")
            #expect(created.json["token"] == nil, "a binding has no secret")
            let bindingID = try #require(created.json["tokenId"] as? String)
            #expect(bindingID.hasPrefix("crt-"))

            let me = try await fx.request("GET", "/api/v1/me", via: certPort)
            #expect(me.status == 200, "\(me.text)")
            #expect(me.json["name"] as? String == "CN=ci,O=Org1" && me.json["role"] as? String == "operator")
            #expect(me.json["orgs"] as? [String] == ["Org1MSP"])
            // An operator may not create tokens: refused, and audited under the certificate's subject.
            let refused = try await fx.json("POST", "/api/v1/tokens", token: nil, ["name": "x", "role": "viewer"], recordBody: true)
            #expect(refused.status == 401, "the default proxy presents no certificate")
            let denied = try await fx.request("POST", "/api/v1/tokens", contentType: "application/json",
                                              body: Array(#"{"name":"x","role":"viewer"}"#.utf8), via: certPort)
            #expect(denied.status == 403, "\(denied.text)")
            let rows = try await fx.auditEntries()
            #expect(rows.contains { $0.actor == "CN=ci,O=Org1" && $0.action == "token.create" && $0.outcome == "denied"
                                    && $0.requestID == denied.headers["x-request-id"] })
            // A bearer token, when sent, is the identity even over a certificate-bearing connection.
            let bearer = try await fx.request("GET", "/api/v1/me", token: fx.viewer, via: certPort)
            #expect(bearer.json["name"] as? String == "test-viewer")

            let list = try await fx.request("GET", "/api/v1/tokens", token: fx.admin)
            let items = list.json["items"] as? [[String: Any]] ?? []
            #expect(items.contains { $0["tokenId"] as? String == bindingID && $0["kind"] as? String == "certificate" })
            #expect(items.contains { $0["name"] as? String == "test-admin" && $0["kind"] as? String == "bearer" })

            #expect(try await fx.request("DELETE", "/api/v1/tokens/\(bindingID)", token: fx.admin).status == 204)
            #expect(try await fx.request("GET", "/api/v1/me", via: certPort).status == 401)
        }
    }

    @Test("bindings are cached per certificate, and one revoked or created through another connection to the database is seen by the next request")
    func bindingCacheFollowsTheDatabase() async throws {
        try await withGateway(tls: .optional) { fx in
            let pki = try #require(fx.pki)
            let (proxy, certPort) = try await pki.startProxy(to: fx.port, client: "client")
            defer { Task { await proxy.stop() } }
            // Unbound: the empty answer is cached too, and a binding written elsewhere still counts at once.
            #expect(try await fx.request("GET", "/api/v1/me", via: certPort).status == 401)
            let other = try DatabaseQueue(path: fx.services.queue.path)
            let record = CertificateBindingRecord(bindingID: "crt-0123456789abcdef", name: "cli-made", subject: "CN=ci,O=Org1",
                                                  fingerprintSHA256: nil, role: "viewer", orgs: [], createdAt: Timestamp.now(), expiresAt: nil)
            try await other.write { try CertificateBindingRepository($0).insert(record) }
            // The first success records the binding's last use (a write: the cache forgets);
            // later requests are answered from memory.
            let hitsBefore = fx.services.tokens.cache.bindingHits
            for _ in 0..<3 {
                let me = try await fx.request("GET", "/api/v1/me", via: certPort)
                #expect(me.status == 200 && me.json["role"] as? String == "viewer", "\(me.text)")
            }
            #expect(fx.services.tokens.cache.bindingHits > hitsBefore, "repeated requests read the bindings from the cache")
            #expect(try await other.write { try CertificateBindingRepository($0).revoke(bindingID: record.bindingID, at: Timestamp.now()) })
            await other.close()
            #expect(try await fx.request("GET", "/api/v1/me", via: certPort).status == 401)
        }
    }

    @Test("a fingerprint binding matches that certificate only, and wins over a subject binding")
    func fingerprintBinding() async throws {
        try await withGateway(tls: .optional) { fx in
            let pki = try #require(fx.pki)
            let der = try X509Certificate(pem: String(contentsOfFile: pki.path("client.pem"), encoding: .utf8)).derBytes
            let colons = SHA256.hash(der).map { String(format: "%02X", $0) }.joined(separator: ":")
            #expect(try await fx.json("POST", "/api/v1/tokens", token: fx.admin, [
                "kind": "certificate", "subject": "CN=ci,O=Org1", "role": "admin",
            ]).status == 201)
            let byPrint = try await fx.json("POST", "/api/v1/tokens", token: fx.admin, [
                "kind": "certificate", "fingerprintSHA256": colons, "role": "viewer", "name": "ci-pinned",
            ])
            #expect(byPrint.status == 201 && byPrint.json["fingerprintSHA256"] as? String == SHA256.hash(der).hexString, "\(byPrint.text)")
            let (proxy, certPort) = try await pki.startProxy(to: fx.port, client: "client")
            defer { Task { await proxy.stop() } }
            let me = try await fx.request("GET", "/api/v1/me", via: certPort)
            #expect(me.json["role"] as? String == "viewer", "\(me.text)")
            let both = try await fx.json("POST", "/api/v1/tokens", token: fx.admin, [
                "kind": "certificate", "subject": "CN=x", "fingerprintSHA256": colons, "role": "viewer",
            ])
            #expect(both.status == 422)
        }
    }
}
