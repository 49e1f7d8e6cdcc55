#!/usr/bin/env bash
# Approval-tracking benchmark (issue 8).
# 1. Catch-up: fabric-sim's generate-history writes BENCH_ORGS x BENCH_DEFINITIONS signed, endorsed
#    ApproveChaincodeDefinitionForMyOrg transactions (one per block: 50 x 200 = 10,000 blocks; a
#    few approve another version or endorsement policy), `up` replays them, and a gateway with an
#    empty database follows the channel from block 0. Prints blocks/s, gateway CPU per block and
#    the gateway's peak RSS.
# 2. Status: a draft per definition through the REST API, a consistency check of every org's
#    state against the generated plan, then GET .../approvals round-robin over the definitions at
#    BENCH_CLIENTS concurrent clients: p50/p99 and gateway CPU per request, next to the peer query
#    it is built on (CheckCommitReadiness) sent directly by a Python grpcio client; and the status
#    of a definition nobody approved (the largest "who is still needed" answer).
# 3. Listing: GET .../chaincodes (every chaincode of the channel with its pending approvals, from
#    the blocks) 200 times at one client.
# Targets: status p99 < 20 ms (at 1 client); listing p99 < 20 ms; catch-up completes (figures reported).
#
# Only the first BENCH_PEER_ORGS orgs run peers (one Python process cannot hold 50 peers with
# 10,000 blocks each); the channel config and the gateway config have all BENCH_ORGS orgs (admin
# identities for all, peers for those).
#
# Env: GATEWAY_BIN (skip the release build), GATEWAY_TEST_PYTHON (python with the fabric-sim
#      requirements; default <repo>/.venv/bin/python3, else python3 on PATH),
#      BENCH_ORGS (50), BENCH_DEFINITIONS (200), BENCH_PEER_ORGS (2), BENCH_TXS_PER_BLOCK (1),
#      BENCH_SECONDS (per status measurement, 10), BENCH_CLIENTS ("1 8"),
#      BENCH_HTTP_CLIENT (wrk | python; default wrk when installed), BENCH_HISTORY_DIR (reuse a
#      generated, never started simulator directory: it is copied), BENCH_KEEP=1 keeps the temp dir,
#      BENCH_BASELINE_BIN (another build, e.g. main's: it follows the same simulator with its own
#      database and embedded migrations, then the listing is measured on both binaries alternately,
#      BENCH_ROUNDS (3) rounds of 200 requests each).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib/bench-common.sh
source "$repo/scripts/lib/bench-common.sh"
bench_settings "$repo"
orgs="${BENCH_ORGS:-50}"
definitions="${BENCH_DEFINITIONS:-200}"
peer_orgs="${BENCH_PEER_ORGS:-2}"
per_block="${BENCH_TXS_PER_BLOCK:-1}"
client_counts="${BENCH_CLIENTS:-1 8}"
helper="$repo/Benchmarks/tracking/bench_tracking.py"
sim_py="$repo/tools/fabric-sim/fabric_sim.py"
hz="$(getconf CLK_TCK)"

bench_gateway "$repo"
bench_tmp

now() { date +%s.%N; }

sim="$tmp/sim"
if [[ -n "${BENCH_HISTORY_DIR:-}" ]]; then
    echo "== history: copying $BENCH_HISTORY_DIR"
    cp -a "$BENCH_HISTORY_DIR" "$sim"
else
    echo "== generate-history: $orgs orgs x $definitions definitions, $per_block tx(s) per block, peers for $peer_orgs orgs"
    t0=$(now)
    "$python" "$sim_py" generate-history --dir "$sim" --orgs "$orgs" --definitions "$definitions" \
        --peer-orgs "$peer_orgs" --txs-per-block "$per_block" 2>"$tmp/generate.err" | tee "$tmp/generate.out"
    awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "generated in %.1f s\n", b - a }'
fi
last_block="$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["height"] - 1)' "$sim/history.json")"
approvals="$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["approvals"])' "$sim/history.json")"

