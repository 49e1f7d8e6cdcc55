import FabricProtos

/// The answer to one `DiscoveryQuery`, in the order of the queries.
public enum DiscoveryAnswer: Sendable, Hashable {
    case config(DiscoveredChannelConfig)
    case peers(PeerMembership)
    case endorsers([EndorsementDescriptor])

    /// Decodes `response`, one answer per query; a query answered with `Error` throws
    /// `DiscoveryError` with Fabric's words, a malformed answer `FabricProtocolError`.
    static func decode(_ response: Discovery_Response, channel: String, count: Int) throws -> [DiscoveryAnswer] {
        guard response.results.count == count else {
            throw FabricProtocolError("discovery answered \(response.results.count) results to \(count) queries")
        }
        return try response.results.map { result in
            switch result.result {
            case .error(let e)?: throw DiscoveryError(channel: channel, content: e.content)
            case .configResult(let c)?: return .config(DiscoveredChannelConfig(c))
            case .members(let m)?: return .peers(try PeerMembership(m))
            case .ccQueryRes(let r)?: return .endorsers(try r.content.map(EndorsementDescriptor.init))
            case nil: throw FabricProtocolError("discovery answered an empty result")
            }
        }
    }
}
