import ChaincodeLifecycle
import Configuration
import EventLoop
import Fabric
import FabricAccess
import JSON
import WebServer

/// `/api/v1/network`, `/peers`, `/peers/{peer}/installed`, `/channels/{channel}`.
enum NetworkRoutes {
    static func routes(_ lc: @escaping LifecycleProvider) -> [APIRoute] {
        @Sendable func net() throws -> FabricNetwork { try lc().network }
        return [
            APIRoute("GET", "/api/v1/network", .read) { _ in .json(networkJSON(try net().config)) },
            APIRoute("GET", "/api/v1/peers", .read, deadline: RouteDeadline.query) { _ in
                let network = try net()
                let statuses = await withTaskGroup(of: Indexed<PeerStatus>.self) { group in
                    for (i, node) in network.config.peers.enumerated() {
                        group.addTask { Indexed(index: i, value: await network.status(of: node)) }
                    }
                    var out: [Indexed<PeerStatus>] = []
                    for await s in group { out.append(s) }
                    return out.sorted { $0.index < $1.index }.map(\.value)
                }
                return .json(.object([("items", .array(statuses.map(peerJSON)))]))
            },
            APIRoute("GET", "/api/v1/peers/{peer}/installed", .read, deadline: RouteDeadline.query) { ctx in
                let network = try net()
                let node = try peer(network, ctx.pathParameter("peer"))
                let items = try await network.installed(on: node)
                return .json(.object([("items", .array(items.map(installedJSON)))]))
            },
            APIRoute("GET", "/api/v1/channels/{channel}", .read, deadline: RouteDeadline.query) { ctx in
                let channel = ctx.pathParameter("channel")
                let config = try await net().channelConfiguration(channel)
                return .json(.object([
                    ("name", .string(channel)), ("organizations", .strings(config.mspIDs)),
                    ("lifecycleEndorsementPolicy", policyJSON(config.lifecycleEndorsementPolicy)),
                    ("endorsementPolicy", policyJSON(config.endorsementPolicy)),
                ]))
            },
        ]
    }

    static func peer(_ network: FabricNetwork, _ name: String) throws -> NetworkConfig.Node {
        guard let node = network.peer(named: name) else { throw LifecycleError.notFound("peer", "no configured peer named '\(name)'") }
        return node
    }

    static func networkJSON(_ c: NetworkConfig) -> JSONValue {
        func node(_ n: NetworkConfig.Node) -> JSONValue {
            .object([("name", .string(n.name)), ("mspId", .string(n.mspID)), ("address", .string(n.address))])
        }
        return .object([
            ("organizations", .array(c.organizations.map { o in
                .object([("mspId", .string(o.mspID)), ("name", .string(o.name)), ("hasAdminIdentity", .bool(o.adminIdentity != nil)),
                         ("hasClientIdentity", .bool(o.clientIdentity != nil)), ("peers", .strings(o.peers.map(\.name)))])
            })),
            ("peers", .array(c.peers.map(node))), ("orderers", .array(c.orderers.map(node))), ("channels", .strings(c.channels)),
        ])
    }

    static func peerJSON(_ s: PeerStatus) -> JSONValue {
        var f: [(String, JSONValue)] = [("name", .string(s.node.name)), ("mspId", .string(s.node.mspID)),
                                        ("address", .string(s.node.address)), ("reachable", .bool(s.reachable))]
        if let e = s.error { f.append(("error", .string(e))) }
        f.append(("channels", .array(s.channels.map { .object([("name", .string($0.0)), ("height", .int(Int($0.1)))]) })))
        return .object(f)
    }

    static func installedJSON(_ i: InstalledChaincode) -> JSONValue {
        let refs: [JSONValue] = i.references.keys.sorted().flatMap { channel in
            (i.references[channel] ?? []).map {
                .object([("channel", .string(channel)), ("chaincode", .string($0.name)), ("version", .string($0.version))])
            }
        }
        return .object([("packageId", .string(i.packageID)), ("label", .string(i.label)), ("references", .array(refs))])
    }

    static func policyJSON(_ p: ChannelPolicy?) -> JSONValue {
        guard let p else { return .null }
        let kind: String
        switch p {
        case .implicitMeta: kind = "implicitMeta"
        case .signature: kind = "signature"
        case .other: kind = "other"
        }
        return .object([("kind", .string(kind)), ("text", .string(p.description))])
    }
}
