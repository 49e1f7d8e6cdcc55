-- wrk script of scripts/bench-query.sh (BENCH_PER_ORG=1): POST .../submit CreateAsset with a
-- fresh asset ID per request (a random run prefix and a counter: one wrk thread), waiting for the
-- commit; done() prints one RESULT line like evaluate.lua's.
wrk.method = "POST"
wrk.path = "/api/v1/channels/mychannel/chaincodes/basic/submit"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
math.randomseed(os.time() + os.clock() * 1e6)
local run = string.format("%08x", math.random(0, 0x7fffffff))
local counter = 0

function request()
    counter = counter + 1
    local body = string.format('{"function":"CreateAsset","args":["b%s-%d","blue","1","bench","1"]}', run, counter)
    return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
    local e = summary.errors
    local n = summary.requests
    local secs = summary.duration / 1e6
    io.write(string.format(
        "RESULT gateway-wrk-submit clients=%s submits=%d seconds=%.2f mean_ms=%.3f p50_ms=%.3f p99_ms=%.3f errors=%d\n",
        os.getenv("BENCH_CLIENTS") or "?", n, secs, latency.mean / 1e3,
        latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
        e.connect + e.read + e.write + e.status + e.timeout))
end
