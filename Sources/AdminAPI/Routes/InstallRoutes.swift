import ChaincodeLifecycle
import JSON
import WebServer

/// `POST /api/v1/installs`: install a stored package on peers (an asynchronous operation).
enum InstallRoutes {
    static func routes(_ lc: @escaping LifecycleProvider) -> [APIRoute] {
        [
            APIRoute("POST", "/api/v1/installs", .operateOrgs, audit: "chaincode.install", deadline: RouteDeadline.query) { ctx in
                let s = try lc()
                let body = try JSONBody(ctx.request)
                let packageID = try body.string("packageId")
                ctx.auditTarget = packageID
                let names = try body.strings("peers")
                // Default: the peers of every org with an admin identity that the caller may act for.
                let peers = try names.isEmpty
                    ? s.network.config.organizations.filter { $0.adminIdentity != nil && ctx.principal.mayActFor(org: $0.mspID) }.flatMap(\.peers)
                    : names.map { name in
                        guard let node = s.network.peer(named: name) else { throw JSONBody.invalid("peers", "names an unknown peer '\(name)'") }
                        return node
                    }
                guard !peers.isEmpty else {
                    throw JSONBody.invalid("peers", "is empty and no organization you may act for has an admin identity")
                }
                var orgs: [String] = []
                for p in peers where !orgs.contains(p.mspID) { orgs.append(p.mspID) }
                try ctx.authorize(orgs: orgs)
                let op = try await s.installs.start(packageID: packageID, peers: peers, createdBy: ctx.principal.name)
                ctx.auditDetail = "operation \(op.id) on \(peers.map(\.name).joined(separator: ", "))"
                return .json(.object([("operation", op.json)]), status: 202)
            },
        ]
    }
}
