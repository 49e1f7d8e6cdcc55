#!/usr/bin/env bash
# A Docker engine for the compose smoke test (IntegrationTests/test_compose_smoke.py), on a Debian
# machine without systemd (CI runs as root):
#   scripts/docker-engine.sh start   installs docker.io, docker-compose and debootstrap when missing
#                                    (apt), then starts dockerd in the background with its defaults
#                                    (log: /var/log/chaincode-gateway-dockerd.log) unless an engine
#                                    already answers. Exits 1, saying why, when none can run here.
#   scripts/docker-engine.sh stop    stops the dockerd that `start` started, and nothing else.
# Compose: the `docker compose` plugin (v2) when present, else Debian's docker-compose (v1.29),
# which reads docker-compose.sim.yml too (no top-level `name:`).
set -euo pipefail
pidfile=/run/chaincode-gateway-dockerd.pid
log=/var/log/chaincode-gateway-dockerd.log

engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

start() {
  local need=()
  command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
  docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
  command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
  if [ ${#need[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || { echo "installing ${need[*]} needs root"; exit 1; }
    echo "docker-engine: installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null || { echo "apt-get install ${need[*]} failed"; exit 1; }
  fi
  if engine_answers; then echo "docker-engine: using the running engine"; return 0; fi
  [ "$(id -u)" = 0 ] || { echo "no Docker engine answers and starting dockerd needs root"; exit 1; }
  dockerd > "$log" 2>&1 &
  echo $! > "$pidfile"
  for _ in $(seq 1 60); do
    if engine_answers; then echo "docker-engine: started dockerd (pid $(cat "$pidfile"), log $log)"; return 0; fi
    kill -0 "$(cat "$pidfile")" 2>/dev/null || break
    sleep 0.5
  done
  echo "dockerd cannot run here; the end of its log ($log):"
  tail -5 "$log"
  stop
  exit 1
}

stop() {
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(cat "$pidfile")
  rm -f "$pidfile"
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
