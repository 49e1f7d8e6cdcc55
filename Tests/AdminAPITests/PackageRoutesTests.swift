import ChaincodePackages
import Foundation
import JSON
import Testing
import TestSupport

/// `/api/v1/packages` over real sockets, with the package files in a temp data directory.
@Suite(.timeLimit(.minutes(2))) struct PackageRoutesTests {
    @Test("raw upload 201, same bytes 200 created:false, multipart upload, download matches sha256sum, delete then 404")
    func uploadInspectDownloadDelete() async throws {
        try await withGateway { fx in
            let bytes = try PackageFixtures.golang(label: "basic_1.0")
            let first = try await fx.request("POST", "/api/v1/packages", token: fx.operatorToken, contentType: "application/gzip", body: bytes)
            #expect(first.status == 201, "\(first.text)")
            #expect(first.json["created"] as? Bool == true)
            let id = try #require(first.json["packageId"] as? String)
            let sha = try await onThread { try PackageFixtures.sha256sum(bytes) }
            #expect(id == "basic_1.0:\(sha)", "package ID is label:sha256 of the uploaded bytes")
            #expect(first.json["uploadedBy"] as? String == "test-operator" && first.json["type"] as? String == "golang")
            let names = (first.json["entries"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names == ["src/go.mod", "src/main.go"])

            let again = try await fx.request("POST", "/api/v1/packages", token: fx.admin, contentType: "application/gzip", body: bytes)
            #expect(again.status == 200 && again.json["created"] as? Bool == false && again.json["packageId"] as? String == id)

            let other = try PackageFixtures.golang(label: "basic_1.0", variant: "2")
            let boundary = "----gateway-test-\(UUID().uuidString)"
            let multi = try await fx.request("POST", "/api/v1/packages", token: fx.operatorToken,
                                             contentType: "multipart/form-data; boundary=\(boundary)",
                                             body: PackageFixtures.multipart(file: other, boundary: boundary))
            #expect(multi.status == 201, "\(multi.text)")
            let otherSHA = try await onThread { try PackageFixtures.sha256sum(other) }
            #expect(multi.json["packageId"] as? String == "basic_1.0:\(otherSHA)")
            #expect(multi.json["size"] as? Int == other.count)

            let list = try await fx.request("GET", "/api/v1/packages?label=basic_1.0&limit=1", token: fx.viewer)
            #expect(list.status == 200 && list.json["total"] as? Int == 2 && (list.json["items"] as? [Any])?.count == 1)
            let inspect = try await fx.request("GET", "/api/v1/packages/\(id)", token: fx.viewer)
            #expect(inspect.status == 200 && inspect.json["sha256"] as? String == sha && inspect.json["created"] == nil)

            let download = try await fx.request("GET", "/api/v1/packages/\(id)/content", token: fx.viewer)
            #expect(download.status == 200 && download.headers["content-type"] == "application/gzip")
            #expect(download.body == bytes)
            let downloadedSHA = try await onThread { try PackageFixtures.sha256sum(download.body) }
            #expect(downloadedSHA == String(id.split(separator: ":").last!))
            let etag = try #require(download.headers["etag"])
            let cached = try await fx.request("GET", "/api/v1/packages/\(id)/content", token: fx.viewer, headers: [("If-None-Match", etag)])
            #expect(cached.status == 304)

            #expect(fx.packageFiles() == ["\(otherSHA).tar.gz", "\(sha).tar.gz"].sorted())
            let delete = try await fx.request("DELETE", "/api/v1/packages/\(id)", token: fx.operatorToken)
            #expect(delete.status == 204)
            #expect(try await fx.request("GET", "/api/v1/packages/\(id)", token: fx.viewer).status == 404)
            #expect(try await fx.request("GET", "/api/v1/packages/\(id)/content", token: fx.viewer).status == 404)
            let gone = try await fx.request("DELETE", "/api/v1/packages/\(id)", token: fx.operatorToken)
            #expect(gone.status == 404 && gone.errorCode == "package_not_found")
            #expect(fx.packageFiles() == ["\(otherSHA).tar.gz"])

            let rows = try await fx.auditEntries()
            #expect(rows.filter { $0.action == "package.upload" }.map(\.status).sorted() == [200, 201, 201])
            #expect(rows.contains { $0.action == "package.upload" && $0.target == id && $0.actor == "test-operator" })
            #expect(rows.filter { $0.action == "package.delete" && $0.target == id }.map(\.status).sorted() == [204, 404])
        }
    }

    @Test("413 over the configured limit leaves no file in <data>/packages; 415 for text/plain")
    func limitsAndMediaTypes() async throws {
        try await withGateway(limits: PackageLimits(maxPackageBytes: 4096)) { fx in
            let big = PackageFixtures.noise(count: 20_000)
            let tooLarge = try await fx.request("POST", "/api/v1/packages", token: fx.operatorToken, contentType: "application/gzip", body: big)
            #expect(tooLarge.status == 413 && tooLarge.errorCode == "payload_too_large", "\(tooLarge.text)")
            #expect(fx.packageFiles() == [], "no staged file may remain")
            // Beyond the route's body limit the server refuses before the handler runs.
            let huge = PackageFixtures.noise(count: 4096 + 65 * 1024)
            let refused = try await fx.request("POST", "/api/v1/packages", token: fx.operatorToken, contentType: "application/gzip", body: huge)
            #expect(refused.status == 413)
            let boundary = "b-\(UUID().uuidString)"
            let multi = try await fx.request("POST", "/api/v1/packages", token: fx.operatorToken,
                                             contentType: "multipart/form-data; boundary=\(boundary)",
                                             body: PackageFixtures.multipart(file: big, boundary: boundary))
            #expect(multi.status == 413)
            #expect(fx.packageFiles() == [])

            let text = try await fx.request("POST", "/api/v1/packages", token: fx.operatorToken, contentType: "text/plain",
                                            body: try PackageFixtures.golang(label: "t_1"))
            #expect(text.status == 415 && text.errorCode == "unsupported_media_type")
            #expect(fx.packageFiles() == [])

            let small = try PackageFixtures.golang(label: "small_1")
            #expect(small.count < 4096)
            #expect(try await fx.request("POST", "/api/v1/packages", token: fx.operatorToken, contentType: "application/gzip", body: small).status == 201)
            #expect(fx.packageFiles().count == 1)
            let rows = try await fx.auditEntries().filter { $0.action == "package.upload" }
            #expect(rows.contains { $0.status == 413 && $0.outcome == "failed" && $0.actor == "test-operator" })
            #expect(rows.contains { $0.status == 415 })
        }
    }

    @Test("422 with the peer's wording for invalid packages; nothing is stored")
    func invalidPackages() async throws {
        try await withGateway { fx in
            let missing = try await fx.request("POST", "/api/v1/packages", token: fx.operatorToken, contentType: "application/gzip",
                                               body: try PackageFixtures.withoutMetadata())
            #expect(missing.status == 422 && missing.errorCode == "invalid_package")
            #expect(missing.errorMessage == "did not find any package metadata (missing metadata.json)")
            let notGzip = try await fx.request("POST", "/api/v1/packages", token: fx.operatorToken, contentType: "application/gzip",
                                               body: Array("this is not a gzip stream at all".utf8))
            #expect(notGzip.status == 422 && notGzip.errorMessage?.hasPrefix("error reading as gzip stream") == true)
            let empty = try await fx.request("POST", "/api/v1/packages", token: fx.operatorToken, contentType: "application/gzip", body: [])
            #expect(empty.status == 400)
            let boundary = "b-\(UUID().uuidString)"
            let noFile = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nx\r\n--\(boundary)--\r\n".utf8)
            let missingFile = try await fx.request("POST", "/api/v1/packages", token: fx.operatorToken,
                                                   contentType: "multipart/form-data; boundary=\(boundary)", body: noFile)
            #expect(missingFile.status == 400 && missingFile.errorCode == "missing_file")
            #expect(fx.packageFiles() == [])
            let list = try await fx.request("GET", "/api/v1/packages", token: fx.viewer)
            #expect(list.json["total"] as? Int == 0)
        }
    }

    static let rootCert = "-----BEGIN CERTIFICATE-----\nTUlJQnJvb3RjZXJ0\n-----END CERTIFICATE-----\n"
    static let clientCert = "-----BEGIN CERTIFICATE-----\nTUlJQmNsaWVudGNlcnQ=\n-----END CERTIFICATE-----\n"
    /// The secret whose value must never come back from the API.
    static let keyBody = "c2VjcmV0LWtleS1tYXRlcmlhbC1kby1ub3QtbGVhaw=="
    static let clientKey = "-----BEGIN PRIVATE KEY-----\n\(keyBody)\n-----END PRIVATE KEY-----\n"

    @Test("ccaas build is deterministic, returns chaincodeServer.CHAINCODE_ID and never the client key")
    func ccaasBuild() async throws {
        try await withGateway { fx in
            let input: [String: Any] = [
                "label": "asset-transfer_1.0", "address": "asset-transfer.example.com:9999", "dialTimeout": "10s",
                "tlsRequired": true, "clientAuthRequired": true, "rootCert": Self.rootCert, "clientCert": Self.clientCert,
                "clientKey": Self.clientKey,
                "couchdbIndexes": ["indexOwner": #"{"index":{"fields":["owner"]},"ddoc":"indexOwnerDoc","name":"indexOwner","type":"json"}"#],
            ]
            let first = try await fx.json("POST", "/api/v1/packages/ccaas", token: fx.operatorToken, input)
            #expect(first.status == 201, "\(first.text)")
            let id = try #require(first.json["packageId"] as? String)
            let server = first.json["chaincodeServer"] as? [String: Any]
            #expect(server?["CHAINCODE_ID"] as? String == id)
            #expect(server?["CHAINCODE_SERVER_ADDRESS"] as? String == "0.0.0.0:9999")
            let connection = first.json["connection"] as? [String: Any]
            #expect(connection?["client_key_present"] as? Bool == true && connection?["address"] as? String == "asset-transfer.example.com:9999")
            #expect(connection?["client_key"] == nil)

            let second = try await fx.json("POST", "/api/v1/packages/ccaas", token: fx.admin, input)
            #expect(second.status == 200 && second.json["packageId"] as? String == id && second.json["created"] as? Bool == false)

            let content = try await fx.request("GET", "/api/v1/packages/\(id)/content", token: fx.viewer)
            let sha = try await onThread { try PackageFixtures.sha256sum(content.body) }
            #expect(id == "asset-transfer_1.0:\(sha)")

            let inspect = try await fx.request("GET", "/api/v1/packages/\(id)", token: fx.viewer)
            let list = try await fx.request("GET", "/api/v1/packages?type=ccaas", token: fx.viewer)
            #expect(inspect.status == 200 && list.json["total"] as? Int == 1)
            let names = (inspect.json["entries"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names == ["connection.json", "META-INF/statedb/couchdb/indexes/indexOwner.json"])
            for response in [first, second, inspect, list] {
                #expect(!response.text.contains(Self.keyBody) && !response.text.contains("PRIVATE KEY"), "client key in a response")
            }
            let invalid = try await fx.json("POST", "/api/v1/packages/ccaas", token: fx.operatorToken,
                                            ["label": "x_1", "address": "h:1", "clientKey": Self.clientKey])
            #expect(invalid.status == 422 && !invalid.text.contains(Self.keyBody))
            let audit = try await fx.auditEntries().filter { $0.action == "package.build" }
            #expect(audit.map(\.status).sorted() == [200, 201, 422] && audit.contains { $0.target == id })
            #expect(!audit.contains { ($0.detail ?? "").contains(Self.keyBody) || ($0.target ?? "").contains(Self.keyBody) })
            #expect(!fx.logs.all.contains { $0.contains(Self.keyBody) })
        }
    }

    @Test("concurrent uploads of the same bytes store one file and one row; a chunked upload works")
    func concurrentAndChunked() async throws {
        try await withGateway { fx in
            let bytes = try PackageFixtures.golang(label: "race_1")
            async let a = fx.request("POST", "/api/v1/packages", token: fx.operatorToken, contentType: "application/gzip", body: bytes)
            async let b = fx.request("POST", "/api/v1/packages", token: fx.admin, contentType: "application/gzip", body: bytes)
            async let c = fx.request("POST", "/api/v1/packages", token: fx.admin, contentType: "application/gzip", body: bytes)
            let responses = try await [a, b, c]
            #expect(responses.map(\.status).sorted() == [200, 200, 201])
            #expect(Set(responses.compactMap { $0.json["packageId"] as? String }).count == 1)
            #expect(fx.packageFiles().count == 1)
            #expect(try await fx.request("GET", "/api/v1/packages", token: fx.viewer).json["total"] as? Int == 1)

            let other = try PackageFixtures.golang(label: "chunked_1")
            let port = fx.port, token = fx.operatorToken
            let chunked = try await onThread { () -> TestClient.Response in
                let client = try TestClient(port: port)
                var request = Array(("POST /api/v1/packages HTTP/1.1\r\nHost: t\r\nConnection: close\r\nAuthorization: Bearer \(token)\r\n"
                    + "Content-Type: application/gzip\r\nTransfer-Encoding: chunked\r\n\r\n").utf8)
                let half = other.count / 2
                for part in [other[..<half], other[half...]] {
                    request += Array("\(String(part.count, radix: 16))\r\n".utf8) + part + Array("\r\n".utf8)
                }
                try client.send(request + Array("0\r\n\r\n".utf8), allowingEarlyClose: true)
                return try client.readResponse()
            }
            #expect(chunked.status == 201 && chunked.json["size"] as? Int == other.count)
        }
    }

    @Test("a package written by Python's tarfile is accepted; its ID is label:sha256sum")
    func pythonBuiltPackage() async throws {
        try await withGateway { fx in
            let bytes = try await onThread { try PackageFixtures.pythonPackage(label: "py_1.0") }
            let sha = try await onThread { try PackageFixtures.sha256sum(bytes) }
            let r = try await fx.request("POST", "/api/v1/packages", token: fx.operatorToken, contentType: "application/gzip", body: bytes)
            #expect(r.status == 201, "\(r.text)")
            #expect(r.json["packageId"] as? String == "py_1.0:\(sha)")
            #expect((r.json["metadata"] as? [String: Any])?["path"] as? String == "github.com/example/py")
            #expect((r.json["entries"] as? [[String: Any]])?.first?["name"] as? String == "src/main.go")
        }
    }
}
