import ChaincodeLifecycle
import JSON
import WebServer

/// `PUT/GET /api/v1/channels/{channel}/chaincodes/{name}/deployment`: a declarative spec
/// (JSON, or YAML with `Content-Type: application/yaml`) reconciled by a `deployment` operation.
enum DeploymentRoutes {
    static let path = ChaincodeRoutes.base + "/{name}/deployment"
    static let yamlTypes: Set = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"]

    static func routes(_ lc: @escaping LifecycleProvider) -> [APIRoute] {
        [
            // The PUT observes the network (installed, approved, committed) before answering.
            APIRoute("PUT", path, .operateOrgs, audit: "chaincode.deploy", deadline: RouteDeadline.composite) { ctx in
                try await apply(ctx, lc())
            },
            // No route deadline: a long-poll may hold the request 60 s; the observation after it
            // has the composite bound of its own.
            APIRoute("GET", path, .read) { ctx in
                let s = try lc()
                let (channel, name) = (ctx.pathParameter("channel"), ctx.pathParameter("name"))
                // ?wait: first long-poll the deployment's operation, then observe.
                if let wait = try LongPoll(ctx.request), let id = try await s.deployments.operationID(channel: channel, name: name) {
                    _ = try await s.operations.wait(id, timeout: wait.timeout, until: wait.until)
                }
                let observed = try await RouteDeadline.run("GET \(path)", within: RouteDeadline.composite) {
                    try await s.deployments.state(channel: channel, name: name)
                }
                guard let state = observed else {
                    throw LifecycleError.notFound("deployment", "no deployment spec for chaincode '\(name)' on channel '\(channel)'; PUT one first")
                }
                return .json(state)
            },
        ]
    }

    static func apply(_ ctx: APIContext, _ services: LifecycleServices) async throws -> Response {
        let (channel, name) = (ctx.pathParameter("channel"), ctx.pathParameter("name"))
        ctx.auditTarget = "\(channel)/\(name)"
        let type = (ctx.request.headers["Content-Type"] ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let spec = try DeploymentSpec.parse(ctx.request.bodyBytes, yaml: yamlTypes.contains(type))
        let network = services.network
        let acting = network.config.organizations.map(\.mspID).filter { ctx.principal.mayActFor(org: $0) && network.adminClient($0) != nil }
        if let orgs = spec.orgs { try ctx.authorize(orgs: orgs) }
        switch try await services.deployments.apply(spec, channel: channel, name: name, actingOrgs: acting, by: ctx.principal.name) {
        case .upToDate(let observed):
            ctx.auditDetail = "version \(spec.version): up to date"
            var fields: [(String, JSONValue)] = [("upToDate", .bool(true)), ("spec", spec.json)]
            if case .object(let o) = observed.json { fields += o.filter { $0.0 != "upToDate" } }
            return .json(.object(fields))
        case .started(let op, let diff):
            ctx.auditDetail = "version \(spec.version): operation \(op.id)"
            var fields: [(String, JSONValue)] = [("upToDate", .bool(false)), ("spec", spec.json), ("operation", op.json)]
            if let diff { fields.append(("diff", diff)) }
            return .json(.object(fields), status: 202)
        }
    }
}

/// `?wait=30s[&until=succeeded,failed]` on an operation route: how long to hold the request
/// (at most 60 s: proxies commonly cut idle requests at 60 s) and which states end the wait.
struct LongPoll {
    static let maxWait: Duration = .seconds(60)

    let timeout: Duration
    let until: Set<GatewayOperation.State>?

    /// nil without `wait` (and without `until`: `until` alone waits the longest).
    init?(_ request: Request) throws {
        let q = request.query
        guard q["wait"] != nil || q["until"] != nil else { return nil }
        let timeout = try q["wait"].map(Self.duration) ?? Self.maxWait
        guard timeout <= Self.maxWait else {
            throw HTTPError.badRequest("wait must be at most 60s", code: "invalid_query")
        }
        self.timeout = timeout
        if let text = q["until"], !text.isEmpty {
            until = Set(try text.split(separator: ",").map { s in
                guard let state = GatewayOperation.State(rawValue: String(s)) else {
                    throw HTTPError.badRequest("until names an unknown state '\(s)' (queued, running, succeeded, failed)", code: "invalid_query")
                }
                return state
            })
        } else {
            until = nil
        }
    }

    /// `30s`, `500ms`, `1m`, or plain seconds.
    static func duration(_ text: String) throws -> Duration {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000)]
        for (suffix, millis) in units where text.hasSuffix(suffix) {
            if let n = Int64(text.dropLast(suffix.count)), n >= 0 { return .milliseconds(n * millis) }
        }
        if let n = Int64(text), n >= 0 { return .seconds(n) }
        throw HTTPError.badRequest("wait must be a duration such as 30s, 500ms or 1m", code: "invalid_query")
    }
}
