import FabricProtos

/// One peer's answer to a proposal, tagged with where it came from.
public struct EndorsementResponse: Sendable {
    /// `host:port` (or name) of the endorsing peer.
    public var endpoint: String
    public var response: Protos_ProposalResponse

    public init(endpoint: String, response: Protos_ProposalResponse) {
        self.endpoint = endpoint
        self.response = response
    }

    /// 200 <= status < 400 (shim OK .. ERRORTHRESHOLD).
    public var isSuccess: Bool { response.response.status >= 200 && response.response.status < 400 }

    var failure: NodeFailure {
        NodeFailure(endpoint: endpoint, status: response.response.status, message: response.response.message)
    }
}
