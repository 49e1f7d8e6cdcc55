// Adapts GRPCClient's channel to the transport seam. Written against the GRPCClient API of
// /work/briefs/grpc-api.md; compiled once GRPCClient (branch `grpc`) is merged: the lead
// defines nothing — just delete the `#if`/`#endif` lines below when merging.
#if FABRIC_GRPC_CLIENT_MERGED
import GRPCClient

extension GRPCChannel: FabricGRPCConnection {
    public func openBidirectional(path: String, timeout: Duration?) -> any FabricGRPCStream {
        bidirectional(path: path, timeout: timeout)
    }
}

extension GRPCBidiCall: FabricGRPCStream {}
#endif
