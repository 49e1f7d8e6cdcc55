import FabricProtos
import Foundation
import SwiftProtobuf

/// A peer as discovery describes it (protos: discovery/protocol.proto `Peer`, gossip/message.proto).
public struct DiscoveredPeer: Sendable, Hashable {
    /// The organization, from the peer's serialized identity.
    public var mspID: String
    /// `host:port` the peer advertises (its `peer.gossip.externalEndpoint`), before any rewrite.
    public var endpoint: String
    /// Blocks in the peer's ledger for the queried channel; 0 when the answer had no state info.
    public var ledgerHeight: UInt64
    /// Chaincodes the peer runs on the channel, name -> version (the definition sequence for
    /// `_lifecycle` chaincodes, core/chaincode/lifecycle/cache.go).
    public var chaincodes: [String: String]
    /// `msp.SerializedIdentity` bytes of the peer.
    public var identity: [UInt8]

    public init(mspID: String, endpoint: String, ledgerHeight: UInt64 = 0, chaincodes: [String: String] = [:],
                identity: [UInt8] = []) {
        self.mspID = mspID
        self.endpoint = endpoint
        self.ledgerHeight = ledgerHeight
        self.chaincodes = chaincodes
        self.identity = identity
    }

    /// Decodes the gossip envelopes: the endpoint from the `AliveMessage`, height and chaincodes
    /// from the `StateInfo`. Throws `FabricProtocolError` when they do not decode.
    init(_ peer: Discovery_Peer) throws {
        let identity: Msp_SerializedIdentity
        let alive: Gossip_GossipMessage
        do {
            identity = try Msp_SerializedIdentity(serializedBytes: peer.identity)
            alive = try Gossip_GossipMessage(serializedBytes: peer.membershipInfo.payload)
        } catch {
            throw FabricProtocolError("discovery answered a peer that does not decode: \(error)")
        }
        guard case .aliveMsg(let msg)? = alive.content, !msg.membership.endpoint.isEmpty else {
            throw FabricProtocolError("discovery answered a peer of \(identity.mspid) without an endpoint")
        }
        self.init(mspID: identity.mspid, endpoint: msg.membership.endpoint, identity: Array(peer.identity))
        if peer.hasStateInfo, let state = try? Gossip_GossipMessage(serializedBytes: peer.stateInfo.payload),
           case .stateInfo(let info)? = state.content {
            // A peer whose state info does not decode is still usable; it just looks empty.
            ledgerHeight = info.properties.ledgerHeight
            for cc in info.properties.chaincodes { chaincodes[cc.name] = cc.version }
        }
    }
}
