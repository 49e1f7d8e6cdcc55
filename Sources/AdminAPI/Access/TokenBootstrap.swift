import Foundation
import Logging

/// First start with no tokens: create the admin token, from `GATEWAY_ADMIN_TOKEN` when set
/// (automation), else a random one printed once.
public enum TokenBootstrap {
    public static let environmentVariable = "GATEWAY_ADMIN_TOKEN"

    /// Returns the generated token when one was generated (the caller prints it once).
    public static func run(_ tokens: TokenService, environment: [String: String], logger: Logger) async throws -> String? {
        guard try await tokens.count() == 0 else { return nil }
        if let supplied = environment[environmentVariable], !supplied.isEmpty {
            _ = try await tokens.create(name: "bootstrap-admin", role: .admin, orgs: [], token: supplied)
            logger.notice("created admin token 'bootstrap-admin' from \(environmentVariable)")
            return nil
        }
        return try await tokens.create(name: "bootstrap-admin", role: .admin, orgs: []).token
    }
}
