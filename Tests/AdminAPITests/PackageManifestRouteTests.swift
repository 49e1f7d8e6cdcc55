import Foundation
import Testing
import TestSupport

/// `GET /api/v1/packages/{packageId}/manifests` over real sockets: YAML for a stored ccaas
/// package, the same bytes twice, 409 stating the mismatch, 400 naming the parameter.
@Suite(.timeLimit(.minutes(2))) struct PackageManifestRouteTests {
    @Test("kubernetes and compose YAML for a ccaas package; deterministic; 409/400/404 with the reason")
    func manifests() async throws {
        try await withGateway { fx in
            let built = try await fx.json("POST", "/api/v1/packages/ccaas", token: fx.operatorToken,
                                          ["label": "basic_1.0", "address": "basic-ccaas.fabric:9999"])
            let id = try #require(built.json["packageId"] as? String)
            let path = "/api/v1/packages/\(id)/manifests"
            let query = "image=registry.example.com%2Fbasic-ccaas%3A1.0&namespace=fabric&channel=mychannel&chaincode=basic"
            let first = try await fx.request("GET", "\(path)?format=kubernetes&\(query)", token: fx.viewer)
            #expect(first.status == 200, "\(first.text)")
            #expect(first.headers["content-type"] == "application/yaml; charset=utf-8")
            for line in ["kind: Deployment", "kind: Service", "  name: basic-ccaas", "  namespace: fabric",
                         "          value: \"\(id)\"", "          value: \"0.0.0.0:9999\"", "    port: 9999",
                         "    chaincode-gateway/channel: mychannel", "image: \"registry.example.com/basic-ccaas:1.0\""] {
                #expect(first.text.contains(line), "missing: \(line)")
            }
            let again = try await fx.request("GET", "\(path)?format=kubernetes&\(query)", token: fx.viewer)
            #expect(again.body == first.body, "same inputs, same bytes")
            #expect(try await fx.request("GET", "\(path)?\(query)", token: fx.viewer).body == first.body, "kubernetes is the default")

            let compose = try await fx.request("GET", "\(path)?format=compose&image=basic-ccaas:1.0", token: fx.viewer)
            #expect(compose.status == 200 && compose.text.contains("services:\n  basic-ccaas.fabric:\n"), "\(compose.text)")
            let local = try await fx.json("POST", "/api/v1/packages/ccaas", token: fx.operatorToken,
                                          ["label": "local_1.0", "address": "basic-ccaas:9999"])
            let localID = try #require(local.json["packageId"] as? String)
            let snippet = try await fx.request("GET", "/api/v1/packages/\(localID)/manifests?format=compose&image=basic-ccaas:1.0", token: fx.viewer)
            #expect(snippet.status == 200 && snippet.text.contains("services:\n  basic-ccaas:\n") && snippet.text.contains("external: true"))

            let elsewhere = try await fx.request("GET", "\(path)?format=kubernetes&image=basic:1&namespace=org1", token: fx.viewer)
            #expect(elsewhere.status == 409 && elsewhere.errorCode == "address_mismatch")
            #expect(elsewhere.errorMessage?.contains("in namespace 'fabric', not in namespace 'org1'") == true, "\(elsewhere.text)")
            let noImage = try await fx.request("GET", "\(path)?format=kubernetes", token: fx.viewer)
            #expect(noImage.status == 400 && noImage.errorCode == "invalid_parameter" && noImage.text.contains("\"parameter\":\"image\""))
            let badFormat = try await fx.request("GET", "\(path)?format=helm&image=basic:1", token: fx.viewer)
            #expect(badFormat.status == 400 && badFormat.text.contains("\"parameter\":\"format\""))

            let golang = try await fx.request("POST", "/api/v1/packages", token: fx.operatorToken, contentType: "application/gzip",
                                              body: try PackageFixtures.golang(label: "gocc_1.0"))
            let goID = try #require(golang.json["packageId"] as? String)
            let notServer = try await fx.request("GET", "/api/v1/packages/\(goID)/manifests?image=basic:1", token: fx.viewer)
            #expect(notServer.status == 409 && notServer.errorCode == "not_chaincode_server")
            let missing = try await fx.request("GET", "/api/v1/packages/none_1:\(String(repeating: "0", count: 64))/manifests?image=basic:1",
                                               token: fx.viewer)
            #expect(missing.status == 404)
            #expect(try await fx.request("GET", "\(path)?image=basic:1").status == 401)
        }
    }
}
