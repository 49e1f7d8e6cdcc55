import Foundation
import JSON
import Store
import WebServer

/// `/api/v1/me`, `/api/v1/tokens`, `/api/v1/audit`.
enum AccessRoutes {
    static func routes(tokens: TokenService, queue: DatabaseQueue) -> [APIRoute] {
        [
            APIRoute("GET", "/api/v1/me", .read) { ctx in
                let p = ctx.principal
                return .json(.object([("name", .string(p.name)), ("role", .string(p.role.rawValue)),
                                      ("orgs", .strings(p.orgs)), ("tokenId", .string(p.tokenID)),
                                      ("permissions", .strings(Permission.allCases.filter { $0 != .open && p.role.grants($0) }.map(\.rawValue)))]))
            },
            APIRoute("GET", "/api/v1/tokens", .admin) { _ in
                .json(.object([("items", .array(try await tokens.list().map(tokenJSON) + tokens.listBindings().map(bindingJSON)))]))
            },
            APIRoute("POST", "/api/v1/tokens", .admin, audit: "token.create") { ctx in
                let body = try JSONBody(ctx.request)
                let kind = try body.optionalString("kind") ?? "bearer"
                guard kind == "bearer" || kind == "certificate" else { throw JSONBody.invalid("kind", "must be bearer or certificate") }
                if kind == "certificate" { return try await createBinding(body, ctx: ctx, tokens: tokens) }
                let name = try body.string("name")
                ctx.auditTarget = name
                guard let role = Role(rawValue: try body.string("role")) else {
                    throw JSONBody.invalid("role", "must be one of admin, operator, viewer")
                }
                var expires: Date?
                if let e = try body.optionalString("expiresAt") {
                    guard let d = Timestamp.parse(e), d > Date() else { throw JSONBody.invalid("expiresAt", "must be a future RFC 3339 time") }
                    expires = d
                }
                let created = try await tokens.create(name: name, role: role, orgs: try body.strings("orgs"), expiresAt: expires)
                var fields = tokenFields(created.record)
                // The only time the token is ever returned.
                fields.append(("token", .string(created.token)))
                return .json(.object(fields), status: 201)
            },
            APIRoute("DELETE", "/api/v1/tokens/{tokenId}", .admin, audit: "token.revoke") { ctx in
                let id = ctx.pathParameter("tokenId")
                ctx.auditTarget = id
                let revoked = id.hasPrefix("crt-") ? try await tokens.revokeBinding(bindingID: id)
                    : try await tokens.revoke(tokenID: id, keepingLastAdmin: true)
                guard revoked else {
                    throw HTTPError.notFound("no active token with id '\(id)'")
                }
                return Response(status: 204)
            },
            APIRoute("GET", "/api/v1/audit", .admin) { ctx in
                let paging = try Paging(ctx.request, defaultLimit: 100, maxLimit: AuditQuery.maxLimit)
                var q = AuditQuery()
                let params = ctx.request.query
                q.actor = params["actor"]; q.action = params["action"]; q.outcome = params["outcome"]
                q.since = try auditTime(params, "since"); q.until = try auditTime(params, "until")
                q.limit = paging.limit; q.offset = paging.offset
                let query = q
                let page = try await queue.read { try AuditRepository($0).list(query) }
                return .json(.object([("items", .array(page.items.map(auditJSON))), ("total", .int(page.total)),
                                      ("limit", .int(q.limit)), ("offset", .int(q.offset))]))
            },
        ]
    }

    /// `POST /api/v1/tokens` with `kind: "certificate"`: a client-certificate binding (no secret).
    static func createBinding(_ body: JSONBody, ctx: APIContext, tokens: TokenService) async throws -> Response {
        guard let role = Role(rawValue: try body.string("role")) else {
            throw JSONBody.invalid("role", "must be one of admin, operator, viewer")
        }
        let subject = try body.optionalString("subject"), fingerprint = try body.optionalString("fingerprintSHA256")
        ctx.auditTarget = try body.optionalString("name") ?? subject ?? fingerprint
        let record = try await tokens.createBinding(name: try body.optionalString("name"), subject: subject, fingerprint: fingerprint,
                                                    role: role, orgs: try body.strings("orgs"), expiresAt: try expiry(body))
        return .json(bindingJSON(record), status: 201)
    }

    static func expiry(_ body: JSONBody) throws -> Date? {
        guard let e = try body.optionalString("expiresAt") else { return nil }
        guard let d = Timestamp.parse(e), d > Date() else { throw JSONBody.invalid("expiresAt", "must be a future RFC 3339 time") }
        return d
    }

    static func bindingJSON(_ b: CertificateBindingRecord) -> JSONValue {
        .object([("tokenId", .string(b.bindingID)), ("kind", "certificate"), ("name", .string(b.name)),
                 ("subject", .optional(b.subject)), ("fingerprintSHA256", .optional(b.fingerprintSHA256)),
                 ("role", .string(b.role)), ("orgs", .strings(b.orgs)), ("createdAt", .string(b.createdAt)),
                 ("lastUsedAt", .optional(b.lastUsedAt)), ("expiresAt", .optional(b.expiresAt)), ("revokedAt", .optional(b.revokedAt))])
    }

    /// The `since`/`until` filter in the form the audit log stores (`Timestamp.format`: UTC,
    /// whole seconds), so that SQLite's text comparison orders it correctly whatever offset the
    /// caller wrote. A value that is not an RFC 3339 time is a 400 naming the parameter: ignoring
    /// it would answer with a silently wrong (usually empty) page.
    static func auditTime(_ query: [String: String], _ name: String) throws -> String? {
        guard let raw = query[name] else { return nil }
        guard let date = Timestamp.parse(raw) else {
            throw HTTPError(status: 400, code: "invalid_query",
                            message: "query parameter '\(name)' must be an RFC 3339 time such as 2024-05-01T12:00:00Z",
                            details: [("parameter", .string(name))])
        }
        return Timestamp.format(date)
    }

    static func tokenFields(_ t: TokenRecord) -> [(String, JSONValue)] {
        [("tokenId", .string(t.tokenID)), ("kind", "bearer"), ("name", .string(t.name)), ("role", .string(t.role)), ("orgs", .strings(t.orgs)),
         ("createdAt", .string(t.createdAt)), ("lastUsedAt", .optional(t.lastUsedAt)), ("expiresAt", .optional(t.expiresAt)),
         ("revokedAt", .optional(t.revokedAt))]
    }

    static func tokenJSON(_ t: TokenRecord) -> JSONValue { .object(tokenFields(t)) }

    static func auditJSON(_ e: AuditEntry) -> JSONValue {
        .object([("id", .int(Int(e.id))), ("at", .string(e.at)), ("actor", .string(e.actor)), ("role", .optional(e.role)),
                 ("action", .string(e.action)), ("target", .optional(e.target)), ("outcome", .string(e.outcome)),
                 ("status", .int(e.status)), ("requestId", .string(e.requestID)), ("clientAddress", .string(e.clientAddress)),
                 ("detail", .optional(e.detail))])
    }
}
