#!/usr/bin/env bash
# Builds and runs the libFuzzer targets of Fuzz/Targets (Fuzz/README.md).
#
#   scripts/fuzz.sh [seconds] [target...]    run each target for `seconds` (default 60)
#   scripts/fuzz.sh --build [target...]      build only
#   scripts/fuzz.sh --seeds [target...]      rewrite the generated seeds in Fuzz/corpus/<target>/
#
# Each target is compiled with `swiftc -sanitize=fuzzer,address` from the product modules it
# exercises (their real sources, one module at a time, into .build-fuzz/) plus its entry point
# Fuzz/Targets/<target>.swift. It runs with Fuzz/corpus/<target>/ as the seed corpus (read
# only: what libFuzzer learns goes to .build-fuzz/corpus/<target>/) and fails the script on any
# crash, failed invariant, leak, timeout or out-of-memory; the input is kept as
# .build-fuzz/artifacts/<target>/crash-* (or leak-*, timeout-*, oom-*). To reproduce:
#   .build-fuzz/bin/<target> .build-fuzz/artifacts/<target>/crash-...
# A fixed crash's input goes into Fuzz/corpus/<target>/ as a regression seed.
# Source lists are split on purpose (repository paths have no spaces); -sanitize=a,b is one flag.
# shellcheck disable=SC2046,SC2054
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/.build-fuzz
all_targets=(http multipart package json block)

mode=run; seconds=60
case "${1:-}" in
  --build) mode=build; shift ;;
  --seeds) mode=seeds; shift ;;
  ''|*[!0-9]*) ;;
  *) seconds=$1; shift ;;
esac
targets=("$@"); [ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

# Product modules keep the product's settings (Package.swift): Swift 6, ExistentialAny.
swift6=(-swift-version 6 -enable-upcoming-feature ExistentialAny)
fuzzflags=(-sanitize=fuzzer,address -O -g -parse-as-library)

# A failed invariant is a fatalError: let it trap for libFuzzer (the Swift backtracer, which
# reads memory ASan guards, would report a crash of its own instead).
export SWIFT_BACKTRACE=enable=no

mkdir -p "$out/lib" "$out/bin"

# build_module NAME "DEPENDENCIES" "SWIFTC FLAGS" FILES... : a static library + module, rebuilt
# when its sources, its flags or a module it imports changed (stamp = digest of all of them).
build_module() {
  local name=$1 deps=$2 flags=$3; shift 3
  local stamp="$out/lib/$name.stamp" sum d
  sum=$( { echo "$flags"; cat "$@"; for d in $deps; do cat "$out/lib/$d.stamp"; done; } | sha256sum | cut -c1-64)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$name $sum" ] && [ -f "$out/lib/lib$name.a" ]; then return; fi
  echo "fuzz: compiling module $name ($# files)"
  # shellcheck disable=SC2086  # flags is a word list
  swiftc -emit-library -static -module-name "$name" -emit-module -emit-module-path "$out/lib/$name.swiftmodule" \
    -I "$out/lib" $flags "$@" -o "$out/lib/lib$name.a"
  echo "$name $sum" > "$stamp"
}

protobuf_sources() {
  local dir=.build/checkouts/swift-protobuf/Sources/SwiftProtobuf
  if [ ! -d "$dir" ]; then swift package resolve >/dev/null; fi
  find "$dir" -name '*.swift' | sort
}

product_sources() { find "Sources/$1" -name '*.swift' | sort; }

# Modules each target links (lowest first) and the extra linker flags.
build_target_modules() {
  # The C shims' module maps: importers of Archive and TLSCrypto need them too.
  local F="${fuzzflags[*]} ${swift6[*]} -I Sources/CZlib -I Sources/COpenSSL"
  case $1 in
    http|multipart) build_module HTTP1 "" "$F" $(product_sources HTTP1) ;;
    json) build_module JSON "" "$F" $(product_sources JSON) ;;
    package)
      build_module Archive "" "$F" $(product_sources Archive)
      build_module TLSCrypto "" "$F" $(product_sources TLSCrypto)
      # Everything but what needs the package store (Store/SQLite; not on the inspection path).
      build_module ChaincodePackages "Archive TLSCrypto" "$F" $(product_sources ChaincodePackages | grep -vE '/(PackageStore|StoredPackage|ChaincodeServerManifests)')
      ;;
    block)
      # SwiftProtobuf is a SwiftPM dependency: its sources come from .build/checkouts (the
      # version Package.resolved pins), compiled as one more module (Swift 5 mode: a dependency's
      # concurrency diagnostics are not ours to fix), with ASan but without coverage feedback.
      build_module SwiftProtobuf "" "-sanitize=address -O -parse-as-library -swift-version 5 -package-name swift_protobuf" $(protobuf_sources)
      build_module FabricProtos "SwiftProtobuf" "$F" $(product_sources FabricProtos)
      # The block path of Fabric: ledger decoding and the definition/policy types it returns.
      build_module Fabric "FabricProtos SwiftProtobuf" "$F" Sources/Fabric/Ledger/{Common_Block+Fabric,LifecycleTransactionDecoder,LifecycleRecord,TxValidationCode}.swift \
        Sources/Fabric/Lifecycle/{ChaincodeDefinition,ChaincodeDefinition+Validation,ChaincodeDefinitionArguments}.swift $(product_sources Fabric/Policy) Sources/Fabric/Proposal/Message+Encoding.swift
      ;;
    *) echo "fuzz: unknown target '$1' (targets: ${all_targets[*]})" >&2; exit 2 ;;
  esac
}

