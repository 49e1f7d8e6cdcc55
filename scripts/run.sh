#!/usr/bin/env bash
# Installs what is missing, builds the gateway (release) and runs it on its embedded default:
# the simulated two-org Fabric network (tools/fabric-sim, TLS on, under ./data/sim) and the
# gateway configured for it, with its SQLite database and packages under ./data and the
# dashboard on http://127.0.0.1:8080. Ctrl-C stops both.
#
# scripts/run.sh --per-org: one gateway per organization (README, "Consortium: one gateway per
# organization"): fabric-sim with mutual TLS (service discovery binds requests to the client's
# TLS certificate) under ./data/sim-per-org, and two gateways, Org1MSP's on 127.0.0.1:8080 and
# Org2MSP's on 127.0.0.1:8081, each configured only with its own organization's identities and
# peer (the sim's gateway-<MSP ID>.yaml; the other org's peer and the orderer come from
# discovery), with data in ./data/org1 and ./data/org2. Each prints its own bootstrap token
# (or both use GATEWAY_ADMIN_TOKEN). Other arguments go to both gateways. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
per_org=0
if [ "${1:-}" = "--per-org" ]; then per_org=1; shift; fi
scripts/setup.sh
swift build -c release --product chaincode-gateway 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]'
mkdir -p data

if [ "$per_org" = 1 ]; then
  sim_pid="" gw_pids=()
  # shellcheck disable=SC2317  # called by the trap
  stop_all() {
    for pid in "${gw_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${gw_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null; fi
    true
  }
  trap stop_all EXIT INT TERM
  sim=data/sim-per-org
  mkdir -p "$sim"
  rm -f "$sim/ready.json"
  .venv/bin/python3 tools/fabric-sim/fabric_sim.py up --orgs 2 --mutual-tls --per-org-configs --dir "$sim" > "$sim.log" 2>&1 &
  sim_pid=$!
  for _ in $(seq 1 300); do
    [ -f "$sim/ready.json" ] && break
    kill -0 "$sim_pid" 2>/dev/null || { echo "fabric-sim failed to start; see $sim.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -f "$sim/ready.json" ] || { echo "fabric-sim did not become ready; see $sim.log" >&2; exit 1; }
  echo "fabric-sim is up ($sim/ready.json; log in $sim.log)"
  for org in 1 2; do
    mkdir -p "data/org$org"
    # Each gateway's stderr (its log and its bootstrap token) is prefixed with its organization.
    .build/release/chaincode-gateway serve --listen "127.0.0.1:$((8079 + org))" --config "$sim/gateway-Org${org}MSP.yaml" \
      --data-dir "./data/org$org" --public-dir ./Public --migrations-dir ./migrations "$@" 2> >(sed -u "s/^/[Org${org}MSP] /" >&2) &
    gw_pids+=($!)
  done
  echo "Org1MSP's gateway: http://127.0.0.1:8080   Org2MSP's gateway: http://127.0.0.1:8081"
  # Either gateway stopping (or Ctrl-C) stops everything.
  wait -n "${gw_pids[@]}" || true
  exit 0
fi

sim_pid=""
cleanup() { [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null; true; }
trap cleanup EXIT INT TERM

if [ "${GATEWAY_NO_SIM:-}" = "1" ]; then
  config_args=()
else
  rm -f data/sim/ready.json
  .venv/bin/python3 tools/fabric-sim/fabric_sim.py up --orgs "${SIM_ORGS:-2}" --dir data/sim > data/sim.log 2>&1 &
  sim_pid=$!
  for _ in $(seq 1 300); do
    [ -f data/sim/ready.json ] && break
    kill -0 "$sim_pid" 2>/dev/null || { echo "fabric-sim failed to start; see data/sim.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -f data/sim/ready.json ] || { echo "fabric-sim did not become ready; see data/sim.log" >&2; exit 1; }
  echo "fabric-sim is up (data/sim/ready.json; log in data/sim.log)"
  config_args=(--config data/sim/gateway.yaml)
fi

.build/release/chaincode-gateway serve --listen "${GATEWAY_LISTEN:-127.0.0.1:8080}" "${config_args[@]}" \
  --data-dir ./data --public-dir ./Public --migrations-dir ./migrations "$@" &
gw_pid=$!
trap 'kill $gw_pid 2>/dev/null; wait $gw_pid 2>/dev/null; cleanup' EXIT INT TERM
wait $gw_pid
