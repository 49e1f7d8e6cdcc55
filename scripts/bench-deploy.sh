#!/usr/bin/env bash
# Declarative deployment benchmark (issue 18): a new chaincode deployed on 2 organizations by one
# PUT .../deployment (then long-polling its operation), next to the same steps issued by hand
# through the REST API (ccaas package per org, install, draft, approve both, commit), against
# one fabric-sim and one gateway, interleaved (put, hand, put, hand, ...), each round a new
# chaincode name. Prints each wall time, the medians and their ratio. Target: put <= 1.2 x hand.
#
# Env: GATEWAY_BIN (skip the release build), GATEWAY_TEST_PYTHON (python with the fabric-sim
#      requirements; default <repo>/.venv/bin/python3, else python3), BENCH_ROUNDS (5),
#      BENCH_KEEP=1 keeps the temp dir.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib/bench-common.sh
source "$repo/scripts/lib/bench-common.sh"
bench_settings "$repo"
rounds="${BENCH_ROUNDS:-5}"
helper="$repo/Benchmarks/deploy/bench_deploy.py"

bench_gateway "$repo"
bench_tmp

echo "== fabric-sim up (2 orgs, TLS)"
"$python" "$repo/tools/fabric-sim/fabric_sim.py" up --orgs 2 --tls --dir "$tmp/sim" --base-port 0 >"$tmp/sim.out" 2>"$tmp/sim.err" &
sim_pid=$!
wait_for 120 "$sim_pid" "$tmp/sim.err" test -s "$tmp/sim/ready.json"

echo "== gateway $gateway"
GATEWAY_ADMIN_TOKEN="$token" "$gateway" serve --listen 127.0.0.1:0 --config "$tmp/sim/gateway.yaml" --data-dir "$tmp/gw" \
    --no-access-log --migrations-dir "$repo/migrations" >"$tmp/gw.log" 2>&1 &
gw_pid=$!
wait_for 60 "$gw_pid" "$tmp/gw.log" grep -q "listening on http://" "$tmp/gw.log"
port="$(sed -n 's|.*listening on http://[^ ]*:\([0-9][0-9]*\).*|\1|p' "$tmp/gw.log" | head -1)"
url="http://127.0.0.1:$port"

echo "== $rounds rounds, interleaved, $(nproc) cores"
put_times=() hand_times=()
for i in $(seq 1 "$rounds"); do
    out="$("$python" "$helper" put "$url" "$token" "put$i")"; echo "$out"; put_times+=("$(field "$out" seconds)")
    out="$("$python" "$helper" hand "$url" "$token" "hand$i")"; echo "$out"; hand_times+=("$(field "$out" seconds)")
done

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
put_median="$(median "${put_times[@]}")"
hand_median="$(median "${hand_times[@]}")"
echo "== summary"
echo "one PUT: median ${put_median} s (${put_times[*]})"
echo "by hand: median ${hand_median} s (${hand_times[*]})"
awk -v p="$put_median" -v h="$hand_median" 'BEGIN { r = p / h; printf "ratio put/hand = %.2f (target <= 1.20): %s\n", r, r <= 1.2 ? "met" : "NOT met" }'