echo "== fabric-sim up (replaying $last_block blocks)"
t0=$(now)
"$python" "$sim_py" up --orgs "$orgs" --peer-orgs "$peer_orgs" --dir "$sim" --base-port 0 >"$tmp/sim.out" 2>"$tmp/sim.err" &
sim_pid=$!
wait_for 900 "$sim_pid" "$tmp/sim.err" test -s "$sim/ready.json"
awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "simulator ready in %.1f s\n", b - a }'

echo "== gateway $gateway (empty database): catching up"
launched=$(now)
GATEWAY_ADMIN_TOKEN="$token" "$gateway" serve --listen 127.0.0.1:0 --config "$sim/gateway.yaml" --data-dir "$tmp/gw" \
    --no-access-log --migrations-dir "$repo/migrations" >"$tmp/gw.log" 2>&1 &
gw_pid=$!
s0=$(ticks "$sim_pid")
wait_for 60 "$gw_pid" "$tmp/gw.log" grep -q "listening on http://" "$tmp/gw.log"
port="$(sed -n 's|.*listening on http://[^ ]*:\([0-9][0-9]*\).*|\1|p' "$tmp/gw.log" | head -1)"
url="http://127.0.0.1:$port"
catchup="$("$python" "$helper" catchup "$url" "$token" "$last_block" 1800 "$launched")"
g1=$(ticks "$gw_pid"); s1=$(ticks "$sim_pid")
rss_kb="$(awk '/^VmHWM/ { print $2 }' "/proc/$gw_pid/status")"
catchup_bps="$(field "$catchup" blocks_per_s)"
catchup_s="$(field "$catchup" seconds)"
catchup_cpu="$(awk -v t=$(( g1 )) -v n="$last_block" -v hz="$hz" 'BEGIN { printf "%.0f", t / hz * 1e6 / n }')"
echo "$catchup gateway_cpu_us_per_block=$catchup_cpu sim_cpu_us_per_block=$(awk -v t=$(( s1 - s0 )) -v n="$last_block" -v hz="$hz" 'BEGIN { printf "%.0f", t / hz * 1e6 / n }') gateway_peak_rss_mb=$(( rss_kb / 1024 ))"

echo "== drafts for $definitions definitions through the REST API; checking every org's state"
"$python" "$helper" seed "$url" "$token" "$definitions"
"$python" "$helper" verify "$url" "$token" "$sim/history.json"

declare -A p50 p99 cpu direct50
echo "== GET .../approvals round-robin over $definitions definitions, ${seconds}s per measurement, $(nproc) cores, HTTP client: $http_client"
for c in $client_counts; do
    g0=$(ticks "$gw_pid")
    if [[ "$http_client" == wrk ]]; then
        out="$(BENCH_TOKEN="$token" BENCH_CLIENTS="$c" BENCH_DEFINITIONS="$definitions" \
            wrk -t1 -c"$c" -d"${seconds}s" --latency -s "$repo/Benchmarks/tracking/approvals.lua" "$url" | grep '^RESULT')"
    else
        out="$("$python" "$helper" http "$url" "$token" "$c" "$seconds" "$definitions" | grep '^RESULT')"
    fi
    g1=$(ticks "$gw_pid")
    n=$(field "$out" queries)
    [[ -n "$n" && "$n" -gt 0 ]] || { echo "no result" >&2; exit 1; }
    if [[ "$(field "$out" errors)" =~ ^[1-9] ]]; then echo "$out" >&2; echo "requests failed" >&2; exit 1; fi
    p50[$c]=$(field "$out" p50_ms); p99[$c]=$(field "$out" p99_ms)
    cpu[$c]=$(awk -v t=$(( g1 - g0 )) -v n="$n" -v hz="$hz" 'BEGIN { printf "%.0f", t / hz * 1e6 / n }')
    echo "$out gateway_cpu_us=${cpu[$c]}"
    # The peer query each status is built on, sent directly: what the simulator alone costs.
    out="$("$python" "$helper" direct "$sim" "$c" "$seconds" "$definitions" | grep '^RESULT')"
    if [[ "$(field "$out" errors)" =~ ^[1-9] ]]; then echo "$out" >&2; echo "direct queries failed" >&2; exit 1; fi
    direct50[$c]=$(field "$out" p50_ms)
    echo "$out"
done

