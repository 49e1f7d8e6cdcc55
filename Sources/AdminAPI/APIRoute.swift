import HTTP1
import WebServer

/// One entry of the /api/v1 route table: the permission is declared here, once, and checked
/// before the handler runs; mutating routes name their audit action.
public struct APIRoute: Sendable {
    public let method: String
    public let path: String
    public let permission: Permission
    /// Audit action for mutating routes (`package.upload`); nil for reads.
    public let auditAction: String?
    public let body: BodyMode
    /// A POST that changes nothing (chaincode evaluate): not audited, like a GET.
    public let readOnly: Bool
    /// The bound within which a Fabric-backed route answers (504 `deadline_exceeded` after it;
    /// `x-deadline-seconds` in openapi.yaml); nil for routes that do not call Fabric.
    public let deadline: Duration?
    public let handler: @Sendable (APIContext) async throws -> Response

    public init(_ method: String, _ path: String, _ permission: Permission, audit: String? = nil, readOnly: Bool = false,
                deadline: Duration? = nil, body: BodyMode = .defaultBuffered, _ handler: @escaping @Sendable (APIContext) async throws -> Response) {
        self.method = method
        self.path = path
        self.permission = permission
        self.auditAction = audit
        self.readOnly = readOnly
        self.deadline = deadline
        self.body = body
        self.handler = handler
        precondition(!isMutating || audit != nil, "mutating route \(method) \(path) must name an audit action")
    }

    public var isMutating: Bool { !["GET", "HEAD"].contains(method) && !readOnly }
}

/// What a handler gets: the request, the caller, and the audit record it may enrich.
public final class APIContext: @unchecked Sendable {
    public let request: Request
    public let principal: Principal
    /// Set by handlers: what the action touched (package ID, token name...) and a short detail.
    public var auditTarget: String?
    public var auditDetail: String?

    init(request: Request, principal: Principal) {
        self.request = request
        self.principal = principal
    }

    /// Refuses unless the caller may act for every org in `orgs`.
    public func authorize(orgs: [String]) throws {
        let missing = orgs.filter { !principal.mayActFor(org: $0) }
        guard missing.isEmpty else {
            throw HTTPError(status: 403, code: "forbidden",
                            message: "token '\(principal.name)' may not act for \(missing.joined(separator: ", "))",
                            details: [("missingPermission", .string("\(Permission.operateOrgs.rawValue):\(missing.joined(separator: ","))"))])
        }
    }

    public func pathParameter(_ name: String) -> String { request.pathParameters[name] ?? "" }
}
