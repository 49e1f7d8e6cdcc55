import Archive
import Foundation
import Testing
@testable import ChaincodePackages
import TestSupport

@Suite("CCaaSPackageBuilder")
struct CCaaSPackageBuilderTests {
    static let index = #"{"index":{"fields":["docType","owner"]},"ddoc":"indexOwnerDoc","name":"indexOwner","type":"json"}"#

    static let tlsInput = CCaaSPackageBuilder.Input(
        label: "basic_1.0", address: "{{.peername}}_basic:9999", dialTimeout: "10s", tlsRequired: true,
        clientAuthRequired: true, rootCert: fakeCertificate, clientCert: fakeCertificate, clientKey: fakeKey,
        type: "ccaas", couchDBIndexes: ["indexOwner": index, "byColor.json": index])

    @Test("same input gives byte-identical packages; ID = label:sha256 as sha256sum computes it")
    func deterministic() throws {
        let a = try CCaaSPackageBuilder().build(Self.tlsInput)
        let b = try CCaaSPackageBuilder().build(Self.tlsInput)
        #expect(a == b)
        let dir = try TemporaryDirectory()
        _ = try dir.write(a.bytes, to: "pkg.tar.gz")
        let sum = try run(["sha256sum", "pkg.tar.gz"], in: dir.url).split(separator: " ").first.map(String.init)
        #expect(a.packageID == "basic_1.0:" + (sum ?? "?"))
        #expect(Array(a.bytes.prefix(10)) == [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255])
    }

    @Test("layout: metadata.json then code.tar.gz; connection.json then sorted indexes; CLI metadata JSON")
    func layout() throws {
        let output = try CCaaSPackageBuilder().build(Self.tlsInput)
        let dir = try TemporaryDirectory()
        _ = try dir.write(output.bytes, to: "pkg.tar.gz")
        #expect(try run(["tar", "-tzf", "pkg.tar.gz"], in: dir.url) == "metadata.json\ncode.tar.gz\n")
        try run(["tar", "-xzf", "pkg.tar.gz"], in: dir.url)
        #expect(try String(contentsOfFile: dir.path("metadata.json"), encoding: .utf8)
                == #"{"path":"","type":"ccaas","label":"basic_1.0"}"#)
        #expect(try run(["tar", "-tzf", "code.tar.gz"], in: dir.url)
                == "connection.json\nMETA-INF/statedb/couchdb/indexes/byColor.json\nMETA-INF/statedb/couchdb/indexes/indexOwner.json\n")
        let inspection = try PackageInspector().inspect(bytes: output.bytes)
        #expect(inspection.metadata.label == "basic_1.0")
        #expect(inspection.couchDBIndexes.count == 2)
        #expect(inspection.connection?.clientKeyPresent == true)
        #expect(inspection.connection?.address == "{{.peername}}_basic:9999")
        #expect(inspection.warnings == ["connection.json address '{{.peername}}_basic:9999' is a builder template, resolved on the peer"])
    }

    @Test("the peer-side reader (Python json) sees the connection fields as written")
    func connectionJSONReadable() throws {
        let output = try CCaaSPackageBuilder().build(CCaaSPackageBuilder.Input(label: "x", address: "cc:7052", type: "external"))
        let dir = try TemporaryDirectory()
        _ = try dir.write(output.bytes, to: "pkg.tar.gz")
        try run(["tar", "-xzf", "pkg.tar.gz"], in: dir.url)
        try run(["tar", "-xzf", "code.tar.gz"], in: dir.url)
        let json = try String(contentsOfFile: dir.path("connection.json"), encoding: .utf8)
        #expect(json == #"{"address":"cc:7052","tls_required":false,"client_auth_required":false}"#)
    }

    @Test("input is validated with clear messages; the key never appears in them", arguments: [
        (CCaaSPackageBuilder.Input(label: "bad label", address: "cc:1"),
         "invalid label 'bad label'. Label must be non-empty, can only consist of alphanumerics, symbols from '.+-_', and can only begin with alphanumerics"),
        (CCaaSPackageBuilder.Input(label: "a", address: ""), "chaincode address not provided"),
        (CCaaSPackageBuilder.Input(label: "a", address: "cc:1", type: "golang"), "type must be \"ccaas\" or \"external\", got 'golang'"),
        (CCaaSPackageBuilder.Input(label: "a", address: "cc:1", tlsRequired: true), "chaincode tls root cert not provided"),
        (CCaaSPackageBuilder.Input(label: "a", address: "cc:1", tlsRequired: true, clientAuthRequired: true,
                                   rootCert: fakeCertificate, clientCert: fakeCertificate, clientKey: "c2VjcmV0 not pem"),
         "connection.json client_key is not a PEM private key"),
        (CCaaSPackageBuilder.Input(label: "a", address: "cc:1", clientKey: fakeKey),
         "root_cert, client_cert, client_key and client_auth_required need tls_required"),
        (CCaaSPackageBuilder.Input(label: "a", address: "cc:1", dialTimeout: "soon"),
         "invalid dial_timeout 'soon': not a Go duration such as \"10s\""),
        (CCaaSPackageBuilder.Input(label: "a", address: "cc:1", couchDBIndexes: ["../x": index]),
         "CouchDB index name '../x' may only contain letters, digits, '.', '_' and '-'"),
        (CCaaSPackageBuilder.Input(label: "a", address: "cc:1", couchDBIndexes: ["x": "{}"]),
         "CouchDB index 'x' must be a JSON object with \"index\": {\"fields\": [...]}"),
    ])
    func validation(input: CCaaSPackageBuilder.Input, message: String) {
        expectPackageError(.invalidBuilderInput, message) { _ = try CCaaSPackageBuilder().build(input) }
        #expect(!"\(input)".contains("c2VjcmV0"))
    }
}
