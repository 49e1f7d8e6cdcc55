-- wrk script of scripts/bench-tracking.sh: GET .../chaincodes/bench-cc-NNN/approvals round-robin
-- over BENCH_DEFINITIONS definitions with the bearer token from BENCH_TOKEN; done() prints one
-- RESULT line like bench_tracking.py's.
local definitions = tonumber(os.getenv("BENCH_DEFINITIONS") or "200")
local token = os.getenv("BENCH_TOKEN")
local i = 0

request = function()
    i = i % definitions + 1
    return wrk.format("GET", string.format("/api/v1/channels/mychannel/chaincodes/bench-cc-%03d/approvals", i),
                      { ["Authorization"] = "Bearer " .. token })
end

function done(summary, latency, requests)
    local e = summary.errors
    local n = summary.requests
    local secs = summary.duration / 1e6
    io.write(string.format(
        "RESULT status-wrk clients=%s queries=%d seconds=%.2f qps=%.0f mean_ms=%.3f p50_ms=%.3f p99_ms=%.3f errors=%d\n",
        os.getenv("BENCH_CLIENTS") or "?", n, secs, n / secs, latency.mean / 1e3,
        latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
        e.connect + e.read + e.write + e.status + e.timeout))
end
