#!/usr/bin/env bash
# Fabric signatures per second: the key in memory (PrivateKeySigner, OpenSSL) next to the key in a
# SoftHSM2 PKCS#11 token (PKCS11Signer: C_SignInit/C_Sign with CKM_ECDSA, low-S DER), same
# process, rounds interleaved, 1 and 2 threads (Benchmarks/sign-bench). SoftHSM runs in-process,
# so this measures the Cryptoki path's overhead; a network HSM adds its round trip per signature.
#
# Env: BENCH_SIGNATURES (per round, default 5000), SOFTHSM_LIBRARY (default Debian's path).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
count="${BENCH_SIGNATURES:-5000}"
library="${SOFTHSM_LIBRARY:-/usr/lib/softhsm/libsofthsm2.so}"
[[ -f "$library" ]] || { echo "no SoftHSM library at $library (apt install softhsm2)" >&2; exit 1; }

echo "== building Benchmarks/sign-bench (release)"
swift build -c release --package-path "$repo/Benchmarks/sign-bench" 2>&1 | tail -1
bench="$(swift build -c release --package-path "$repo/Benchmarks/sign-bench" --show-bin-path)/SignBench"

workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
mkdir "$workdir/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$workdir/tokens" >"$workdir/softhsm2.conf"
export SOFTHSM2_CONF="$workdir/softhsm2.conf"
export BENCH_HSM_PIN=2468
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$workdir/key.pem" 2>/dev/null
openssl req -x509 -new -key "$workdir/key.pem" -subj "/CN=Admin@org1.example.com" -days 1 -out "$workdir/cert.pem" 2>/dev/null
softhsm2-util --init-token --free --label bench --pin "$BENCH_HSM_PIN" --so-pin 13579 >/dev/null
softhsm2-util --import "$workdir/key.pem" --token bench --label admin --id 01 --pin "$BENCH_HSM_PIN" >/dev/null

echo "== P-256 signatures, $count per round ($(nproc) cores)"
for threads in 1 2; do
    "$bench" "$workdir/cert.pem" "$workdir/key.pem" "$library" bench admin "$count" "$threads"
done
