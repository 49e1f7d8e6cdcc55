#!/usr/bin/env bash
# Upload benchmark: POST /api/v1/packages with chaincode packages of ~100 MiB and ~400 MiB.
#
# For each package it measures, in the same run and on the same files:
#   - the gateway's upload throughput (bytes / curl's %{time_total}),
#   - `openssl dgst -sha256` throughput (the hashing the gateway must do),
#   - `dd ... conv=fdatasync` write throughput into the gateway's data dir (the disk),
#   - the gateway's peak RSS during the upload (VmRSS sampled every 50 ms).
# Targets: upload >= 80% of min(sha256, disk); peak RSS of the two uploads within a few MiB
# (the upload streams: memory does not grow with the package size).
#
# Usage: scripts/bench-upload.sh [--baseline-only] [--skip-build] [--sizes 100,400] [--keep]
#   --baseline-only  generate packages and run the sha256/dd baselines, no gateway
#   --skip-build     use the existing release binary
#   --keep           keep the work directory (packages, logs) and print its path
# Env: GATEWAY_BIN=/path/to/chaincode-gateway uses that binary instead of building;
#      MAX_PACKAGE_FLAG= (empty) starts the gateway without the max-package-size flag.
set -euo pipefail

# ---- gateway interface (flags/env that land with the upload endpoint; adjust here) ----------
MAX_PACKAGE_FLAG="${MAX_PACKAGE_FLAG---max-package-bytes}"   # env MAX_PACKAGE_FLAG= omits it
MAX_PACKAGE_BYTES=$((1024 * 1024 * 1024))
TOKEN_ENV="GATEWAY_ADMIN_TOKEN"
TOKEN="bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
UPLOAD_PATH="/api/v1/packages"
GATEWAY_THREADS=2
GATEWAY_EXTRA_ARGS=()
# ---- benchmark parameters --------------------------------------------------------------------
SIZES_MIB=(100 400)
GZIP_LEVEL=0           # random payload does not compress; 0 keeps generation fast
RSS_SAMPLE_SECONDS=0.05
TARGET_RATIO=0.8       # upload >= 80% of min(sha256, disk)
TARGET_RSS_DIFF_MIB=5  # peak RSS of the largest vs smallest upload
START_TIMEOUT=30
UPLOAD_TIMEOUT="${UPLOAD_TIMEOUT:-300}"     # seconds before one upload counts as stalled

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MAKE_PACKAGE="$ROOT/Benchmarks/make_bench_package.py"
BASELINE_ONLY=0
SKIP_BUILD=0
KEEP=0

die() { echo "bench-upload: error: $*" >&2; exit 1; }
log() { echo "bench-upload: $*" >&2; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --baseline-only) BASELINE_ONLY=1; shift ;;
        --skip-build) SKIP_BUILD=1; shift ;;
        --keep) KEEP=1; shift ;;
        --sizes) IFS=',' read -r -a SIZES_MIB <<< "${2:?--sizes needs a list}"; shift 2 ;;
        --sizes=*) IFS=',' read -r -a SIZES_MIB <<< "${1#*=}"; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
