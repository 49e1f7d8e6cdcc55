import Fabric
import GRPCClient
import SystemIO
import Telemetry

/// Adapts `GRPCChannel` to Fabric's transport seam (`FabricGRPCConnection`), recording each
/// call in the gRPC metric families. A wrapper rather than a conformance of `GRPCChannel`, so
/// neither GRPCClient nor Fabric has to know the other.
public struct GRPCChannelConnection: FabricGRPCConnection {
    let channel: GRPCChannel
    let node: String
    let metrics: MetricsRegistry?

    /// `node` names the peer or orderer in the metric labels; nil `metrics` records nothing.
    public init(channel: GRPCChannel, node: String, metrics: MetricsRegistry? = nil) {
        self.channel = channel
        self.node = node
        self.metrics = metrics
    }

    public func unary(path: String, request: [UInt8], timeout: Duration?) async throws -> [UInt8] {
        let started = Sys.monotonicNanos()
        do {
            let response = try await channel.unary(path: path, request: request, timeout: timeout)
            record(path, "OK", started)
            return response
        } catch let e as GRPCStatusError {
            record(path, "\(e.code)", started)
            throw e
        } catch {
            record(path, "UNAVAILABLE", started)
            throw error
        }
    }

    private func record(_ path: String, _ status: String, _ started: UInt64) {
        guard let metrics else { return }
        metrics.increment(FabricMetrics.calls, [node, path, status])
        metrics.observe(FabricMetrics.duration, [node, path], Double(Sys.monotonicNanos() &- started) / 1e9)
    }

    public func openBidirectional(path: String, timeout: Duration?) -> any FabricGRPCStream {
        metrics?.increment(FabricMetrics.calls, [node, path, "STARTED"])
        return BidiStream(call: channel.bidirectional(path: path, timeout: timeout))
    }

    struct BidiStream: FabricGRPCStream {
        let call: GRPCBidiCall
        func send(_ message: [UInt8]) async throws { try await call.send(message) }
        func finishSending() { call.finishSending() }
        var responses: AsyncThrowingStream<[UInt8], any Error> { call.responses }
        func cancel() { call.cancel() }
    }
}
