#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks for building, running and testing the gateway:
# the C libraries (apt) and a Python venv at .venv with every pinned requirements file.
# Idempotent and quiet when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
# ShellCheck and busybox: the compose tests lint the external builder and run it as the alpine peer would.
# chromium + chromium-driver: the dashboard's browser tests (Selenium, headless).
for p in libssl-dev libnghttp2-dev libsqlite3-dev zlib1g-dev python3-venv shellcheck busybox openssl \
         chromium chromium-driver ${EXTRA_APT_PACKAGES:-}; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "setup: the Swift 6 toolchain is required (swift not found on PATH)" >&2
  exit 1
fi

# Python: one venv for fabric-sim, the gRPC test server and the contract/browser tests.
reqs=()
for r in tools/*/requirements.txt requirements-dev.txt requirements-browser.txt; do [ -f "$r" ] && reqs+=("$r"); done
stamp=.venv/.requirements.sha256
sum=$(cat "${reqs[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -x .venv/bin/python3 ] || [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
  echo "setup: creating .venv from: ${reqs[*]}"
  python3 -m venv .venv
  pip_args=()
  for r in "${reqs[@]}"; do pip_args+=(-r "$r"); done
  .venv/bin/pip install -q --disable-pip-version-check "${pip_args[@]}"
  echo "$sum" > "$stamp"
fi
