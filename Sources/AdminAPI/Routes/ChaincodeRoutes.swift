import ChaincodeLifecycle
import Fabric
import Foundation
import JSON
import WebServer

/// `/api/v1/channels/{channel}/chaincodes…`: committed definitions, drafts, approvals, commit.
enum ChaincodeRoutes {
    static let base = "/api/v1/channels/{channel}/chaincodes"

    static func routes(_ lc: @escaping LifecycleProvider) -> [APIRoute] {
        [
            APIRoute("GET", base, .read, deadline: RouteDeadline.query) { ctx in
                let list = try await lc().definitions.channelChaincodes(channel: ctx.pathParameter("channel"))
                return .json(.object([("items", .array(list.map(\.json)))]))
            },
            APIRoute("GET", base + "/{name}", .read, deadline: RouteDeadline.query) { ctx in
                let defs = try lc().definitions
                let (channel, name) = (ctx.pathParameter("channel"), ctx.pathParameter("name"))
                let committed = try await defs.committed(channel: channel, name: name)
                var draft = try await defs.draft(channel: channel, name: name)
                if let d = draft, d.sequence <= committed?.definition.sequence ?? 0 { draft = nil }
                let pending = try await defs.pending(channel: channel, name: name)
                return .json(.object([("committed", committed.map { DefinitionJSON.definition($0.definition, approvals: $0.approvals) } ?? .null),
                                      ("draft", draft?.json ?? .null), ("pending", pending?.json ?? .null)]))
            },
            APIRoute("PUT", base + "/{name}/draft", .operateOrgs, audit: "chaincode.draft", deadline: RouteDeadline.composite) { ctx in
                try await saveDraft(ctx, lc(), requireVersion: true)
            },
            APIRoute("POST", base + "/{name}/draft/upgrade", .operateOrgs, audit: "chaincode.draft", deadline: RouteDeadline.composite) { ctx in
                try await saveDraft(ctx, lc(), requireVersion: false)
            },
            APIRoute("POST", base + "/{name}/approvals", .operateOrgs, audit: "chaincode.approve", deadline: RouteDeadline.transaction) { ctx in
                try await approve(ctx, lc())
            },
            APIRoute("GET", base + "/{name}/approvals", .read, deadline: RouteDeadline.composite) { ctx in
                let sequence = try sequenceParameter(ctx)
                return .json(try await lc().definitions.approvalStatus(channel: ctx.pathParameter("channel"), name: ctx.pathParameter("name"),
                                                                       sequence: sequence).json)
            },
            APIRoute("POST", base + "/{name}/draft/adopt", .operateOrgs, audit: "chaincode.draft", deadline: RouteDeadline.composite) { ctx in
                try await adopt(ctx, lc())
            },
            APIRoute("GET", base + "/{name}/history", .read) { ctx in
                .json(try await lc().definitions.history(channel: ctx.pathParameter("channel"), name: ctx.pathParameter("name")))
            },
            APIRoute("POST", base + "/{name}/commit", .operateOrgs, audit: "chaincode.commit", deadline: RouteDeadline.transaction) { ctx in
                try await commit(ctx, lc())
            },
        ] + InvokeRoutes.routes(lc)
    }

    static func approve(_ ctx: APIContext, _ services: LifecycleServices) async throws -> Response {
        let (channel, name) = (ctx.pathParameter("channel"), ctx.pathParameter("name"))
        let body = try JSONBody(ctx.request)
        let orgs = try body.strings("orgs")
        guard !orgs.isEmpty else { throw JSONBody.invalid("orgs", "must name at least one MSP ID") }
        ctx.auditTarget = "\(channel)/\(name)"
        let overrides = try packageIDs(body, allowNull: true)
        let allowNoPackage = try body.bool("allowNoPackage", default: false)
        ctx.auditDetail = "orgs \(orgs.joined(separator: ","))" + (allowNoPackage ? " allowNoPackage" : "")
        try ctx.authorize(orgs: orgs)
        let results = try await services.definitions.approve(channel: channel, name: name, orgs: orgs, packageOverrides: overrides,
                                                             allowNoPackage: allowNoPackage, by: ctx.principal.name)
        // An approval without a package is audited as such: it stops the chaincode on that org's peers.
        let without = results.filter { $0.packageID == nil }.map(\.mspID)
        if !without.isEmpty { ctx.auditDetail = (ctx.auditDetail ?? "") + "; without a package: \(without.joined(separator: ","))" }
        return .json(.object([("results", .array(results.map(\.json)))]))
    }

    static func commit(_ ctx: APIContext, _ services: LifecycleServices) async throws -> Response {
        let (channel, name) = (ctx.pathParameter("channel"), ctx.pathParameter("name"))
        ctx.auditTarget = "\(channel)/\(name)"
        // The body is optional: `{"allowNoPackage": true}` commits even if no org approved with a package.
        let allowNoPackage = ctx.request.bodyBytes.isEmpty ? false : try JSONBody(ctx.request).bool("allowNoPackage", default: false)
        let principal = ctx.principal
        let status = try await services.definitions.commit(channel: channel, name: name, actor: principal.name,
                                                           mayActFor: { principal.mayActFor(org: $0) }, allowNoPackage: allowNoPackage)
        services.runningOrgs.invalidate(channel, name)
        ctx.auditDetail = "tx \(status.transactionID)" + (allowNoPackage ? " allowNoPackage" : "")
        return .json(DefinitionService.commitJSON(status))
    }

