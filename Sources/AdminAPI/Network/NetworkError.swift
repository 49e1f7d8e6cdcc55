import Fabric
import GRPCClient
import JSON
import WebServer

/// A failure talking to (or refused by) the Fabric network, already classified for HTTP.
/// Fabric's own words go in `details.message`, with the peer's address and its org.
public struct NetworkError: Error, HTTPErrorConvertible, CustomStringConvertible, Sendable {
    public let status: Int
    public let code: String
    public let message: String
    public var peer: String?
    public var org: String?
    /// What the peer or orderer said.
    public var fabricMessage: String?
    public var extra: [(String, JSONValue)] = []

    public init(status: Int, code: String, message: String, peer: String? = nil, org: String? = nil, fabricMessage: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.peer = peer
        self.org = org
        self.fabricMessage = fabricMessage
    }

    public var description: String { message + (fabricMessage.map { ": \($0)" } ?? "") }

    public var httpError: HTTPError {
        var details: [(String, JSONValue)] = []
        if let peer { details.append(("peer", .string(peer))) }
        if let org { details.append(("org", .string(org))) }
        if let fabricMessage { details.append(("message", .string(fabricMessage))) }
        return HTTPError(status: status, code: code, message: message, details: details + extra)
    }

    /// Classifies an error from a Fabric call made on `peer` (an address) for `org`.
    public static func classify(_ error: any Error, peer: String? = nil, org: String? = nil) -> NetworkError {
        switch error {
        case let e as NetworkError: return e
        case let e as EndorseError: return endorse(e, org: org)
        case let e as SubmitError:
            return NetworkError(status: 502, code: "orderer_failed", message: "the orderer did not accept transaction \(e.transactionID)",
                                peer: e.details.first?.endpoint, org: org, fabricMessage: e.message)
        case let e as CommitError:
            var n = NetworkError(status: 409, code: "transaction_invalid", message: "transaction \(e.transactionID) was not committed as valid",
                                 peer: peer, org: org, fabricMessage: e.message)
            n.extra = [("validationCode", .optional(e.validationCode?.name))]
            return n
        case let e as DefinitionValidationError:
            return NetworkError(status: 422, code: "invalid_definition", message: e.description)
        case let e as PolicyParseError:
            return NetworkError(status: 422, code: "invalid_policy", message: e.description)
        case let e as FabricProtocolError:
            return NetworkError(status: 502, code: "fabric_protocol", message: "unexpected answer from \(peer ?? "the network")",
                                peer: peer, org: org, fabricMessage: e.description)
        default:
            return transport("\(error)", peer: peer, org: org)
        }
    }

    static func endorse(_ e: EndorseError, org: String?) -> NetworkError {
        guard let first = e.details.first(where: { $0.status != nil }) else {
            return transport(e.details.first?.message ?? e.message, peer: e.details.first?.endpoint, org: org)
        }
        let status: Int
        switch first.status ?? 500 {
        case _ where first.message.hasPrefix("channel '") && first.message.hasSuffix("' not found"):
            return NetworkError(status: 404, code: "channel_not_found", message: "peer \(first.endpoint) does not know the channel",
                                peer: first.endpoint, org: org, fabricMessage: first.message)
        case 404: status = 404
        case 400..<500: status = 422
        default: status = 409
        }
        return NetworkError(status: status, code: status == 404 ? "not_found" : "fabric_rejected",
                            message: "peer \(first.endpoint) refused the proposal", peer: first.endpoint, org: org,
                            fabricMessage: first.message)
    }

    static func transport(_ text: String, peer: String?, org: String?) -> NetworkError {
        let timeout = text.contains("DEADLINE_EXCEEDED") || text.lowercased().contains("timed out") || text.contains("deadline")
        return NetworkError(status: timeout ? 504 : 502, code: timeout ? "peer_timeout" : "peer_unreachable",
                            message: "\(peer ?? "the node") " + (timeout ? "did not answer in time" : "is unreachable"),
                            peer: peer, org: org, fabricMessage: text)
    }

    static func notFound(_ what: String, _ message: String) -> NetworkError {
        NetworkError(status: 404, code: "\(what)_not_found", message: message)
    }
}
