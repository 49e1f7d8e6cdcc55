import AdminAPI
import Foundation
import Logging
import Testing
import WebServer

@Suite("lifecycle routes without a network configuration", .timeLimit(.minutes(2)))
struct NoNetworkTests {
    @Test("the routes exist and answer 503 naming the missing configuration")
    func unavailable() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lifecycle-nonet-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let services = try await GatewayServices.open(dataDirectory: dir.path,
                                                      migrationsDirectory: LifecycleFixture.repoRoot.appendingPathComponent("migrations").path)
        let app = GatewayApplication(services: services, logger: Logger(label: "test"))
        #expect(app.apiRoutes.contains { $0.method == "POST" && $0.path == "/api/v1/channels/{channel}/chaincodes/{name}/commit" })
        #expect(app.apiRoutes.filter { $0.isMutating }.allSatisfy { $0.auditAction != nil })
        var config = HTTPServerConfiguration()
        config.port = 0
        config.threads = 1
        config.accessLog = false
        let server = try HTTPServer(config: config, app: app.httpApplication(publicDirectory: nil, logger: Logger(label: "test")))
        let token = try await services.tokens.create(name: "v", role: .viewer, orgs: []).token
        let r = try await HTTPTestClient(port: server.port, token: token).get("/api/v1/network")
        await server.shutdown()
        #expect(r.status == 503 && r.text.contains("network_not_configured"))
    }
}
