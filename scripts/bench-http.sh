#!/usr/bin/env bash
# HTTP benchmark: the gateway against two references (Hummingbird 2 and nginx) on the same
# two routes, GET /healthz and GET /file20k.bin (a 20 KB static file).
#
# For each server x route x concurrency it runs wrk (64 connections / 2 threads, then
# 1 connection / 1 thread) and reports requests/s, p50, p99 and the server's own CPU time per
# request: (utime+stime of the server process tree from /proc, after minus before) / requests.
# Then it prints the gateway's CPU/request ratios against the references and the targets.
#
# Usage: scripts/bench-http.sh [--duration SECONDS] [--only gateway|hummingbird|nginx[,...]]
#                              [--skip-build] [--access-log] [--access-log-cost [ROUNDS]]
#   --access-log  keep the gateway's per-request access log on (default: --no-access-log,
#                 like the references)
#   --access-log-cost  only the gateway, on /healthz, without and with its access log (written
#                 to a file), alternating ROUNDS times (default 3) in the same run; prints the
#                 median CPU the log adds per request (target <= 1.5 us, issue 20 item 14)
# Env: GATEWAY_BIN=/path/to/chaincode-gateway uses that binary instead of building.
# Needs: swift, wrk, nginx (Debian nginx-light), curl, python3. Installs wrk/nginx-light with
# apt-get when missing and running as root.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HB_PACKAGE="$ROOT/Benchmarks/hummingbird-ref"
NGINX_TEMPLATE="$ROOT/Benchmarks/nginx.conf"
WRK_SCRIPT="$ROOT/Benchmarks/wrk-report.lua"

DURATION=10            # seconds per wrk run
WARMUP=1               # seconds of warm-up per server and route (not measured)
GATEWAY_THREADS=2
# The references log nothing per request (nginx: access_log off), so neither does the gateway
# unless --access-log is given.
GATEWAY_EXTRA_ARGS=(--no-access-log)
FILE_BYTES=20480
# "connections:threads" pairs wrk runs at.
LOADS=("64:2" "1:1")
ROUTES=("/healthz" "/file20k.bin")
SERVERS=(gateway hummingbird nginx)
SKIP_BUILD=0
LOG_COST_ROUNDS=0      # > 0: --access-log-cost mode
TARGET_LOG_COST_US=1.5
START_TIMEOUT=30       # seconds a server gets to accept connections
# Targets (gateway): CPU/request ratios and p99 at 64 connections.
TARGET_HEALTHZ_VS_HB=0.5
TARGET_FILE_VS_NGINX=1.5
TARGET_P99_MS=5

die() { echo "bench-http: error: $*" >&2; exit 1; }
log() { echo "bench-http: $*" >&2; }

usage() {
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration) DURATION="${2:?--duration needs seconds}"; shift 2 ;;
        --duration=*) DURATION="${1#*=}"; shift ;;
        --only) IFS=',' read -r -a SERVERS <<< "${2:?--only needs a server name}"; shift 2 ;;
        --only=*) IFS=',' read -r -a SERVERS <<< "${1#*=}"; shift ;;
        --skip-build) SKIP_BUILD=1; shift ;;
        --access-log) GATEWAY_EXTRA_ARGS=(); shift ;;
        --access-log-cost)
            LOG_COST_ROUNDS=3; shift
            if [[ $# -gt 0 && "$1" =~ ^[0-9]+$ ]]; then LOG_COST_ROUNDS="$1"; shift; fi ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
done
[[ "$DURATION" =~ ^[0-9]+$ && "$DURATION" -gt 0 ]] || die "--duration must be a positive integer"
for s in "${SERVERS[@]}"; do
    case "$s" in gateway|hummingbird|nginx) ;; *) die "unknown server '$s' for --only" ;; esac
done
if [[ $LOG_COST_ROUNDS -gt 0 ]]; then
    SERVERS=(gateway)
    ROUTES=("/healthz")
fi
has_server() { local s; for s in "${SERVERS[@]}"; do [[ "$s" == "$1" ]] && return 0; done; return 1; }

# ---------------------------------------------------------------------------------- tools

