-- wrk reporter for scripts/bench-http.sh: prints one machine-readable line at the end.
-- Latencies are in microseconds; errors sums connect/read/write/timeout and non-2xx/3xx statuses.
done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        "WRK requests=%d duration_us=%d bytes=%d errors=%d status_errors=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
        summary.requests, summary.duration, summary.bytes,
        e.connect + e.read + e.write + e.timeout, e.status,
        latency:percentile(50.0), latency:percentile(90.0), latency:percentile(99.0), latency.max))
end
