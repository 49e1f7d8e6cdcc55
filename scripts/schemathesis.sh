#!/usr/bin/env bash
# schemathesis over every operation of openapi.yaml against the gateway on fabric-sim (stateful phase on),
# bounded by SCHEMATHESIS_SECONDS (default 150) for the main run plus a fifth of it for revokeToken;
# 0 server errors and 0 status, content-type, header or schema violations, or a non-zero exit.
# Uses GATEWAY_BIN (default .build/debug/chaincode-gateway) and the venv of scripts/setup.sh --test.
# Reports (JUnit) in test-output/schemathesis/. SCHEMATHESIS_SEED reproduces a run.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${GATEWAY_TEST_PYTHON:-.venv/bin/python3}
exec "$python" IntegrationTests/schemathesis/run_schemathesis.py
