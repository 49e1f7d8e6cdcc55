#!/usr/bin/env bash
# Chaincode query benchmark: POST /api/v1/channels/mychannel/chaincodes/basic/evaluate
# (HTTP -> gateway -> gRPC -> fabric-sim) at 1 and 32 concurrent clients, next to the same
# ReadAsset query sent directly by a Python grpcio client (signed proposal to peer0.org1's
# Endorser) in the same run. Prints per mode: queries/s, mean/p50/p99 latency, and the CPU
# per query of the gateway (and its user-space part) and simulator processes (/proc/PID/stat
# utime+stime before/after); then, with wrk, the gateway's CPU per GET /healthz for scale.
# Targets: gateway overhead < 1 ms per query at 1 client (gateway mean - direct mean);
#          gateway CPU < 100 µs per query.
#
# Env: GATEWAY_BIN (skip the release build), GATEWAY_TEST_PYTHON (python with grpcio and the
#      fabric-sim requirements; default <repo>/.venv/bin/python3, else python3 on PATH),
#      BENCH_SECONDS (per measurement, default 10), BENCH_CLIENTS ("1 32"),
#      BENCH_HTTP_CLIENT (wrk | python; default wrk when installed), BENCH_KEEP=1 keeps the temp dir,
#      BENCH_PERF=1 also profiles the gateway (perf record -g) under the last client count and
#      prints its top user-space symbols,
#      BENCH_PER_ORG=1 runs the simulator with mutual TLS and per-organization configs and adds a
#      second gateway holding only Org2MSP's identities and peer: its evaluate endorsement plan
#      comes from service discovery (cached). Both gateways are measured interleaved (3 rounds) and
#      the per-org gateway's CPU per query is compared with the statically configured one's
#      (target: at most 5% more); then submits (CreateAsset, 1 client, waiting for the commit) the
#      same way: the per-org gateway endorses once, plans for the peer's interest, then endorses
#      the rest of the plan, so its CPU per submit is reported next to the static one's.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib/bench-common.sh
source "$repo/scripts/lib/bench-common.sh"
bench_settings "$repo"
client_counts="${BENCH_CLIENTS:-1 32}"
helper="$repo/Benchmarks/query/bench_query.py"
hz="$(getconf CLK_TCK)"

bench_gateway "$repo"
bench_tmp

sim_args=()
[[ "${BENCH_PER_ORG:-0}" == 1 ]] && sim_args=(--mutual-tls --per-org-configs)
echo "== fabric-sim (2 orgs${sim_args[*]:+, ${sim_args[*]}}) in $tmp"
"$python" "$repo/tools/fabric-sim/fabric_sim.py" up --orgs 2 --dir "$tmp" --base-port 0 "${sim_args[@]}" >"$tmp/sim.out" 2>"$tmp/sim.err" &
sim_pid=$!
wait_for 120 "$sim_pid" "$tmp/sim.err" test -s "$tmp/ready.json"

start_gateway() { # start_gateway <config> <name>: starts a gateway on a free port; sets started_pid, started_url
    GATEWAY_ADMIN_TOKEN="$token" "$gateway" serve --listen 127.0.0.1:0 --config "$1" --data-dir "$tmp/$2" \
        --no-access-log --migrations-dir "$repo/migrations" >"$tmp/$2.log" 2>&1 &
    started_pid=$!
    wait_for 60 "$started_pid" "$tmp/$2.log" grep -q "listening on http://" "$tmp/$2.log"
    started_url="http://127.0.0.1:$(sed -n 's|.*listening on http://[^ ]*:\([0-9][0-9]*\).*|\1|p' "$tmp/$2.log" | head -1)"
}

echo "== gateway $gateway"
start_gateway "$tmp/gateway.yaml" gw
gw_pid=$started_pid url=$started_url

echo "== deploying basic through the REST API ($url)"
"$python" "$helper" setup "$url" "$token"

