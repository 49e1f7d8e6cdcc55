import Configuration
import Fabric
import FabricProtos
import Foundation
import SwiftProtobuf

/// What `GET /peers` shows for one peer.
public struct PeerStatus: Sendable {
    public var node: NetworkConfig.Node
    public var reachable: Bool
    public var error: String?
    /// (channel, height).
    public var channels: [(String, UInt64)]
}

extension FabricNetwork {
    /// Live status of a peer: cscc GetChannels, then qscc GetChainInfo for each channel, with the
    /// org's own identity (cscc checks the peer's local MSP). Never throws: a failure is the answer.
    public func status(of node: NetworkConfig.Node) async -> PeerStatus {
        guard let client = queryClient(node.mspID) else {
            return PeerStatus(node: node, reachable: false, error: "no identity configured for \(node.mspID)", channels: [])
        }
        do {
            let peer = endpoint(node)
            let list = try await client.evaluate(client.proposal(ChaincodeInvocation(channelID: "", chaincodeName: "cscc", function: "GetChannels")),
                                                 on: peer, timeout: queryTimeout)
            let names = try Protos_ChannelQueryResponse(serializedBytes: list.payload).channels.map(\.channelID)
            var channels: [(String, UInt64)] = []
            for name in names {
                let invocation = ChaincodeInvocation(channelID: name, chaincodeName: "qscc", function: "GetChainInfo", stringArguments: [name])
                let info = try await client.evaluate(client.proposal(invocation), on: peer, timeout: queryTimeout)
                channels.append((name, try Common_BlockchainInfo(serializedBytes: info.payload).height))
            }
            return PeerStatus(node: node, reachable: true, error: nil, channels: channels)
        } catch {
            return PeerStatus(node: node, reachable: false, error: NetworkError.classify(error, peer: node.address).description, channels: [])
        }
    }

    /// Runs `body` with a query client on each configured peer in turn until one answers;
    /// throws the last failure. Peers of orgs in `preferring` go first.
    public func onAnyPeer<T: Sendable>(preferring: [String] = [], admin: Bool = false,
                                       _ body: (FabricClient, FabricEndpoint) async throws -> T) async throws -> T {
        let peers = config.peers.sorted { preferring.contains($0.mspID) && !preferring.contains($1.mspID) }
        var last: (any Error)?
        for node in peers {
            guard let client = admin ? adminClient(node.mspID) : queryClient(node.mspID) else { continue }
            do { return try await body(client, endpoint(node)) } catch {
                let classified = NetworkError.classify(error, peer: node.address, org: node.mspID)
                // A peer's refusal is the answer; only unreachable peers are skipped.
                guard classified.isTransportFailure else { throw classified }
                last = classified
            }
        }
        throw last ?? NetworkError(.noUsablePeer, "no configured peer with a usable identity")
    }

    /// The channel's configuration from its latest config block. (A channel still at its
    /// genesis block has no LAST_CONFIG metadata to follow: block 0 is the config block.)
    public func channelConfiguration(_ channel: String) async throws -> ChannelConfiguration {
        try await onAnyPeer { client, peer in
            // Each block fetch is bounded by the query deadline: a frozen peer costs that, then the next peer is asked.
            let newest = try await client.fetchBlock(channelID: channel, position: .newest, from: peer, timeout: queryTimeout)
            if newest.header.number == 0 { return try ChannelConfiguration(configBlock: newest) }
            return try await client.channelConfiguration(channelID: channel, from: peer, timeout: queryTimeout)
        }
    }

    /// Packages installed on a peer (needs the peer org's admin identity).
    public func installed(on node: NetworkConfig.Node) async throws -> [InstalledChaincode] {
        guard let admin = adminClient(node.mspID) else {
            throw NetworkError(.noAdminIdentity, "no admin identity configured for \(node.mspID)")
        }
        do {
            return try await admin.evaluate(Lifecycle.queryInstalledChaincodes(), on: endpoint(node), timeout: queryTimeout)
        } catch {
            throw NetworkError.classify(error, peer: node.address, org: node.mspID)
        }
    }
}
