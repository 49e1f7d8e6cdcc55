import AdminAPI
import Foundation
import Testing
import WebServer

/// First start: `TokenBootstrap.run` creates the admin token once, from GATEWAY_ADMIN_TOKEN or
/// at random, and never logs it.
@Suite(.timeLimit(.minutes(2))) struct TokenBootstrapTests {
    static func withServices(_ body: (GatewayServices) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bootstrap-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await body(try await GatewayServices.open(dataDirectory: dir, migrationsDirectory: migrationsDirectory))
    }

    @Test("without GATEWAY_ADMIN_TOKEN: a random admin token is returned once and works; a second start creates none")
    func generated() async throws {
        try await Self.withServices { services in
            let logs = LogRecorder()
            let token = try #require(try await TokenBootstrap.run(services.tokens, environment: ["GATEWAY_ADMIN_TOKEN": ""], logger: logs.logger("boot")))
            #expect(token.hasPrefix("cgw_") && token.count >= 4 + 16 + 1 + 43)
            let principal = try #require(try await services.tokens.authenticate(token))
            #expect(principal.name == "bootstrap-admin" && principal.role == .admin)
            #expect(try await TokenBootstrap.run(services.tokens, environment: [:], logger: logs.logger("boot")) == nil)
            #expect(try await services.tokens.count() == 1)
            #expect(!logs.all.contains { $0.contains(token) })
        }
    }

    @Test("with GATEWAY_ADMIN_TOKEN: that token becomes the admin, nothing is returned or logged; ignored once tokens exist")
    func supplied() async throws {
        let supplied = "automation-supplied-admin-token-\(UUID().uuidString)"
        try await Self.withServices { services in
            let logs = LogRecorder()
            let env = [TokenBootstrap.environmentVariable: supplied]
            #expect(try await TokenBootstrap.run(services.tokens, environment: env, logger: logs.logger("boot")) == nil)
            let principal = try #require(try await services.tokens.authenticate(supplied))
            #expect(principal.name == "bootstrap-admin" && principal.role == .admin)
            #expect(try await services.tokens.authenticate(supplied + "x") == nil)
            #expect(logs.all.contains { $0.contains("bootstrap-admin") }, "the creation is logged")
            #expect(!logs.all.contains { $0.contains(supplied) }, "but never the token")
            let stored = try await services.tokens.list()
            #expect(stored.count == 1 && !stored[0].secretSHA256.isEmpty)
            #expect(stored[0].tokenID.hasPrefix("ext-"))
            // The token ID is public (/me, /tokens, audit targets, access-log paths); it must not
            // be a piece of the stored token digest, or it is an offline oracle for the token.
            let digestHex = stored[0].secretSHA256.map { String(format: "%02x", $0) }.joined()
            #expect(!digestHex.hasPrefix(String(stored[0].tokenID.dropFirst(4))))
        }
        try await Self.withServices { services in
            _ = try await services.tokens.create(name: "existing", role: .viewer, orgs: [])
            let env = [TokenBootstrap.environmentVariable: supplied]
            #expect(try await TokenBootstrap.run(services.tokens, environment: env, logger: LogRecorder().logger("boot")) == nil)
            #expect(try await services.tokens.authenticate(supplied) == nil, "a later start must not add the env token")
        }
    }

    @Test("a GATEWAY_ADMIN_TOKEN shorter than 32 characters is refused")
    func shortSupplied() async throws {
        try await Self.withServices { services in
            await #expect(throws: HTTPError.self) {
                try await TokenBootstrap.run(services.tokens, environment: [TokenBootstrap.environmentVariable: "short"],
                                             logger: LogRecorder().logger("boot"))
            }
            let count = try await services.tokens.count()
            #expect(count == 0)
        }
    }
}
