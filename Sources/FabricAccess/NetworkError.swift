import Fabric
import GRPCClient
import JSON

/// A failure talking to, or a refusal by, the Fabric network, as typed facts: what happened
/// (`kind`), the node and its organization, and Fabric's own words. No HTTP here: the API
/// layer chooses the status for each kind (AdminAPI `NetworkError+HTTP.swift`).
public struct NetworkError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The node could not be reached, or the connection broke.
        case unreachable
        /// The node did not answer within the deadline.
        case timeout
        /// A peer does not know the channel.
        case channelNotFound
        /// A peer answered the proposal with this non-success status (Fabric's words in `fabricMessage`).
        case rejected(status: Int32)
        /// The orderer did not accept the transaction.
        case ordererFailed
        /// Ordered, but not committed as valid.
        case transactionInvalid(TxValidationCode?)
        /// An answer that does not decode as Fabric's messages.
        case protocolViolation
        /// The definition or policy is invalid before anything is sent.
        case invalidDefinition, invalidPolicy
        /// The configuration lacks what the call needs.
        case noAdminIdentity, noPeerConfigured, noUsablePeer, noOrderer
        /// A configured identity or TLS file cannot be read.
        case identityUnreadable, tlsUnreadable
        /// The identity's key cannot sign right now (an HSM token removed or logged out); retry later.
        case signerUnavailable
        /// The Discovery service refused a query (Fabric's words in `fabricMessage`), or its
        /// answer leaves no combination of reachable peers that satisfies the policy.
        case discoveryRefused
    }

    public let kind: Kind
    public let message: String
    /// The node's address, when one node is concerned.
    public var peer: String?
    public var org: String?
    /// What the peer or orderer said.
    public var fabricMessage: String?

    public init(_ kind: Kind, _ message: String, peer: String? = nil, org: String? = nil, fabricMessage: String? = nil) {
        self.kind = kind
        self.message = message
        self.peer = peer
        self.org = org
        self.fabricMessage = fabricMessage
    }

    public var description: String { message + (fabricMessage.map { ": \($0)" } ?? "") }

    /// The stable machine-readable code of the API's error body.
    public var code: String {
        switch kind {
        case .unreachable: "peer_unreachable"
        case .timeout: "peer_timeout"
        case .channelNotFound: "channel_not_found"
        case .rejected(let status): status == 404 ? "not_found" : "fabric_rejected"
        case .ordererFailed: "orderer_failed"
        case .transactionInvalid: "transaction_invalid"
        case .protocolViolation: "fabric_protocol"
        case .invalidDefinition: "invalid_definition"
        case .invalidPolicy: "invalid_policy"
        case .noAdminIdentity: "no_admin_identity"
        case .noPeerConfigured, .noUsablePeer: "no_peer"
        case .noOrderer: "no_orderer"
        case .identityUnreadable: "identity"
        case .tlsUnreadable: "tls"
        case .signerUnavailable: "signer_unavailable"
        case .discoveryRefused: "discovery_refused"
        }
    }

    /// `details` of the error body: the node, its org, Fabric's words, the validation code.
    public var details: [(String, JSONValue)] {
        var d: [(String, JSONValue)] = []
        if let peer { d.append(("peer", .string(peer))) }
        if let org { d.append(("org", .string(org))) }
        if let fabricMessage { d.append(("message", .string(fabricMessage))) }
        if case .transactionInvalid(let code) = kind { d.append(("validationCode", .optional(code?.name))) }
        return d
    }

    /// The peer could not be asked at all (unreachable or silent): another peer may answer instead.
    public var isTransportFailure: Bool { kind == .unreachable || kind == .timeout }
    /// A peer answered and refused (any status).
    public var isRejection: Bool {
        if case .rejected = kind { return true }
        return false
    }

    /// `{"code","message","details"}`, for embedding an error in a larger document.
    public var bodyJSON: JSONValue {
        var f: [(String, JSONValue)] = [("code", .string(code)), ("message", .string(message))]
        if !details.isEmpty { f.append(("details", .object(details))) }
        return .object(f)
    }
}

