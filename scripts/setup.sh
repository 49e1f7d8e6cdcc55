#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks, then is quiet when everything is already there.
#   scripts/setup.sh         what building and running need (scripts/run.sh): the C libraries
#                            (apt), python3-venv and a venv at .venv with fabric-sim's requirements
#   scripts/setup.sh --test  also what the tests need (scripts/test.sh): shellcheck, busybox,
#                            openssl, softhsm2, chromium + chromium-driver (apt) and requirements-dev.txt,
#                            requirements-browser.txt in the same venv
set -euo pipefail
cd "$(dirname "$0")/.."
test_tools=0
if [ "${1:-}" = "--test" ]; then test_tools=1; shift; fi

packages=(libssl-dev libnghttp2-dev libsqlite3-dev zlib1g-dev python3-venv)
if [ "$test_tools" = 1 ]; then
  # ShellCheck and busybox: the compose tests lint the external builder and run it under busybox sh.
  # openssl: TLS test fixtures. chromium + chromium-driver: the dashboard's browser tests (Selenium, headless).
  # softhsm2: a PKCS#11 token in a temp directory for the HSM signer's tests (organization keys in an HSM).
  packages+=(shellcheck busybox openssl softhsm2 chromium chromium-driver)
fi
need=()
# shellcheck disable=SC2206  # EXTRA_APT_PACKAGES is a space-separated list
for p in "${packages[@]}" ${EXTRA_APT_PACKAGES:-}; do
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

# Python: one venv for fabric-sim, and with --test the gRPC test server and the contract/browser tests.
reqs=()
extra=()
[ "$test_tools" = 1 ] && extra=(requirements-dev.txt requirements-browser.txt)
for r in tools/*/requirements.txt "${extra[@]}"; do [ -f "$r" ] && reqs+=("$r"); done
# The stamp holds "sha256  file" for each requirements file installed; a run after a test setup
# finds its files there and installs nothing.
stamp=.venv/.requirements.sha256
missing=0
for r in "${reqs[@]}"; do
  grep -qxF "$(sha256sum "$r")" "$stamp" 2>/dev/null || missing=1
done
if [ ! -x .venv/bin/python3 ] || [ "$missing" = 1 ]; then
  echo "setup: installing into .venv: ${reqs[*]}"
  [ -x .venv/bin/python3 ] || python3 -m venv .venv
  pip_args=()
  for r in "${reqs[@]}"; do pip_args+=(-r "$r"); done
  .venv/bin/pip install -q --disable-pip-version-check "${pip_args[@]}"
  sha256sum "${reqs[@]}" > "$stamp"
fi
