# shellcheck shell=bash
# Pieces shared by the benchmark scripts (bench-query.sh, bench-tracking.sh). Sourced, never run;
# the caller has `set -euo pipefail` and its own `repo` (the repository root).

# bench_python <repo>: prints the interpreter to use: $GATEWAY_TEST_PYTHON, else <repo>/.venv/bin/python3,
# else python3 on PATH.
bench_python() {
    if [[ -n "${GATEWAY_TEST_PYTHON:-}" ]]; then echo "$GATEWAY_TEST_PYTHON"
    elif [[ -x "$1/.venv/bin/python3" ]]; then echo "$1/.venv/bin/python3"
    else echo python3; fi
}

# bench_gateway <repo>: sets `gateway` to $GATEWAY_BIN, else builds the release binary; exits if missing.
bench_gateway() {
    gateway="${GATEWAY_BIN:-}"
    if [[ -z "$gateway" ]]; then
        echo "== building chaincode-gateway (release)"
        (cd "$1" && swift build -c release --product chaincode-gateway 2>&1 | tail -1)
        gateway="$(cd "$1" && swift build -c release --show-bin-path)/chaincode-gateway"
    fi
    [[ -x "$gateway" ]] || { echo "gateway binary $gateway not found" >&2; exit 1; }
}

# stop_pid <pid>: terminates and reaps a background process (no-op for "").
stop_pid() { if [[ -n "$1" ]]; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi; }

# bench_tmp: sets `tmp` to a fresh directory and empty `sim_pid`/`gw_pid`/`gw2_pid`; on exit
# those processes are stopped and the directory removed (kept with BENCH_KEEP=1).
bench_tmp() {
    tmp="$(mktemp -d)"
    sim_pid="" gw_pid="" gw2_pid=""
    trap bench_cleanup EXIT
}
bench_cleanup() {
    stop_pid "$gw2_pid"; stop_pid "$gw_pid"; stop_pid "$sim_pid"
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}

wait_for() { # wait_for <seconds> <pid> <log> <command…>: polls the command while pid lives
    local limit=$(( $1 * 10 )) pid=$2 log=$3; shift 3
    for _ in $(seq 1 "$limit"); do
        "$@" && return 0
        kill -0 "$pid" 2>/dev/null || { echo "process exited:" >&2; tail -30 "$log" >&2; exit 1; }
        sleep 0.1
    done
    echo "timed out waiting for: $*" >&2; tail -30 "$log" >&2; exit 1
}

ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; } # utime+stime after the comm field
user_ticks() { awk '{ sub(/^.*\) /, ""); print $12 }' "/proc/$1/stat"; } # utime alone
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; } # field <RESULT line> <name>: the value of name=

# bench_settings <repo>: what every Fabric benchmark reads from the environment: `python`,
# `seconds` (BENCH_SECONDS, 10), `http_client` (BENCH_HTTP_CLIENT: wrk when installed, else
# python) and a fresh bootstrap `token`.
# shellcheck disable=SC2034  # the variables are the sourcing script's
bench_settings() {
    python="$(bench_python "$1")"
    seconds="${BENCH_SECONDS:-10}"
    http_client="${BENCH_HTTP_CLIENT:-$(command -v wrk >/dev/null && echo wrk || echo python)}"
    token="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
}
