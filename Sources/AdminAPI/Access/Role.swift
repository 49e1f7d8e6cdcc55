/// What a token may do. Declared once per route in the route table.
public enum Permission: String, Sendable, CaseIterable {
    /// No token needed (health, readiness, metrics are outside /api/v1).
    case open
    /// Read anything (viewer and up).
    case read
    /// Upload, build and delete chaincode packages (operator, admin).
    case managePackages = "packages:write"
    /// Act as an organization: install, approve, commit. Operators only for their bound orgs;
    /// the handler names the orgs through `APIContext.authorize(orgs:)`.
    case operateOrgs = "orgs:operate"
    /// Evaluate and submit chaincode transactions (operator, admin).
    case invoke = "chaincode:invoke"
    /// Token management and the audit log.
    case admin
}

public enum Role: String, Sendable, CaseIterable {
    case admin, `operator`, viewer

    public func grants(_ p: Permission) -> Bool {
        switch (self, p) {
        case (_, .open), (.admin, _): return true
        case (.operator, .read), (.operator, .managePackages), (.operator, .operateOrgs), (.operator, .invoke): return true
        case (.viewer, .read): return true
        default: return false
        }
    }
}

/// The authenticated caller.
public struct Principal: Sendable, Equatable {
    public let tokenID: String
    public let name: String
    public let role: Role
    /// MSP IDs an operator may act for (ignored for admins, who act for every org).
    public let orgs: [String]

    public func mayActFor(org: String) -> Bool { role == .admin || (role == .operator && orgs.contains(org)) }

    public static let anonymous = Principal(tokenID: "", name: "anonymous", role: .viewer, orgs: [])
}
