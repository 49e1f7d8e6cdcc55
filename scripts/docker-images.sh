#!/usr/bin/env bash
# Builds the images of docker-compose.sim.yml without any registry, each step skipped when its
# result is already there (the cache between local runs):
#   1. debian:bookworm-slim, when Docker lacks it: debootstrap --variant=minbase bookworm, then
#      docker import (apt lists and downloaded .debs removed).
#   2. the gateway as a static-stdlib release binary on the host (--scratch-path .build-static,
#      incremental), copied to .build-static/image/chaincode-gateway.
#   3. chaincode-gateway:prebuilt, the Dockerfile's `prebuilt` target (that binary).
#   4. fabric-sim:local (tools/fabric-sim/Dockerfile) from fabric-sim's files and its Python
#      requirements as wheels downloaded on the host into .build-static/wheels (containers here
#      reach Debian's mirror but not PyPI).
# Prints the seconds each step took. Needs a running Docker engine, debootstrap (apt) and .venv
# (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

step() { echo "docker-images: $1: $2 s"; }

start=$SECONDS
if ! docker image inspect debian:bookworm-slim >/dev/null 2>&1; then
  root=$(mktemp -d /tmp/bookworm-rootfs.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  debootstrap --variant=minbase bookworm "$root" "$mirror" > "$root.log" 2>&1 \
    || { tail -20 "$root.log" >&2; echo "debootstrap failed (log above)" >&2; exit 1; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root.log"
  tar -C "$root" -c . | docker import -c 'CMD ["bash"]' - debian:bookworm-slim >/dev/null
  rm -rf "$root"
  trap - EXIT
fi
step "base image debian:bookworm-slim" $((SECONDS - start))

start=$SECONDS
swift build -c release --product chaincode-gateway --static-swift-stdlib --scratch-path .build-static 2>&1 \
  | grep -vE '^\[[0-9]+/[0-9]+\]' || true
binary=.build-static/release/chaincode-gateway
[ -x "$binary" ] || { echo "static build failed: $binary missing" >&2; exit 1; }
install -D -m 0755 "$binary" .build-static/image/chaincode-gateway
step "static release build" $((SECONDS - start))

start=$SECONDS
# Quiet unless it fails (newer docker CLIs print a notice about the legacy builder on every build).
# build_image TAG ARGS...: builds TAG; the image TAG named before, if replaced, is removed so that
# rebuilds do not pile up untagged images (it stays while a container still uses it).
build_image() {
  local tag=$1 old new out
  shift
  old=$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)
  out=$(docker build -q -t "$tag" "$@" 2>&1) || { echo "$out" >&2; echo "docker build of $tag failed" >&2; exit 1; }
  new=$(docker image inspect -f '{{.Id}}' "$tag")
  if [ -n "$old" ] && [ "$old" != "$new" ]; then docker rmi "$old" >/dev/null 2>&1 || true; fi
}
build_image chaincode-gateway:prebuilt --target prebuilt .
step "image chaincode-gateway:prebuilt" $((SECONDS - start))

start=$SECONDS
context=.build-static/sim-context
rm -rf "$context"
mkdir -p "$context/wheels" .build-static/wheels
# pytest is for fabric-sim's own tests only.
grep -v '^pytest' tools/fabric-sim/requirements.txt > "$context/wheels/requirements.txt"
if ! cmp -s "$context/wheels/requirements.txt" .build-static/wheels/requirements.txt; then
  .venv/bin/pip download -q --disable-pip-version-check --only-binary=:all: -d .build-static/wheels \
    -r "$context/wheels/requirements.txt"
  cp "$context/wheels/requirements.txt" .build-static/wheels/requirements.txt
fi
cp .build-static/wheels/*.whl "$context/wheels/"
cp tools/fabric-sim/fabric_sim.py "$context/"
cp -r tools/fabric-sim/fabsim "$context/"
find "$context" -name __pycache__ -prune -exec rm -rf {} +
build_image fabric-sim:local -f tools/fabric-sim/Dockerfile "$context"
step "image fabric-sim:local" $((SECONDS - start))
