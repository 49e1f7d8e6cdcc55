import FabricProtos
import Foundation
import SwiftProtobuf

/// One query of a discovery request (protos: discovery/protocol.proto `Query`).
public enum DiscoveryQuery: Sendable, Hashable {
    /// MSP configurations (with TLS roots) and orderer endpoints of the channel.
    case config
    /// Peers of the channel by organization, optionally only those running these chaincodes.
    case peers(chaincodes: [String])
    /// An endorsement descriptor for one invocation chain: the first chaincode and the ones it calls.
    case endorsers(chaincodes: [ChaincodeInterestCall])

    var proto: Discovery_Query.OneOf_Query {
        switch self {
        case .config: return .configQuery(Discovery_ConfigQuery())
        case .peers(let names):
            var q = Discovery_PeerMembershipQuery()
            if !names.isEmpty { q.filter = ChaincodeInterestCall.interest(names.map { ChaincodeInterestCall(name: $0) }) }
            return .peerQuery(q)
        case .endorsers(let calls):
            var q = Discovery_ChaincodeQuery()
            q.interests = [ChaincodeInterestCall.interest(calls)]
            return .ccQuery(q)
        }
    }
}

/// A chaincode of an invocation chain, with the private data collections it touches
/// (protos: peer/proposal_response.proto `ChaincodeCall`).
public struct ChaincodeInterestCall: Sendable, Hashable {
    public var name: String
    public var collections: [String]
    /// The collections were only written: discovery then does not narrow the peers to the
    /// collections' members (discovery/endorsement/endorsement.go).
    public var noPrivateReads: Bool

    public init(name: String, collections: [String] = [], noPrivateReads: Bool = false) {
        self.name = name
        self.collections = collections
        self.noPrivateReads = noPrivateReads
    }

    /// The calls of a peer's `ProposalResponse.interest` (core/endorser/endorser.go
    /// buildChaincodeInterest: what the simulation touched). Key-level policies are not kept:
    /// the gateway always lets discovery apply the chaincodes' own policies.
    public static func calls(_ interest: Protos_ChaincodeInterest) -> [ChaincodeInterestCall] {
        interest.chaincodes.map { ChaincodeInterestCall(name: $0.name, collections: $0.collectionNames, noPrivateReads: $0.noPrivateReads) }
    }

    static func interest(_ calls: [ChaincodeInterestCall]) -> Protos_ChaincodeInterest {
        var interest = Protos_ChaincodeInterest()
        interest.chaincodes = calls.map { call in
            var c = Protos_ChaincodeCall()
            c.name = call.name
            c.collectionNames = call.collections
            c.noPrivateReads = call.noPrivateReads
            return c
        }
        return interest
    }
}

/// Builds signed discovery requests (discovery/client/client.go `Send`; docs/fabric-notes.md §15).
public enum DiscoveryRequest {
    /// `SignedRequest{payload: Request{authentication, queries}, signature: sign(payload)}`.
    ///
    /// - Parameter tlsCertHash: SHA-256 of the DER of the TLS client certificate this connection
    ///   presents; a peer with TLS enabled refuses the request without it
    ///   (discovery/service.go `validateStructure`).
    public static func make(channel: String, queries: [DiscoveryQuery], signer: SigningIdentity,
                            tlsCertHash: [UInt8]?) throws -> Discovery_SignedRequest {
        var request = Discovery_Request()
        request.authentication.clientIdentity = Data(signer.creator)
        if let tlsCertHash { request.authentication.clientTlsCertHash = Data(tlsCertHash) }
        request.queries = queries.map { query in
            var q = Discovery_Query()
            q.channel = channel
            q.query = query.proto
            return q
        }
        let payload = request.encodedBytes()
        var signed = Discovery_SignedRequest()
        signed.payload = Data(payload)
        signed.signature = Data(try signer.sign(payload))
        return signed
    }
}
