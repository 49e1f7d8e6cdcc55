import Foundation
import HTTP1
import Logging
import Store
import WebServer

/// Turns API routes into server routes: rate limit, authenticate, authorize, run, audit.
struct AccessControl: Sendable {
    let tokens: TokenService
    let queue: DatabaseQueue
    let limiter: AuthFailureLimiter
    let refusals: RefusedCallAudit
    let logger: Logger

    init(tokens: TokenService, queue: DatabaseQueue, limiter: AuthFailureLimiter, logger: Logger) {
        self.tokens = tokens
        self.queue = queue
        self.limiter = limiter
        self.refusals = RefusedCallAudit(queue: queue, logger: logger)
        self.logger = logger
    }

    /// A request with a body is checked (rate limit, token, permission) before the body is read,
    /// by the route's admission: a refused one gets its 401, 403 or 429 without its body being
    /// read or `100 Continue` being sent. Without a body the handler's task checks it.
    func route(_ api: APIRoute) -> Route {
        var admission: Admission?
        if api.permission != .open { admission = { request in await admit(api, request) } }
        return Route(api.method, api.path, body: api.body, deferBodyLimit: true, admission: admission, handler: .async { request in
            Self.noStore(await serve(api, request))
        })
    }

    /// Every /api/v1 response is private to its caller and current only when made: no cache,
    /// shared or the browser's, keeps it (issue 17 §3).
    static func noStore(_ response: Response) -> Response {
        var r = response
        r.headers.set("Cache-Control", "no-store")
        return r
    }

    /// The admission check: the caller's principal, or the refusal (audited like any other).
    private func admit(_ api: APIRoute, _ request: Request) async -> AdmissionResult {
        var principal: Principal?
        do {
            let p = try await authenticate(request)
            principal = p
            try Self.requirePermission(api.permission, of: p)
            return .admit(p)
        } catch {
            let response = errorResponse(error, request)
            if let action = api.auditAction {
                await audit(action: action, request: request, principal: principal, ctx: nil, status: response.status)
            }
            return .refuse(Self.noStore(response))
        }
    }

    static func requirePermission(_ permission: Permission, of p: Principal) throws {
        guard p.role.grants(permission) else {
            throw HTTPError(status: 403, code: "forbidden",
                            message: "token '\(p.name)' (role \(p.role.rawValue)) lacks permission '\(permission.rawValue)'",
                            details: [("missingPermission", .string(permission.rawValue))])
        }
    }

    private func serve(_ api: APIRoute, _ request: Request) async -> Response {
        var principal: Principal?
        let response: Response
        var ctx: APIContext?
        do {
            if let admitted = request.admitted as? Principal {
                principal = admitted
            } else if api.permission != .open {
                let p = try await authenticate(request)
                principal = p
                try Self.requirePermission(api.permission, of: p)
            }
            if case .tooLarge(let limit) = request.body {
                throw HTTPError(status: 413, code: "payload_too_large", message: "request body larger than \(limit) bytes")
            }
            let c = APIContext(request: request, principal: principal ?? .anonymous)
            ctx = c
            if let limit = api.deadline {
                response = try await RouteDeadline.run("\(api.method) \(api.path)", within: limit) { try await api.handler(c) }
            } else {
                response = try await api.handler(c)
            }
        } catch {
            response = errorResponse(error, request)
        }
        if let action = api.auditAction {
            await audit(action: action, request: request, principal: principal, ctx: ctx, status: response.status)
        }
        return response
    }

    /// The caller's principal. Every failure counts toward the limiter, a missing or malformed
    /// header included (else an unauthenticated flood would never be slowed down). The limiter
    /// is keyed by address and the presented token's public ID, and a limited key still has its
    /// token verified: a valid token is never refused for failures others made from the same
    /// address (behind a proxy or NAT), even under its own ID.
    private func authenticate(_ request: Request) async throws -> Principal {
        let header = request.headers["Authorization"]
        let token = header.flatMap(Self.bearerToken)
        let key = AuthFailureLimiter.Key(address: request.remoteAddress, tokenID: token.flatMap { TokenService.split($0).id } ?? "")
        let refusal: (HTTPError) -> HTTPError = { unauthorized in
            if let wait = limiter.retryAfter(key) { return Self.tooManyFailures(wait) }
            limiter.recordFailure(key)
            return unauthorized
        }
        guard header != nil else {
            throw refusal(Self.unauthorized("missing bearer token", error: nil))
        }
        guard let token else {
            throw refusal(Self.unauthorized("Authorization header must be 'Bearer <token>'", error: "invalid_request"))
        }
        guard let p = try await tokens.authenticate(token) else {
            throw refusal(Self.unauthorized("invalid, revoked or expired token", error: "invalid_token"))
        }
        return p
    }

    static func tooManyFailures(_ wait: Int) -> HTTPError {
        HTTPError(status: 429, code: "too_many_failed_authentications",
                  message: "too many failed authentications from this address with this token ID; retry in \(wait) s",
                  headers: HTTPHeaders([("Retry-After", String(wait))]))
    }

    /// The credentials of `Bearer <token>` (scheme case-insensitive, blanks around the token ignored).
    static func bearerToken(_ header: String) -> String? {
        let utf8 = header.utf8
        guard let space = utf8.firstIndex(of: UInt8(ascii: " ")),
              utf8[..<space].elementsEqual("bearer".utf8, by: { $0 | 0x20 == $1 }) else { return nil }
        let isBlank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        var rest = utf8[utf8.index(after: space)...]
        while let f = rest.first, isBlank(f) { rest = rest.dropFirst() }
        while let l = rest.last, isBlank(l) { rest = rest.dropLast() }
        return String(Substring(rest))
    }

    static func unauthorized(_ message: String, error: String?) -> HTTPError {
        let challenge = error.map { "Bearer realm=\"chaincode-gateway\", error=\"\($0)\"" } ?? "Bearer realm=\"chaincode-gateway\""
        return HTTPError(status: 401, code: "unauthorized", message: message, headers: HTTPHeaders([("WWW-Authenticate", challenge)]))
    }

    private func errorResponse(_ error: any Error, _ request: Request) -> Response {
        HTTPError.mapping(error, requestID: request.requestID, logger: logger).response(requestID: request.requestID)
    }

    private func audit(action: String, request: Request, principal: Principal?, ctx: APIContext?, status: Int) async {
        if principal == nil, status == 401 || status == 429 {
            return await refusals.record(entry(action: action, request: request, principal: nil, ctx: ctx, status: status))
        }
        let entry = entry(action: action, request: request, principal: principal, ctx: ctx, status: status)
        do {
            try await queue.write { try AuditRepository($0).insert(entry) }
        } catch {
            // Never lose the fact silently: the log keeps what the table could not.
            logger.error("audit write failed", metadata: ["request-id": "\(request.requestID)", "action": "\(action)", "error": "\(error)"])
        }
    }

    private func entry(action: String, request: Request, principal: Principal?, ctx: APIContext?, status: Int) -> AuditEntry {
        let outcome = status < 400 ? "success" : (status == 401 || status == 403 || status == 429) ? "denied" : "failed"
        return AuditEntry(at: Timestamp.now(), actor: principal?.name ?? "anonymous", role: principal?.role.rawValue,
                          action: action, target: ctx?.auditTarget ?? request.pathParameters.values.sorted().first,
                          outcome: outcome, status: status,
                          requestID: request.requestID, clientAddress: request.remoteAddress, detail: ctx?.auditDetail)
    }
}
