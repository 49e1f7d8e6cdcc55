#!/usr/bin/env bash
# Installs what running needs (scripts/setup.sh), builds the gateway (release) and runs it on its
# embedded default: the simulated two-org Fabric network (tools/fabric-sim, TLS on, under
# ./data/sim) and the gateway configured for it, with its SQLite database and packages under
# ./data and the dashboard on http://127.0.0.1:8080 (plain HTTP on loopback; README "Security"
# for serving TLS). Ctrl-C stops both; so does the gateway
# exiting by itself (e.g. its port is taken): nothing this script started is left running.
#
# scripts/run.sh --per-org: one gateway per organization (README, "Consortium: one gateway per
# organization"): fabric-sim with TLS as the test network runs it (client certificates requested,
# not required; the gateways present generated ones, which discovery binds requests to) under
# ./data/sim-per-org, and two gateways, Org1MSP's on 127.0.0.1:8080 and
# Org2MSP's on 127.0.0.1:8081, each configured only with its own organization's identities and
# peer (the sim's gateway-<MSP ID>.yaml; the other org's peer and the orderer come from
# discovery), with data in ./data/org1 and ./data/org2. Each prints its own bootstrap token
# (or both use GATEWAY_ADMIN_TOKEN). Other arguments go to both gateways. Ctrl-C, or either
# gateway exiting, stops all three.
#
# Environment:
#   GATEWAY_LISTEN  host:port of the gateway (default 127.0.0.1:8080); with --per-org, Org1MSP's,
#                   and Org2MSP's is the next port
#   GATEWAY_BIN     a chaincode-gateway executable to run instead of building the release one
#                   (no `swift build`; e.g. .build/debug/chaincode-gateway)
#   RUN_DATA_DIR    the folder for the sim and the gateways' data (default ./data)
#   GATEWAY_NO_SIM=1  no fabric-sim: the gateway with its own configuration (arguments, env)
#   SIM_ORGS        the number of organizations of the sim (default 2; not with --per-org)
set -euo pipefail
cd "$(dirname "$0")/.."
per_org=0
if [ "${1:-}" = "--per-org" ]; then per_org=1; shift; fi
scripts/setup.sh
if [ -n "${GATEWAY_BIN:-}" ]; then
  gateway=$GATEWAY_BIN
  [ -x "$gateway" ] || { echo "GATEWAY_BIN: $gateway is not an executable" >&2; exit 1; }
else
  swift build -c release --product chaincode-gateway 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]'
  gateway=.build/release/chaincode-gateway
fi
data=${RUN_DATA_DIR:-data}
listen=${GATEWAY_LISTEN:-127.0.0.1:8080}
mkdir -p "$data"

sim_pid="" gw_pids=()
# Stops everything this script started. Runs from the EXIT trap, also after a gateway exited by
# itself: errexit is off so that a failing kill (of a process already gone) cannot end the
# cleanup before the simulator is stopped.
# shellcheck disable=SC2317  # called by the trap
stop_all() {
  set +e
  for pid in "${gw_pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${gw_pids[@]}"; do wait "$pid" 2>/dev/null; done
  if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null; fi
  gw_pids=() sim_pid=""
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_sim DIR ARGS...: fabric-sim on DIR (log in DIR.log) in the background, until DIR/ready.json.
start_sim() {
  local dir=$1
  shift
  mkdir -p "$dir"
  rm -f "$dir/ready.json"
  .venv/bin/python3 tools/fabric-sim/fabric_sim.py up --dir "$dir" "$@" > "$dir.log" 2>&1 &
  sim_pid=$!
  for _ in $(seq 1 300); do
    [ -f "$dir/ready.json" ] && break
    kill -0 "$sim_pid" 2>/dev/null || { echo "fabric-sim failed to start; see $dir.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -f "$dir/ready.json" ] || { echo "fabric-sim did not become ready; see $dir.log" >&2; exit 1; }
  echo "fabric-sim is up ($dir/ready.json; log in $dir.log)"
}

status=0
if [ "$per_org" = 1 ]; then
  sim=$data/sim-per-org
  start_sim "$sim" --orgs 2 --tls --per-org-configs
  host=${listen%:*} port=${listen##*:}
  for org in 1 2; do
    mkdir -p "$data/org$org"
    # Each gateway's stderr (its log and its bootstrap token) is prefixed with its organization.
    "$gateway" serve --listen "$host:$((port + org - 1))" --config "$sim/gateway-Org${org}MSP.yaml" \
      --data-dir "$data/org$org" --public-dir ./Public --migrations-dir ./migrations "$@" \
      2> >(sed -u "s/^/[Org${org}MSP] /" >&2) &
    gw_pids+=($!)
  done
  echo "Org1MSP's gateway: http://$host:$port   Org2MSP's gateway: http://$host:$((port + 1))"
  # Either gateway stopping stops everything (the EXIT trap); its status is the script's.
  wait -n "${gw_pids[@]}" || status=$?
  exit "$status"
fi

if [ "${GATEWAY_NO_SIM:-}" = "1" ]; then
  config_args=()
else
  start_sim "$data/sim" --orgs "${SIM_ORGS:-2}"
  config_args=(--config "$data/sim/gateway.yaml")
fi
"$gateway" serve --listen "$listen" "${config_args[@]}" \
  --data-dir "$data" --public-dir ./Public --migrations-dir ./migrations "$@" &
gw_pids+=($!)
wait "${gw_pids[0]}" || status=$?
exit "$status"