done
for s in "${SIZES_MIB[@]}"; do [[ "$s" =~ ^[0-9]+$ && "$s" -gt 0 ]] || die "bad size '$s'"; done
for t in python3 curl openssl dd; do command -v "$t" >/dev/null || die "$t is required"; done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/bench-upload.XXXXXX")"
DATA="$WORK/data"
mkdir -p "$DATA"
GATEWAY_PID=""
SAMPLER_PID=""
cleanup() {
    [[ -n "$SAMPLER_PID" ]] && { kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; }
    if [[ -n "$GATEWAY_PID" ]]; then
        kill -TERM "$GATEWAY_PID" 2>/dev/null || true
        wait "$GATEWAY_PID" 2>/dev/null || true
    fi
    if [[ $KEEP == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now() { date +%s.%N; }
# mbps BYTES START END -> MB/s (10^6 bytes per second)
mbps() { awk -v b="$1" -v s="$2" -v e="$3" 'BEGIN { printf "%.1f", b / 1e6 / (e - s) }'; }

# ---------------------------------------------------------------------------------- gateway

build_gateway() {
    if [[ -n "${GATEWAY_BIN:-}" ]]; then
        [[ -x "$GATEWAY_BIN" ]] || die "GATEWAY_BIN=$GATEWAY_BIN is not executable"
        return 0
    fi
    if [[ $SKIP_BUILD == 0 ]]; then
        log "building chaincode-gateway (release)"
        (cd "$ROOT" && swift build -c release --product chaincode-gateway >"$WORK/build.log" 2>&1) \
            || { tail -30 "$WORK/build.log" >&2; die "gateway build failed"; }
    fi
    GATEWAY_BIN="$(cd "$ROOT" && swift build -c release --show-bin-path)/chaincode-gateway"
    [[ -x "$GATEWAY_BIN" ]] || die "gateway binary not found at $GATEWAY_BIN"
}

start_gateway() {
    PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    mkdir -p "$WORK/public"
    local args=(--listen "127.0.0.1:$PORT" --public-dir "$WORK/public" --data-dir "$DATA"
        --threads "$GATEWAY_THREADS")
    [[ -z "$MAX_PACKAGE_FLAG" ]] || args+=("$MAX_PACKAGE_FLAG" "$MAX_PACKAGE_BYTES")
    log "starting gateway on 127.0.0.1:$PORT"
    # The migrations are compiled into the binary; the working directory does not matter.
    (cd "$ROOT" && exec env "$TOKEN_ENV=$TOKEN" "$GATEWAY_BIN" serve "${args[@]}" \
        "${GATEWAY_EXTRA_ARGS[@]}" >"$WORK/gateway.log" 2>&1) &
    GATEWAY_PID=$!
    local deadline=$((SECONDS + START_TIMEOUT))
    while (( SECONDS < deadline )); do
        if ! kill -0 "$GATEWAY_PID" 2>/dev/null; then
            tail -20 "$WORK/gateway.log" >&2
            GATEWAY_PID=""
            die "gateway exited during start-up (log above)"
        fi
        curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/healthz" 2>/dev/null && return 0
        sleep 0.1
    done
    tail -20 "$WORK/gateway.log" >&2
    die "gateway did not answer GET /healthz within ${START_TIMEOUT}s"
}

# Largest VmRSS (KiB) of $1 until $2.stop exists; written to $2 after every new maximum.
sample_rss() {
    local pid="$1" out="$2" max=0 key value=0 _
    while [[ ! -e "$out.stop" ]] && kill -0 "$pid" 2>/dev/null; do
        while read -r key value _; do
            [[ "$key" == VmRSS: ]] && break
        done < "/proc/$pid/status"
        if (( value > max )); then max=$value; echo "$max" > "$out"; fi
        sleep "$RSS_SAMPLE_SECONDS"
    done
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# upload FILE -> sets UP_MBPS, UP_PEAK_KIB, UP_BASE_KIB, UP_BODY
upload() {
    local file="$1" rssf="$WORK/rss" out code total size
    rm -f "$rssf" "$rssf.stop"
    UP_BASE_KIB="$(rss_kib "$GATEWAY_PID")"
    sample_rss "$GATEWAY_PID" "$rssf" &
    SAMPLER_PID=$!
    # -T streams the file (no 400 MiB buffer in curl); `Expect:` stops curl waiting up to 1 s
    # for a `100 Continue` before sending a large body.
    local rc=0
    out="$(curl -sS --max-time "$UPLOAD_TIMEOUT" -X POST -T "$file" -o "$WORK/response" \
        -H 'Expect:' -H 'Content-Type: application/gzip' -H "Authorization: Bearer $TOKEN" \
        -w '%{http_code} %{time_total} %{size_upload}' \
        "http://127.0.0.1:$PORT$UPLOAD_PATH")" || rc=$?
    [[ -n "$out" ]] || out="000 0 0"
    touch "$rssf.stop"
    wait "$SAMPLER_PID" 2>/dev/null || true
    SAMPLER_PID=""
    read -r code total size <<< "$out"
    UP_BODY="$(head -c 400 "$WORK/response" 2>/dev/null || true)"
    case "$code" in
        2??) ;;
        404) die "POST $UPLOAD_PATH returned 404: the gateway has no upload endpoint yet" ;;
        401|403) die "POST $UPLOAD_PATH returned $code: check TOKEN_ENV ($TOKEN_ENV) at the top of this script" ;;
        413) die "POST $UPLOAD_PATH returned 413: raise MAX_PACKAGE_BYTES / check MAX_PACKAGE_FLAG ($MAX_PACKAGE_FLAG)" ;;
        000)
            tail -20 "$WORK/gateway.log" >&2
            [[ $rc == 28 ]] && die "upload of $(basename "$file") timed out after ${UPLOAD_TIMEOUT}s (sent $size bytes; the gateway stopped reading?)"
            die "upload of $(basename "$file") failed (curl exit $rc)" ;;
        *) die "POST $UPLOAD_PATH returned $code: $UP_BODY" ;;
    esac
    [[ "$size" -eq "$(stat -c %s "$file")" ]] || die "curl uploaded $size of $(stat -c %s "$file") bytes"
    UP_MBPS="$(awk -v b="$size" -v t="$total" 'BEGIN { printf "%.1f", b / 1e6 / t }')"
    UP_PEAK_KIB="$(cat "$rssf" 2>/dev/null || echo "$UP_BASE_KIB")"
}

# ---------------------------------------------------------------------------------- baselines

# sha256_mbps FILE -> "MB/s hex-digest"
sha256_mbps() {
    local start end digest
    cat "$1" > /dev/null   # same page-cache state as the upload, which reads the file right after
    start="$(now)"
    digest="$(openssl dgst -sha256 -r "$1")"
    end="$(now)"
    echo "$(mbps "$(stat -c %s "$1")" "$start" "$end") ${digest%% *}"
}