target_libs() {
  case $1 in
    http|multipart) echo "-lHTTP1" ;;
    json) echo "-lJSON" ;;
    package) echo "-lChaincodePackages -lTLSCrypto -lArchive -lz -lssl -lcrypto" ;;
    block) echo "-lFabric -lFabricProtos -lSwiftProtobuf" ;;
  esac
}

build_target() {
  local t=$1
  build_target_modules "$t"
  local bin="$out/bin/$t" src="Fuzz/Targets/$t.swift" lib stale=0
  [ -x "$bin" ] && [ "$bin" -nt "$src" ] && [ "$bin" -nt Fuzz/Support/Seeds.swift ] || stale=1
  for lib in $(target_libs "$t"); do
    case $lib in -l[A-Z]*) [ "$out/lib/lib${lib#-l}.a" -nt "$bin" ] && stale=1 ;; esac
  done
  [ $stale -eq 0 ] && return
  echo "fuzz: linking $t"
  # shellcheck disable=SC2046
  swiftc "${fuzzflags[@]}" "${swift6[@]}" -use-ld=lld -I "$out/lib" -I Sources/CZlib -I Sources/COpenSSL -L "$out/lib" \
    "$src" Fuzz/Support/*.swift $(target_libs "$t") -o "$bin"
}

# libFuzzer options per target: the largest input worth mutating.
max_len() { case $1 in package|block) echo 65536 ;; *) echo 8192 ;; esac; }

for t in "${targets[@]}"; do build_target "$t"; done
[ "$mode" = build ] && exit 0

if [ "$mode" = seeds ]; then
  for t in "${targets[@]}"; do
    mkdir -p "Fuzz/corpus/$t"
    # exit() inside LLVMFuzzerInitialize leaves the seed builder's locals unreleased: not leaks.
    FUZZ_WRITE_SEEDS="$root/Fuzz/corpus/$t" ASAN_OPTIONS=detect_leaks=0 "$out/bin/$t" -runs=0 >"$out/seeds.log" 2>&1 \
      || { cat "$out/seeds.log"; exit 1; }
    echo "fuzz: seeds for $t: $(find "Fuzz/corpus/$t" -type f | wc -l) files"
  done
  exit 0
fi

status=0; total_execs=0
summary=()
for t in "${targets[@]}"; do
  mkdir -p "$out/corpus/$t" "$out/artifacts/$t" "Fuzz/corpus/$t"
  log="$out/$t.log"
  echo "fuzz: running $t for ${seconds}s"
  rc=0
  "$out/bin/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len="$(max_len "$t")" \
    -print_final_stats=1 -artifact_prefix="$out/artifacts/$t/" \
    "$out/corpus/$t" "Fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
  if [ "$rc" -ne 0 ]; then
    status=1
    grep -E '^(==[0-9]+==|SUMMARY|Fatal error|.*Invariant|artifact_prefix|Test unit written)' "$log" | head -20 || true
    tail -5 "$log"
    summary+=("$t: FAILED (exit $rc), log $log, input in $out/artifacts/$t/")
  else
    summary+=("$t: ${execs:-0} execs, ${cov:-cov: ? ft: ?}")
  fi
  total_execs=$((total_execs + ${execs:-0}))
done
echo "fuzz results (${seconds}s per target):"
printf '  %s\n' "${summary[@]}"
echo "  total: $total_execs execs"
exit $status
