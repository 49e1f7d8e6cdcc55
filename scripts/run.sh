#!/usr/bin/env bash
# Installs what is missing, builds the gateway (release) and runs it on its embedded default:
# a SQLite database under ./data and the dashboard from ./Public on http://127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product chaincode-gateway 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]'
mkdir -p data
exec .build/release/chaincode-gateway serve --listen "${GATEWAY_LISTEN:-127.0.0.1:8080}" --data-dir ./data --public-dir ./Public "$@"