# disk_mbps MIB -> MB/s writing MIB MiB into the data dir with fdatasync
disk_mbps() {
    local start end
    start="$(now)"
    dd if=/dev/zero of="$DATA/ddtest" bs=1M count="$1" conv=fdatasync status=none
    end="$(now)"
    rm -f "$DATA/ddtest"
    mbps $(( $1 * 1024 * 1024 )) "$start" "$end"
}

# ---------------------------------------------------------------------------------- main

[[ $BASELINE_ONLY == 1 ]] || build_gateway
START_LOAD="$(cut -d' ' -f1 /proc/loadavg)"

declare -A PKG
for mib in "${SIZES_MIB[@]}"; do
    PKG[$mib]="$WORK/package-${mib}mib.tar.gz"
    log "generating ~${mib} MiB chaincode package"
    python3 "$MAKE_PACKAGE" "${PKG[$mib]}" "$mib" --level "$GZIP_LEVEL" \
        || die "package generation failed"
done

[[ $BASELINE_ONLY == 1 ]] || start_gateway

# One small upload first: what the first upload allocates once (the inspector thread's malloc
# arena, SQLite's page cache, code paged in) is then part of every 'RSS base', and the peak
# columns compare what the upload itself holds.
if [[ $BASELINE_ONLY != 1 ]]; then
    log "warm-up: one 4 MiB upload"
    python3 "$MAKE_PACKAGE" "$WORK/package-warmup.tar.gz" 4 --level "$GZIP_LEVEL" || die "package generation failed"
    upload "$WORK/package-warmup.tar.gz"
fi

ROWS=()
for mib in "${SIZES_MIB[@]}"; do
    file="${PKG[$mib]}"
    bytes="$(stat -c %s "$file")"
    log "~${mib} MiB: sha256 and disk baselines"
    read -r sha sha_hex <<< "$(sha256_mbps "$file")"
    disk="$(disk_mbps $(( (bytes + 1048575) / 1048576 )))"
    if [[ $BASELINE_ONLY == 1 ]]; then
        ROWS+=("$mib $bytes - $sha $disk - - -")
        continue
    fi
    log "~${mib} MiB: uploading"
    upload "$file"
    id_check="no"
    [[ "$UP_BODY" == *"$sha_hex"* ]] && id_check="yes"
    ROWS+=("$mib $bytes $UP_MBPS $sha $disk $((UP_BASE_KIB / 1024)) $((UP_PEAK_KIB / 1024)) $id_check")
done

echo
echo "Upload benchmark (MB = 10^6 bytes; RSS in MiB; data dir on $(df --output=source "$DATA" | tail -1); load average $(cut -d' ' -f1-3 /proc/loadavg))"
if awk -v l="$START_LOAD" -v n="$(nproc)" 'BEGIN { exit !(l > n) }'; then
    echo "warning: load average was $START_LOAD on $(nproc) CPUs at the start: throughputs are unreliable."
fi
printf '%-8s %12s %11s %11s %11s %9s %8s %9s %7s %s\n' \
    package bytes "upload MB/s" "sha256 MB/s" "disk MB/s" "ratio" target "RSS base" "RSS pk" "id in reply"
printf '%s\n' "----------------------------------------------------------------------------------------------------------"
for row in "${ROWS[@]}"; do
    read -r mib bytes up sha disk base peak idc <<< "$row"
    awk -v m="$mib" -v b="$bytes" -v u="$up" -v s="$sha" -v d="$disk" -v base="$base" \
        -v pk="$peak" -v idc="$idc" -v t="$TARGET_RATIO" 'BEGIN {
            floor = (s < d) ? s : d
            if (u == "-") { ratio = "-"; verdict = "-" }
            else { ratio = sprintf("%.2f", u / floor); verdict = (u >= t * floor) ? "PASS" : "FAIL" }
            printf "%-8s %12d %11s %11.1f %11.1f %9s %8s %9s %7s %s\n",
                m " MiB", b, u, s, d, ratio, verdict, base, pk, idc
        }'
done

if [[ $BASELINE_ONLY == 0 && ${#ROWS[@]} -ge 2 ]]; then
    read -r _ _ _ _ _ _ first_peak _ <<< "${ROWS[0]}"
    read -r _ _ _ _ _ _ last_peak _ <<< "${ROWS[${#ROWS[@]} - 1]}"
    diff=$((last_peak - first_peak))
    verdict="PASS"; (( ${diff#-} <= TARGET_RSS_DIFF_MIB )) || verdict="FAIL"
    echo
    echo "Peak RSS difference (largest - smallest upload): ${diff} MiB (target within ${TARGET_RSS_DIFF_MIB} MiB): $verdict"
fi
echo
echo "Targets: upload throughput >= $(awk -v t="$TARGET_RATIO" 'BEGIN{print t*100}')% of min(sha256, disk); peak RSS of the two uploads within ${TARGET_RSS_DIFF_MIB} MiB."
echo "'ratio' = upload / min(sha256, disk); 'id in reply' = the package's SHA-256 appears in the response."