ensure_tools() {
    local missing=()
    command -v wrk >/dev/null || missing+=(wrk)
    if has_server nginx && ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; then
        missing+=(nginx-light)
    fi
    if [[ ${#missing[@]} -gt 0 ]]; then
        [[ "$(id -u)" == 0 ]] || die "missing ${missing[*]}: install with apt-get install -y ${missing[*]}"
        log "installing ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null \
            || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null; } \
            || die "apt-get install ${missing[*]} failed"
    fi
    for t in curl python3; do command -v "$t" >/dev/null || die "$t is required"; done
    CLK_TCK="$(getconf CLK_TCK)"
}

NGINX_BIN="$(command -v nginx || echo /usr/sbin/nginx)"

# ---------------------------------------------------------------------------------- state

# The gateway requires a bootstrap admin token of at least 32 characters.
ADMIN_TOKEN="bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/bench-http.XXXXXX")"
SERVER_PID=""
cleanup() {
    stop_server
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PUBLIC="$WORK/public"
mkdir -p "$PUBLIC"
chmod 755 "$WORK" "$PUBLIC"
head -c "$FILE_BYTES" /dev/urandom > "$PUBLIC/file20k.bin"
chmod 644 "$PUBLIC/file20k.bin"

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# ---------------------------------------------------------------------------------- builds

build_all() {
    if has_server gateway && [[ -n "${GATEWAY_BIN:-}" ]]; then
        [[ -x "$GATEWAY_BIN" ]] || die "GATEWAY_BIN=$GATEWAY_BIN is not executable"
    elif has_server gateway; then
        if [[ $SKIP_BUILD == 0 ]]; then
            log "building chaincode-gateway (release)"
            (cd "$ROOT" && swift build -c release --product chaincode-gateway >"$WORK/build-gateway.log" 2>&1) \
                || { tail -30 "$WORK/build-gateway.log" >&2; die "gateway build failed"; }
        fi
        GATEWAY_BIN="$(cd "$ROOT" && swift build -c release --show-bin-path)/chaincode-gateway"
        [[ -x "$GATEWAY_BIN" ]] || die "gateway binary not found at $GATEWAY_BIN (build it or drop --skip-build)"
    fi
    if has_server hummingbird; then
        if [[ $SKIP_BUILD == 0 ]]; then
            log "building hummingbird-ref (release)"
            swift build -c release --package-path "$HB_PACKAGE" --product hummingbird-ref \
                >"$WORK/build-hummingbird.log" 2>&1 \
                || { tail -30 "$WORK/build-hummingbird.log" >&2; die "hummingbird-ref build failed"; }
        fi
        HB_BIN="$(swift build -c release --package-path "$HB_PACKAGE" --show-bin-path)/hummingbird-ref"
        [[ -x "$HB_BIN" ]] || die "hummingbird-ref binary not found at $HB_BIN"
    fi
}

# ---------------------------------------------------------------------------------- servers

# start_server NAME PORT: starts the server in the background, sets SERVER_PID, waits for it.
start_server() {
    local name="$1" port="$2" logf="$WORK/$1.log"
    case "$name" in
        gateway|gateway+log)
            mkdir -p "$WORK/gateway-data"
            local extra=("${GATEWAY_EXTRA_ARGS[@]}")
            [[ $name == gateway+log ]] && extra=()
            # The migrations are compiled into the binary; the working directory does not matter.
            (cd "$ROOT" && GATEWAY_ADMIN_TOKEN="$ADMIN_TOKEN" exec "$GATEWAY_BIN" serve \
                --listen "127.0.0.1:$port" --public-dir "$PUBLIC" --data-dir "$WORK/gateway-data" \
                --threads "$GATEWAY_THREADS" "${extra[@]}" >"$logf" 2>&1) &
            ;;
        hummingbird)
            "$HB_BIN" "$port" "$PUBLIC" 127.0.0.1 >"$logf" 2>&1 &
            ;;
        nginx)
            local prefix="$WORK/nginx"
            mkdir -p "$prefix/tmp"
            ln -sfn "$PUBLIC" "$prefix/public"
            sed -e "s/@PORT@/$port/" -e "s/@USER@/$(id -un)/" -e "s/@GROUP@/$(id -gn)/" \
                "$NGINX_TEMPLATE" > "$prefix/nginx.conf"
            "$NGINX_BIN" -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log" >"$logf" 2>&1 &
            ;;
    esac
    SERVER_PID=$!
    wait_for_port "$name" "$port" "$logf"
}

wait_for_port() {
    local name="$1" port="$2" logf="$3" deadline=$((SECONDS + START_TIMEOUT))
    while (( SECONDS < deadline )); do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            tail -20 "$logf" >&2 || true
            [[ -f "$WORK/nginx/error.log" && $name == nginx ]] && tail -20 "$WORK/nginx/error.log" >&2
            SERVER_PID=""
            die "$name exited during start-up (log above)"
        fi
        if curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    tail -20 "$logf" >&2 || true
    die "$name did not answer GET /healthz on 127.0.0.1:$port within ${START_TIMEOUT}s"
}