declare -A mean cpu usr
per_query() { awk -v t="$1" -v n="$2" -v hz="$hz" 'BEGIN { printf "%.0f", t / hz * 1e6 / n }'; } # per_query <ticks> <n>: µs
measure() { # measure <key> <clients> <command…>: runs the load, prints RESULT + process CPU per query
    local key=$1; shift 2 # $2, the client count, only labels the call
    local g0 u0 s0 g1 u1 s1 out n
    g0=$(ticks "$gw_pid"); u0=$(user_ticks "$gw_pid"); s0=$(ticks "$sim_pid")
    out="$("$@" | grep '^RESULT')"
    g1=$(ticks "$gw_pid"); u1=$(user_ticks "$gw_pid"); s1=$(ticks "$sim_pid")
    n=$(field "$out" queries)
    [[ -n "$n" && "$n" -gt 0 ]] || { echo "no result from: $*" >&2; exit 1; }
    if [[ "$(field "$out" errors)" =~ ^[1-9] ]]; then echo "$out" >&2; echo "requests failed" >&2; exit 1; fi
    mean[$key]=$(field "$out" mean_ms)
    cpu[$key]=$(per_query $(( g1 - g0 )) "$n")
    usr[$key]=$(per_query $(( u1 - u0 )) "$n")
    if [[ "$key" == gw* ]]; then
        printf '%s gateway_cpu_us=%s (user %s, kernel %s) sim_cpu_us=%s\n' "$out" "${cpu[$key]}" "${usr[$key]}" \
            "$(( cpu[$key] - usr[$key] ))" "$(per_query $(( s1 - s0 )) "$n")"
    else  # the gateway is idle while the Python client queries the simulator directly
        printf '%s sim_cpu_us=%s\n' "$out" "$(per_query $(( s1 - s0 )) "$n")"
    fi
}

echo "== ReadAsset asset1, ${seconds}s per measurement, $(nproc) cores, HTTP client: $http_client"
for c in $client_counts; do
    if [[ "$http_client" == wrk ]]; then
        measure "gw$c" "$c" env BENCH_TOKEN="$token" BENCH_CLIENTS="$c" \
            wrk -t1 -c"$c" -d"${seconds}s" -s "$repo/Benchmarks/query/evaluate.lua" "$url"
    else
        measure "gw$c" "$c" "$python" "$helper" http "$url" "$token" "$c" "$seconds"
    fi
    measure "direct$c" "$c" "$python" "$helper" grpc "$tmp" "$c" "$seconds"
    measure "direct2_$c" "$c" "$python" "$helper" grpc "$tmp" "$c" "$seconds" --with-definition
done

# For scale: the same gateway answering GET /healthz (no authentication, no Fabric call: one HTTP
# exchange and nothing else). A query at one client costs two such exchanges (the HTTP request,
# and the gRPC call to the peer) before any work of its own.
declare -A floor
if [[ "$http_client" == wrk ]]; then
    for c in $client_counts; do
        g0=$(ticks "$gw_pid")
        n=$(wrk -t1 -c"$c" -d"${seconds}s" "$url/healthz" | awk '/requests in/ { print $1 }')
        g1=$(ticks "$gw_pid")
        floor[$c]=$(per_query $(( g1 - g0 )) "$n")
        echo "RESULT healthz clients=$c requests=$n gateway_cpu_us=${floor[$c]}"
    done
fi

if [[ "${BENCH_PERF:-0}" == 1 ]]; then
    c="$(awk '{print $NF}' <<<"$client_counts")"
    echo "== perf profile of the gateway during ${seconds}s of $c-client evaluate load (top user-space symbols)"
    perf record -q -g -p "$gw_pid" -o "$tmp/perf.data" -- sleep "$seconds" 2>"$tmp/perf-record.err" &
    perf_pid=$!
    if [[ "$http_client" == wrk ]]; then
        BENCH_TOKEN="$token" BENCH_CLIENTS="$c" wrk -t1 -c"$c" -d"${seconds}s" -s "$repo/Benchmarks/query/evaluate.lua" "$url" >/dev/null
    else
        "$python" "$helper" http "$url" "$token" "$c" "$seconds" >/dev/null
    fi
    wait "$perf_pid" || true
    sleep 1 # perf finishes writing perf.data after its workload exits
    [[ -s "$tmp/perf.data" ]] || echo "perf recorded nothing (perf_event_paranoid? see $tmp/perf-record.err)"
    perf report -i "$tmp/perf.data" --no-children -g none --sort dso,symbol --stdio 2>"$tmp/perf-report.err" | grep -F "[.]" \
        | sed -n 1,40p | { if command -v swift >/dev/null; then swift demangle --simplified; else cat; fi; } | sed "s/[[:space:]]*$//" | cut -c1-200 || true
fi