    /// `?sequence=N` (a positive integer), or nil.
    static func sequenceParameter(_ ctx: APIContext) throws -> Int64? {
        guard let text = ctx.request.query["sequence"] else { return nil }
        guard let n = Int64(text), n >= 1 else {
            throw HTTPError(status: 400, code: "invalid_query", message: "query parameter 'sequence' must be a positive integer",
                            details: [("parameter", .string("sequence"))])
        }
        return n
    }

    /// `POST .../draft/adopt`: the draft becomes what `fromOrg` approved, with this gateway's
    /// organizations' packages (those the caller acts for and holds an admin identity of).
    static func adopt(_ ctx: APIContext, _ services: LifecycleServices) async throws -> Response {
        let (channel, name) = (ctx.pathParameter("channel"), ctx.pathParameter("name"))
        ctx.auditTarget = "\(channel)/\(name)"
        let body = try JSONBody(ctx.request)
        let fromOrg = try body.string("fromOrg")
        let sequence = try body.optionalInt("sequence").map(Int64.init)
        let network = services.network
        let orgs = network.config.organizations.map(\.mspID).filter { ctx.principal.mayActFor(org: $0) && network.adminClient($0) != nil }
        guard !orgs.isEmpty else {
            throw HTTPError(status: 403, code: "forbidden",
                            message: "token '\(ctx.principal.name)' acts for no organization whose admin identity this gateway holds")
        }
        let input = DefinitionService.AdoptInput(fromOrg: fromOrg, sequence: sequence, packageID: try body.optionalString("packageId"), orgs: orgs)
        let draft = try await services.definitions.adopt(channel: channel, name: name, input: input, by: ctx.principal.name)
        ctx.auditDetail = "adopted \(fromOrg)'s approval of sequence \(draft.sequence) (version \(draft.version)) for \(orgs.joined(separator: ","))"
        return .json(draft.json)
    }

    static func saveDraft(_ ctx: APIContext, _ services: LifecycleServices, requireVersion: Bool) async throws -> Response {
        let (channel, name) = (ctx.pathParameter("channel"), ctx.pathParameter("name"))
        ctx.auditTarget = "\(channel)/\(name)"
        let body = try JSONBody(ctx.request)
        var input = DefinitionService.DraftInput()
        input.version = requireVersion ? try body.string("version") : try body.optionalString("version")
        input.sequence = try body.optionalInt("sequence").map(Int64.init)
        input.endorsementPolicy = try body.optionalString("endorsementPolicy")
        if let c = body.value("collections") {
            guard case .array = c else { throw LifecycleError.invalid("collections", "must be an array (peer CLI collections JSON)") }
            input.collectionsJSON = c.encoded.encoded()
        }
        if body.value("initRequired") != nil { input.initRequired = try body.bool("initRequired", default: false) }
        input.endorsementPlugin = try body.optionalString("endorsementPlugin")
        input.validationPlugin = try body.optionalString("validationPlugin")
        if body.value("packageIds") != nil {
            // null: this org approves without a package, explicitly (see PackageMissingError).
            let ids = try packageIDs(body, allowNull: true)
            input.packageIDs = ids
            // Which package an org runs is that org's choice: changing another org's entry needs
            // the right to act for it (the definition's other fields are proposals to everyone).
            let previous = try await services.definitions.draft(channel: channel, name: name)?.packages.mapValues(\.packageID) ?? [:]
            try ctx.authorize(orgs: Set(previous.keys).union(ids.keys).filter { previous[$0] != ids[$0] }.sorted())
        }
        input.autoCommit = try body.optionalBool("autoCommit")
        let draft = try await services.definitions.saveDraft(channel: channel, name: name, input: input, by: ctx.principal.name)
        ctx.auditDetail = "version \(draft.version) sequence \(draft.sequence)" + (draft.autoCommit ? " auto-commit" : "")
        // Approvals may already make the draft ready: auto-commit does not wait for the next one.
        if draft.autoCommit {
            services.triggerAutoCommit(channel: channel, name: name, sequence: draft.sequence)
        }
        return .json(draft.json)
    }

    /// `packageIds: {mspId: packageId | null}`.
    static func packageIDs(_ body: JSONBody, allowNull: Bool) throws -> [String: String?] {
        guard let v = body.value("packageIds") else { return [:] }
        guard case .object(let m) = v else { throw JSONBody.invalid("packageIds", "must be an object of MSP ID to package ID") }
        var out: [String: String?] = [:]
        for (k, v) in m {
            switch v {
            case .string(let s): out[k] = .some(s)
            case .null where allowNull: out[k] = .some(nil)
            default: throw JSONBody.invalid("packageIds.\(k)", allowNull ? "must be a package ID or null" : "must be a package ID")
            }
        }
        return out
    }
}
