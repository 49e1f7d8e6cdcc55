#!/usr/bin/env bash
# Runs every test of the project: the Swift suites (server, gRPC client, Fabric core, store,
# API — several start fabric-sim or a Python gRPC server themselves) and the Python suites
# (fabric-sim, the OpenAPI contract, the fault and crash suites, the compose smoke test with real
# containers), then schemathesis (scripts/schemathesis.sh) and the fuzz targets (scripts/fuzz.sh).
# Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export GATEWAY_TEST_PYTHON="$PWD/.venv/bin/python3"

status=0
python3 scripts/check-layers.py || { echo "a module imports one its layer does not allow (docs/architecture.md)"; exit 1; }
swift build --build-tests 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' || { echo "swift build failed"; exit 1; }
swift test --skip-build || status=1

# The compose smoke test (IntegrationTests/test_compose_smoke.py) needs a Docker engine:
# scripts/docker-engine.sh installs docker.io and starts dockerd when none runs, and the EXIT trap
# stops what it started. Where no engine can run, that test alone is skipped, with the reason.
if engine=$(scripts/docker-engine.sh start 2>&1); then
  echo "$engine"
else
  echo "no Docker engine can run here; the compose smoke test will be skipped: $engine"
  export COMPOSE_SMOKE_UNAVAILABLE="$engine"
fi
trap 'scripts/docker-engine.sh stop' EXIT

py_tests=(IntegrationTests)
for d in tools/*/tests; do [ -d "$d" ] && py_tests+=("$d"); done
.venv/bin/python3 -m pytest -q "${py_tests[@]}" || status=1

# schemathesis over every operation of openapi.yaml against the gateway on fabric-sim (scripts/schemathesis.sh,
# ~3.5 min; SCHEMATHESIS_SECONDS=0 skips it).
if [ "${SCHEMATHESIS_SECONDS:-150}" != 0 ]; then
  scripts/schemathesis.sh || { echo "schemathesis found a failure (report in test-output/schemathesis/)"; status=1; }
fi

# Fuzzing last (Fuzz/Targets, scripts/fuzz.sh): each target for FUZZ_SECONDS (default 60; 0 skips).
fuzz_seconds=${FUZZ_SECONDS:-60}
if [ "$fuzz_seconds" != 0 ]; then
  scripts/fuzz.sh "$fuzz_seconds" || { echo "fuzzing found a failure (input in .build-fuzz/artifacts/)"; status=1; }
fi
exit $status
