#!/usr/bin/env bash
# gRPC client benchmark: unary calls over one connection (1 and 64 in flight) against the
# Python grpcio test server, Swift GRPCClient (Benchmarks/grpc-bench) next to a Python
# grpcio client (tools/grpc-test-server/bench_client.py) making the same calls in the same run.
# Prints calls/s and each client's own CPU time per call (getrusage of the client process).
#
# Env: GATEWAY_TEST_PYTHON (python with grpcio; default <repo>/.venv/bin/python3, else python3),
#      BENCH_CALLS_1 (default 3000), BENCH_CALLS_64 (default 20000), BENCH_PAYLOAD (bytes, 100).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${GATEWAY_TEST_PYTHON:-}"
if [[ -z "$python" ]]; then
    if [[ -x "$repo/.venv/bin/python3" ]]; then python="$repo/.venv/bin/python3"; else python=python3; fi
fi
calls1="${BENCH_CALLS_1:-3000}"
calls64="${BENCH_CALLS_64:-20000}"
payload="${BENCH_PAYLOAD:-100}"

echo "== building Benchmarks/grpc-bench (release)"
swift build -c release --package-path "$repo/Benchmarks/grpc-bench" 2>&1 | tail -1
bench="$(swift build -c release --package-path "$repo/Benchmarks/grpc-bench" --show-bin-path)/GRPCBench"

workdir="$(mktemp -d)"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$workdir"
}
trap cleanup EXIT

"$python" "$repo/tools/grpc-test-server/server.py" serve >"$workdir/server.out" 2>"$workdir/server.err" &
server_pid=$!
for _ in $(seq 1 100); do
    grep -q '^PORT ' "$workdir/server.out" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$workdir/server.err" >&2; exit 1; }
    sleep 0.1
done
port="$(sed -n 's/^PORT \([0-9]*\).*/\1/p' "$workdir/server.out")"
[[ -n "$port" ]] || { echo "test server did not start" >&2; exit 1; }
echo "== grpcio test server on 127.0.0.1:$port; payload $payload bytes; $(nproc) cores"

for inflight in 1 64; do
    if [[ $inflight == 1 ]]; then calls=$calls1; else calls=$calls64; fi
    "$bench" "$port" "$calls" "$inflight" "$payload"
    "$python" "$repo/tools/grpc-test-server/bench_client.py" "$port" "$calls" "$inflight" "$payload"
done
