#!/usr/bin/env bash
# Installs what is missing, builds the gateway (release) and runs it on its embedded default:
# the simulated two-org Fabric network (tools/fabric-sim, TLS on, under ./data/sim) and the
# gateway configured for it, with its SQLite database and packages under ./data and the
# dashboard on http://127.0.0.1:8080. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product chaincode-gateway 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]'
mkdir -p data

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
