import Telemetry

/// gRPC calls to Fabric nodes and lifecycle operations, for `GET /metrics`.
public enum FabricMetrics {
    public static let calls = "gateway_grpc_calls_total"
    public static let duration = "gateway_grpc_call_duration_seconds"
    public static let operations = "gateway_operations_total"

    public static func declare(in m: MetricsRegistry) {
        m.declareCounter(calls, help: "gRPC calls to peers and orderers by node, method and status.", labels: ["node", "method", "status"])
        m.declareHistogram(duration, help: "Unary gRPC call latency by node and method.", labels: ["node", "method"])
        m.declareCounter(operations, help: "Finished operations by kind and outcome.", labels: ["kind", "outcome"])
    }
}