stop_server() {
    [[ -n "$SERVER_PID" ]] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

# ---------------------------------------------------------------------------------- CPU time

# Process tree rooted at $1 (the pid and all live descendants, e.g. nginx workers).
tree_pids() {
    local pid="$1" child
    echo "$pid"
    for child in $(pgrep -P "$pid" 2>/dev/null || true); do tree_pids "$child"; done
}

# utime+stime+cutime+cstime in clock ticks, summed over the process tree of $1.
cpu_ticks() {
    local total=0 pid stat rest
    local -a f
    for pid in $(tree_pids "$1"); do
        stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
        rest="${stat##*) }"          # fields from 3 (state) on; comm may hold spaces
        read -r -a f <<< "$rest"
        total=$((total + f[11] + f[12] + f[13] + f[14]))
    done
    echo "$total"
}

# ---------------------------------------------------------------------------------- runs

RESULTS=()   # "server route conns rps p50_us p99_us cpu_us_per_req errors"

# run_wrk URL CONNS THREADS SECONDS -> prints the WRK line
run_wrk() {
    local out
    out="$(wrk -t"$3" -c"$2" -d"$4"s --latency -s "$WRK_SCRIPT" "$1" 2>&1)" \
        || { echo "$out" >&2; die "wrk failed against $1"; }
    grep '^WRK ' <<< "$out" || { echo "$out" >&2; die "wrk printed no report for $1"; }
}

field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<< " $2"; }

bench_server() {
    local name="$1" port route load conns threads url before after line
    port="$(free_port)"
    log "starting $name on 127.0.0.1:$port"
    start_server "$name" "$port"
    for route in "${ROUTES[@]}"; do
        url="http://127.0.0.1:$port$route"
        curl -fsS -o /dev/null "$url" || die "$name: GET $route failed"
        run_wrk "$url" 16 2 "$WARMUP" >/dev/null
        for load in "${LOADS[@]}"; do
            conns="${load%%:*}"; threads="${load##*:}"
            log "$name $route: ${conns} connection(s), ${DURATION}s"
            before="$(cpu_ticks "$SERVER_PID")"
            line="$(run_wrk "$url" "$conns" "$threads" "$DURATION")"
            after="$(cpu_ticks "$SERVER_PID")"
            record "$name" "$route" "$conns" "$line" $((after - before))
        done
    done
    stop_server
}

record() {
    local name="$1" route="$2" conns="$3" line="$4" ticks="$5" req dur err serr
    req="$(field requests "$line")"; dur="$(field duration_us "$line")"
    err="$(field errors "$line")"; serr="$(field status_errors "$line")"
    [[ "$req" -gt 0 ]] || die "$name $route: wrk completed no requests"
    RESULTS+=("$name $route $conns $(awk -v r="$req" -v d="$dur" -v t="$ticks" -v hz="$CLK_TCK" \
        -v p50="$(field p50_us "$line")" -v p99="$(field p99_us "$line")" -v e=$((err + serr)) \
        'BEGIN { printf "%.1f %d %d %.2f %d", r / (d / 1e6), p50, p99, t * 1e6 / hz / r, e }')")
}

# ---------------------------------------------------------------------------------- report

lookup() {  # lookup SERVER ROUTE CONNS -> the result line's fields, or nothing
    local r
    for r in "${RESULTS[@]}"; do
        [[ "$r" == "$1 $2 $3 "* ]] && { echo "$r"; return; }
    done
}

print_table() {
    echo
    echo "HTTP benchmark: ${DURATION}s per run, wrk 64 conns/2 threads and 1 conn/1 thread, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    if awk -v l="$START_LOAD" -v n="$(nproc)" 'BEGIN { exit !(l > n) }'; then
        echo "warning: load average was $START_LOAD on $(nproc) CPUs at the start: other work shares"
        echo "         the CPUs, so req/s and latency are unreliable (CPU/request much less so)."
    fi
    printf '%-12s %-13s %5s %11s %9s %9s %13s %7s\n' \
        server route conns "req/s" "p50 ms" "p99 ms" "CPU us/req" errors
    printf '%s\n' "-----------------------------------------------------------------------------------"
    local r
    for r in "${RESULTS[@]}"; do
        read -r s route c rps p50 p99 cpu err <<< "$r"
        printf '%-12s %-13s %5s %11.0f %9.3f %9.3f %13.2f %7s\n' \
            "$s" "$route" "$c" "$rps" "$(awk -v v="$p50" 'BEGIN{print v/1000}')" \
            "$(awk -v v="$p99" 'BEGIN{print v/1000}')" "$cpu" "$err"
    done
}