echo "== a definition nobody approved (who is still needed: a majority of $orgs orgs), 200 sequential requests"
listing="$("$python" "$helper" listing "$url" "$token" 200 | grep '^RESULT')"
echo "$listing"
probe="$("$python" "$helper" probe "$url" "$token" bench-unapproved 200)"
echo "$probe"

if [[ -n "${BENCH_BASELINE_BIN:-}" ]]; then
    echo "== baseline $BENCH_BASELINE_BIN (empty database, its embedded migrations): catching up"
    launched=$(now)
    GATEWAY_ADMIN_TOKEN="$token" "$BENCH_BASELINE_BIN" serve --listen 127.0.0.1:0 --config "$sim/gateway.yaml" --data-dir "$tmp/gw2" \
        --no-access-log >"$tmp/gw2.log" 2>&1 &
    gw2_pid=$!
    wait_for 60 "$gw2_pid" "$tmp/gw2.log" grep -q "listening on http://" "$tmp/gw2.log"
    url2="http://127.0.0.1:$(sed -n 's|.*listening on http://[^ ]*:\([0-9][0-9]*\).*|\1|p' "$tmp/gw2.log" | head -1)"
    "$python" "$helper" catchup "$url2" "$token" "$last_block" 1800 "$launched"
    "$python" "$helper" seed "$url2" "$token" "$definitions"
    echo "== listing, alternating baseline / this build, ${BENCH_ROUNDS:-3} rounds of 200 requests"
    declare -a base50 base99 this50 this99
    for r in $(seq 1 "${BENCH_ROUNDS:-3}"); do
        b="$("$python" "$helper" listing "$url2" "$token" 200 | grep '^RESULT')"
        t="$("$python" "$helper" listing "$url" "$token" 200 | grep '^RESULT')"
        [[ "$(field "$b" bytes)" == "$(field "$t" bytes)" ]] || echo "note: the two listings differ in size ($(field "$b" bytes) vs $(field "$t" bytes) bytes)"
        base50+=("$(field "$b" p50_ms)"); base99+=("$(field "$b" p99_ms)")
        this50+=("$(field "$t" p50_ms)"); this99+=("$(field "$t" p99_ms)")
        echo "round $r: baseline p50 ${base50[-1]} / p99 ${base99[-1]} ms; this build p50 ${this50[-1]} / p99 ${this99[-1]} ms"
    done
fi

echo "== summary"
echo "catch-up: $last_block blocks ($approvals approvals, $orgs orgs x $definitions definitions) in ${catchup_s} s = ${catchup_bps} blocks/s; gateway CPU ${catchup_cpu} us/block; gateway peak RSS $(( rss_kb / 1024 )) MB"
for c in $client_counts; do
    echo "status: $c client(s): p50 ${p50[$c]} ms, p99 ${p99[$c]} ms, gateway CPU ${cpu[$c]} us/request (CheckCommitReadiness sent directly to the simulator: p50 ${direct50[$c]} ms)"
done
echo "channel listing (GET .../chaincodes, $(field "$listing" chaincodes) chaincodes x $(field "$listing" orgs) orgs, $(field "$listing" bytes) bytes): p50 $(field "$listing" p50_ms) ms, p99 $(field "$listing" p99_ms) ms (target p99 < 20 ms)"
echo "status of a definition nobody approved: p50 $(field "$probe" p50_ms) ms, p99 $(field "$probe" p99_ms) ms ($(field "$probe" smallest_sets) smallest sets of $(field "$probe" set_size) orgs listed, truncated=$(field "$probe" truncated))"
c1="$(awk '{print $1}' <<<"$client_counts")"
awk -v p="${p99[$c1]}" -v c="$c1" 'BEGIN { printf "target: status p99 < 20 ms at %s client(s): %.3f ms %s\n", c, p, (p < 20 ? "MET" : "MISSED") }'
echo "target: catch-up of $last_block blocks completed: MET"
if [[ -n "${BENCH_BASELINE_BIN:-}" ]]; then
    echo "listing, same run, alternating: baseline p50 ${base50[*]} / p99 ${base99[*]} ms; this build p50 ${this50[*]} / p99 ${this99[*]} ms"
fi
