#!/usr/bin/env bash
# Regenerates Sources/FabricProtos/*.pb.swift from the PyPI hyperledger-fabric-protos wheel
# (docs/fabric-notes.md §13). Developer tool: CI never runs it;
# the generated Swift is committed.
#
# Needs: pip (PIP=..., default <repo>/.venv/bin/pip, else python3 -m pip), protoc with the Debian
# protobuf-compiler includes (/usr/include/google/protobuf), swift, git.
# Env: PROTOC_GEN_SWIFT=<path> to reuse an already built plugin;
#      SWIFT_PROTOBUF_REPO (a git URL or path, default the GitHub repository) and SWIFT_PROTOBUF_TAG (1.39.0).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/Sources/FabricProtos"
WHEEL_VERSION="0.3.7.dev349689853811"
SWIFT_PROTOBUF_REPO="${SWIFT_PROTOBUF_REPO:-https://github.com/apple/swift-protobuf.git}"
SWIFT_PROTOBUF_TAG="${SWIFT_PROTOBUF_TAG:-1.39.0}"
PYTHON="${PYTHON:-python3}"
if [[ -z "${PIP:-}" ]]; then
  if [[ -x "$ROOT/.venv/bin/pip" ]]; then PIP="$ROOT/.venv/bin/pip"; else PIP="$PYTHON -m pip"; fi
fi
WORK="$(mktemp -d /tmp/fabric-protos.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

# The files the gateway uses (plus their imports, which only need to be in the set).
PROTOS=(
  common/common.proto common/policies.proto common/configtx.proto common/configuration.proto
  common/ledger.proto
  msp/msp_principal.proto msp/identities.proto msp/msp_config.proto
  peer/proposal.proto peer/proposal_response.proto peer/chaincode.proto
  peer/transaction.proto peer/events.proto peer/peer.proto peer/chaincode_event.proto
  peer/policy.proto peer/collection.proto peer/query.proto peer/configuration.proto
  peer/lifecycle/lifecycle.proto peer/lifecycle/chaincode_definition.proto
  orderer/ab.proto orderer/configuration.proto
  gateway/gateway.proto discovery/protocol.proto gossip/message.proto
  ledger/rwset/rwset.proto ledger/rwset/kvrwset/kv_rwset.proto
)

echo "== downloading hyperledger-fabric-protos==$WHEEL_VERSION"
$PIP download --quiet --no-deps --only-binary=:all: -d "$WORK/wheel" \
  "hyperledger-fabric-protos==$WHEEL_VERSION"
WHEEL="$(ls "$WORK"/wheel/hyperledger_fabric_protos-*.whl)"

echo "== extracting descriptors"
"$PYTHON" "$ROOT/scripts/extract_fabric_descriptors.py" "$WHEEL" "$WORK/fabric.pb"
# Well-known types are not in the wheel (pitfall 1); SwiftProtobuf already has their Swift.
protoc -I/usr/include -o "$WORK/wkt.pb" google/protobuf/timestamp.proto google/protobuf/empty.proto

if [[ -z "${PROTOC_GEN_SWIFT:-}" ]]; then
  echo "== building protoc-gen-swift $SWIFT_PROTOBUF_TAG (takes minutes)"
  git clone --quiet --depth 1 --branch "$SWIFT_PROTOBUF_TAG" "$SWIFT_PROTOBUF_REPO" "$WORK/swift-protobuf" \
    || git clone --quiet --branch "$SWIFT_PROTOBUF_TAG" "$SWIFT_PROTOBUF_REPO" "$WORK/swift-protobuf"
  (cd "$WORK/swift-protobuf" && swift build -c release --product protoc-gen-swift)
  PROTOC_GEN_SWIFT="$WORK/swift-protobuf/.build/release/protoc-gen-swift"
fi

echo "== generating Swift"
rm -f "$OUT"/*.pb.swift
protoc --descriptor_set_in="$WORK/fabric.pb:$WORK/wkt.pb" \
  --plugin=protoc-gen-swift="$PROTOC_GEN_SWIFT" \
  --swift_out="$OUT" \
  --swift_opt=Visibility=Public --swift_opt=FileNaming=PathToUnderscores \
  "${PROTOS[@]}"
find "$OUT" -name "*.pb.swift" | wc -l | xargs echo "generated files:"