extension NetworkError {
    /// Classifies an error from a Fabric call made on `peer` (an address) for `org`, by its type.
    public static func classify(_ error: any Error, peer: String? = nil, org: String? = nil) -> NetworkError {
        switch error {
        case let e as NetworkError: return e
        case let e as EndorseError: return endorse(e, org: org)
        case let e as SubmitError:
            return NetworkError(.ordererFailed, "the orderer did not accept transaction \(e.transactionID)",
                                peer: e.details.first?.endpoint, org: org, fabricMessage: e.message)
        case let e as CommitError:
            return NetworkError(.transactionInvalid(e.validationCode), "transaction \(e.transactionID) was not committed as valid",
                                peer: peer, org: org, fabricMessage: e.message)
        case let e as SignerUnavailableError:
            return NetworkError(.signerUnavailable, "cannot sign" + (org.map { " for \($0)" } ?? "") + ": \(e.message)", org: org)
        case let e as DefinitionValidationError:
            return NetworkError(.invalidDefinition, e.description)
        case let e as PolicyParseError:
            return NetworkError(.invalidPolicy, e.description)
        case let e as DiscoveryError:
            return NetworkError(.discoveryRefused, "discovery refused the query on channel '\(e.channel)'", peer: peer, org: org,
                                fabricMessage: e.content)
        case let e as DeliverStatusError where e.isChannelNotFound:
            return NetworkError(.channelNotFound, "peer \(e.peer) does not know channel '\(e.channelID)'", peer: peer ?? e.peer, org: org,
                                fabricMessage: e.description)
        case let e as DeliverStatusError:
            return NetworkError(.protocolViolation, "unexpected answer from \(peer ?? e.peer)", peer: peer ?? e.peer, org: org,
                                fabricMessage: e.description)
        case let e as FabricProtocolError:
            return NetworkError(.protocolViolation, "unexpected answer from \(peer ?? "the network")", peer: peer, org: org,
                                fabricMessage: e.description)
        default:
            let kind = (error as? any TransportFailure)?.transportFailureKind ?? .other
            return transport(kind, "\(error)", peer: peer, org: org)
        }
    }

    static func endorse(_ e: EndorseError, org: String?) -> NetworkError {
        guard let first = e.details.first(where: { $0.status != nil }) else {
            let failure = e.details.first
            return transport(failure?.transport ?? .other, failure?.message ?? e.message, peer: failure?.endpoint, org: org)
        }
        if first.isChannelNotFound {
            return NetworkError(.channelNotFound, "peer \(first.endpoint) does not know the channel", peer: first.endpoint, org: org,
                                fabricMessage: first.message)
        }
        return NetworkError(.rejected(status: first.status ?? 500), "peer \(first.endpoint) refused the proposal", peer: first.endpoint,
                            org: org, fabricMessage: first.message)
    }

    static func transport(_ kind: TransportFailureKind, _ text: String, peer: String?, org: String?) -> NetworkError {
        let timeout = kind == .deadlineExceeded
        return NetworkError(timeout ? .timeout : .unreachable, "\(peer ?? "the node") " + (timeout ? "did not answer in time" : "is unreachable"),
                            peer: peer, org: org, fabricMessage: text)
    }
}

// The gRPC client's errors keep their kind through the Fabric flow (Fabric cannot import GRPCClient).
extension GRPCStatusError: TransportFailure {
    public var transportFailureKind: TransportFailureKind {
        switch code {
        case .deadlineExceeded: .deadlineExceeded
        case .unavailable: .unavailable
        default: .other
        }
    }
}

extension GRPCConnectionError: TransportFailure {
    public var transportFailureKind: TransportFailureKind { .unavailable }
}