if [[ "${BENCH_PER_ORG:-0}" == 1 ]]; then
    echo "== per-org gateway (Org2MSP's identities and peer only; plans from discovery)"
    start_gateway "$tmp/gateway-Org2MSP.yaml" gw2
    gw2_pid=$started_pid url2=$started_url
    gw_cpu() { # gw_cpu <pid> <url> <clients>: CPU us per evaluate through that gateway
        local t0 t1 n
        t0=$(ticks "$1")
        n=$(BENCH_TOKEN="$token" BENCH_CLIENTS="$3" wrk -t1 -c"$3" -d"${seconds}s" -s "$repo/Benchmarks/query/evaluate.lua" "$2" \
            | awk '/requests in/ { print $1 }')
        t1=$(ticks "$1")
        per_query $(( t1 - t0 )) "$n"
    }
    BENCH_TOKEN="$token" BENCH_CLIENTS=1 wrk -t1 -c1 -d2s -s "$repo/Benchmarks/query/evaluate.lua" "$url2" >/dev/null # warm the plan cache
    for c in $client_counts; do
        static=() perorg=()
        for round in 1 2 3; do
            static+=("$(gw_cpu "$gw_pid" "$url" "$c")"); perorg+=("$(gw_cpu "$gw2_pid" "$url2" "$c")")
            echo "RESULT per-org clients=$c round=$round static_cpu_us=${static[-1]} per_org_cpu_us=${perorg[-1]}"
        done
        s_med=$(printf '%s\n' "${static[@]}" | sort -n | sed -n 2p); p_med=$(printf '%s\n' "${perorg[@]}" | sort -n | sed -n 2p)
        awk -v c="$c" -v s="$s_med" -v p="$p_med" 'BEGIN { r = (p - s) / s * 100
            printf "per-org %d clients: gateway CPU %d us/query with discovery plans vs %d us static (%+.1f%%); target <= +5%%: %s\n", c, p, s, r, (r <= 5 ? "MET" : "MISSED") }'
    done
    gw_submit_cpu() { # gw_submit_cpu <pid> <url>: CPU us per submit (1 client), and the p50
        local t0 t1 out n
        t0=$(ticks "$1")
        out="$(BENCH_TOKEN="$token" BENCH_CLIENTS=1 wrk -t1 -c1 -d"${seconds}s" -s "$repo/Benchmarks/query/submit.lua" "$2" | grep '^RESULT')"
        t1=$(ticks "$1")
        n=$(field "$out" submits)
        if [[ "$(field "$out" errors)" =~ ^[1-9] || -z "$n" || "$n" == 0 ]]; then echo "$out" >&2; echo "submits failed" >&2; exit 1; fi
        echo "$(per_query $(( t1 - t0 )) "$n") $(field "$out" p50_ms)"
    }
    static=() perorg=()
    for round in 1 2 3; do
        read -r s s50 <<<"$(gw_submit_cpu "$gw_pid" "$url")"; read -r p p50 <<<"$(gw_submit_cpu "$gw2_pid" "$url2")"
        static+=("$s"); perorg+=("$p")
        echo "RESULT per-org-submit round=$round static_cpu_us=$s static_p50_ms=$s50 per_org_cpu_us=$p per_org_p50_ms=$p50"
    done
    s_med=$(printf '%s\n' "${static[@]}" | sort -n | sed -n 2p); p_med=$(printf '%s\n' "${perorg[@]}" | sort -n | sed -n 2p)
    awk -v s="$s_med" -v p="$p_med" 'BEGIN { printf "per-org submit, 1 client: gateway CPU %d us/submit with discovery plans vs %d us static (%+.1f%%)\n", p, s, (p - s) / s * 100 }'
fi

echo "== summary"
for c in $client_counts; do
    awk -v c="$c" -v g="${mean[gw$c]}" -v d="${mean[direct$c]}" -v d2="${mean[direct2_$c]}" -v cpu="${cpu[gw$c]}" \
        -v u="${usr[gw$c]}" -v f="${floor[$c]:-?}" 'BEGIN {
        printf "%2d clients: gateway %.3f ms, direct %.3f ms -> overhead %.3f ms/query (direct with the gateway'"'"'s QueryChaincodeDefinition: %.3f ms -> %.3f ms); gateway CPU %d us/query (user %d; /healthz %s us/request)\n", c, g, d, g - d, d2, g - d2, cpu, u, f }'
done
c1="$(awk '{print $1}' <<<"$client_counts")"
awk -v g="${mean[gw$c1]}" -v d="${mean[direct$c1]}" -v cpu="${cpu[gw$c1]}" 'BEGIN {
    printf "target: overhead < 1 ms at %s client(s): %.3f ms %s\n", "'"$c1"'", g - d, (g - d < 1 ? "MET" : "MISSED")
    printf "target: gateway CPU < 100 us/query: %d us %s\n", cpu, (cpu < 100 ? "MET" : "MISSED") }'