# ratio_line LABEL ROUTE CONNS REF TARGET
ratio_line() {
    local g ref
    g="$(lookup gateway "$2" "$3")"; ref="$(lookup "$4" "$2" "$3")"
    [[ -n "$g" && -n "$ref" ]] || return 0
    awk -v g="$(cut -d' ' -f7 <<< "$g")" -v r="$(cut -d' ' -f7 <<< "$ref")" -v t="$5" \
        -v label="$1" -v c="$3" 'BEGIN {
            ratio = (r > 0) ? g / r : 0
            verdict = (t == "") ? "" : (ratio <= t ? "PASS" : "FAIL")
            target = (t == "") ? "" : sprintf("target <= %.1fx", t)
            line = sprintf("  %-32s %3s conns  %6.2fx  %-16s %s", label, c, ratio, target, verdict)
            sub(/ +$/, "", line)
            print line
        }'
}

print_ratios() {
    if has_server gateway && { has_server hummingbird || has_server nginx; }; then
        echo
        echo "Gateway CPU/request relative to the references (lower is better):"
        local route c
        for c in 64 1; do
            ratio_line "/healthz vs Hummingbird" /healthz "$c" hummingbird "$TARGET_HEALTHZ_VS_HB"
            ratio_line "/healthz vs nginx" /healthz "$c" nginx ""
            ratio_line "/file20k.bin vs Hummingbird" /file20k.bin "$c" hummingbird ""
            ratio_line "/file20k.bin vs nginx" /file20k.bin "$c" nginx "$TARGET_FILE_VS_NGINX"
        done
    fi
    echo
    echo "p99 at 64 connections (target < ${TARGET_P99_MS} ms for the gateway):"
    local r
    for r in "${RESULTS[@]}"; do
        read -r s route c _ _ p99 _ _ <<< "$r"
        [[ "$c" == 64 ]] || continue
        awk -v s="$s" -v route="$route" -v p="$p99" -v t="$TARGET_P99_MS" 'BEGIN {
            verdict = (s != "gateway") ? "(reference)" : (p / 1000 < t ? "PASS" : "FAIL")
            printf "  %-12s %-13s %8.3f ms  %s\n", s, route, p / 1000, verdict
        }'
    done
    echo
    echo "Targets: /healthz CPU/req <= ${TARGET_HEALTHZ_VS_HB}x Hummingbird; 20 KB file CPU/req <= ${TARGET_FILE_VS_NGINX}x nginx; p99 < ${TARGET_P99_MS} ms at 64 connections."
}

# ---------------------------------------------------------------------------------- main

# --access-log-cost: the median CPU/request of each mode over the rounds (a round starved by
# other work on a shared machine moves a mean, not a median), and the difference.
print_log_cost() {
    echo
    echo "Access-log cost (/healthz, median of $LOG_COST_ROUNDS alternating rounds per mode; target <= ${TARGET_LOG_COST_US} us/request):"
    local c
    for c in 64 1; do
        printf '%s\n' "${RESULTS[@]}" | awk -v c="$c" -v t="$TARGET_LOG_COST_US" '
            function median(a, n,    i, j, v) {
                for (i = 2; i <= n; i++) { v = a[i]; for (j = i - 1; j >= 1 && a[j] > v; j--) a[j + 1] = a[j]; a[j + 1] = v }
                return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
            }
            $3 == c && $1 == "gateway" { off[++n_off] = $7 }
            $3 == c && $1 == "gateway+log" { on[++n_on] = $7 }
            END {
                if (n_off == 0 || n_on == 0) exit
                m_off = median(off, n_off); m_on = median(on, n_on); d = m_on - m_off
                printf "  %3s conns: without %.2f us, with %.2f us, the log adds %.2f us/request  %s\n",
                    c, m_off, m_on, d, (d <= t ? "PASS" : "FAIL")
            }'
    done
}

ensure_tools
build_all
START_LOAD="$(cut -d' ' -f1 /proc/loadavg)"
if [[ $LOG_COST_ROUNDS -gt 0 ]]; then
    for _ in $(seq "$LOG_COST_ROUNDS"); do bench_server gateway; bench_server gateway+log; done
    print_table
    print_log_cost
    exit 0
fi
for s in "${SERVERS[@]}"; do bench_server "$s"; done
print_table
print_ratios
