// Adapts GRPCClient's channel and bidirectional call to the transport seam.
import GRPCClient

extension GRPCChannel: FabricGRPCConnection {
    public func openBidirectional(path: String, timeout: Duration?) -> any FabricGRPCStream {
        bidirectional(path: path, timeout: timeout)
    }
}

extension GRPCBidiCall: FabricGRPCStream {}
