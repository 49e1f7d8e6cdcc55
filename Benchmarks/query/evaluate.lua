-- wrk script of scripts/bench-query.sh: POST .../evaluate ReadAsset asset1 with the bearer
-- token from BENCH_TOKEN; done() prints one RESULT line like bench_query.py's.
wrk.method = "POST"
wrk.path = "/api/v1/channels/mychannel/chaincodes/basic/evaluate"
wrk.body = '{"function":"ReadAsset","args":["asset1"]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")

function done(summary, latency, requests)
    local e = summary.errors
    local n = summary.requests
    local secs = summary.duration / 1e6
    io.write(string.format(
        "RESULT gateway-wrk clients=%s queries=%d seconds=%.2f qps=%.0f mean_ms=%.3f p50_ms=%.3f p99_ms=%.3f errors=%d\n",
        os.getenv("BENCH_CLIENTS") or "?", n, secs, n / secs, latency.mean / 1e3,
        latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
        e.connect + e.read + e.write + e.status + e.timeout))
end
