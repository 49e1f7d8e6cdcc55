#!/usr/bin/env bash
# Sets up the compose network (runs in hyperledger/fabric-tools:2.5). Idempotent: every step
# checks whether its result already exists, so `docker compose up` can be re-run at will.
#
#   setup-network.sh crypto   cryptogen + the channel genesis block (before the nodes start)
#   setup-network.sh join     osnadmin channel join on the orderer, peer channel join per peer
#   setup-network.sh          both
#
# Environment (defaults match docker-compose.yml):
#   CRYPTO_DIR=/crypto  FABRIC_DIR=/deploy/fabric  CHANNEL_NAME=mychannel
#   GATEWAY_UID=10001   (owner given to the users/ folders so the non-root gateway can sign)
#   ORDERER_ADMIN=orderer.example.com:7053  JOIN_ATTEMPTS=30  RETRY_SECONDS=2
set -euo pipefail

CRYPTO_DIR=${CRYPTO_DIR:-/crypto}
FABRIC_DIR=${FABRIC_DIR:-/deploy/fabric}
CHANNEL_NAME=${CHANNEL_NAME:-mychannel}
GATEWAY_UID=${GATEWAY_UID:-10001}
ORDERER_ADMIN=${ORDERER_ADMIN:-orderer.example.com:7053}
JOIN_ATTEMPTS=${JOIN_ATTEMPTS:-30}
RETRY_SECONDS=${RETRY_SECONDS:-2}
BLOCK="$CRYPTO_DIR/channel-artifacts/$CHANNEL_NAME.block"
ORDERER_ADMIN_DIR="$CRYPTO_DIR/ordererOrganizations/example.com/users/Admin@example.com/tls"

# MSP ID, org domain, peer address: one line per peer.
PEERS=(
  "Org1MSP org1.example.com peer0.org1.example.com:7051"
  "Org2MSP org2.example.com peer0.org2.example.com:9051"
)

log() { echo "setup: $*" >&2; }

# retry DESCRIPTION CMD...: runs CMD until it succeeds, JOIN_ATTEMPTS times at most.
retry() {
  local what=$1 attempt=1
  shift
  until "$@"; do
    if [ "$attempt" -ge "$JOIN_ATTEMPTS" ]; then
      log "giving up: $what"
      return 1
    fi
    log "waiting for $what (attempt $attempt/$JOIN_ATTEMPTS)"
    attempt=$((attempt + 1))
    sleep "$RETRY_SECONDS"
  done
}

generate_crypto() {
  if [ -d "$CRYPTO_DIR/ordererOrganizations" ]; then
    log "crypto material present; extending it with any missing org or node"
    cryptogen extend --config="$FABRIC_DIR/crypto-config.yaml" --input="$CRYPTO_DIR"
  else
    log "generating crypto material"
    cryptogen generate --config="$FABRIC_DIR/crypto-config.yaml" --output="$CRYPTO_DIR"
  fi
  # The gateway runs as GATEWAY_UID and signs with the Admin/User1 keys (mode 0600).
  local users
  for users in "$CRYPTO_DIR"/peerOrganizations/*/users; do
    chown -R "$GATEWAY_UID" "$users"
  done
  # ...and serves HTTPS with its own TLS key (crypto-config.yaml's gateway.org1.example.com).
  chown -R "$GATEWAY_UID" "$CRYPTO_DIR/peerOrganizations/org1.example.com/peers/gateway.org1.example.com/tls"
}

generate_block() {
  if [ -s "$BLOCK" ]; then
    log "channel block $BLOCK present"
    return
  fi
  log "creating the genesis block of channel $CHANNEL_NAME"
  mkdir -p "$(dirname "$BLOCK")"
  configtxgen -configPath "$FABRIC_DIR" -profile ChannelUsingRaft \
    -channelID "$CHANNEL_NAME" -outputBlock "$BLOCK"
}

osnadmin_call() {
  osnadmin channel "$@" -o "$ORDERER_ADMIN" \
    --ca-file "$CRYPTO_DIR/ordererOrganizations/example.com/orderers/orderer.example.com/tls/ca.crt" \
    --client-cert "$ORDERER_ADMIN_DIR/client.crt" --client-key "$ORDERER_ADMIN_DIR/client.key"
}

join_orderer() {
  retry "the orderer admin endpoint $ORDERER_ADMIN" osnadmin_call list >/dev/null
  if osnadmin_call list --channelID "$CHANNEL_NAME" | grep -q "Status: 200"; then
    log "orderer already serves channel $CHANNEL_NAME"
    return
  fi
  log "joining the orderer to channel $CHANNEL_NAME"
  osnadmin_call join --channelID "$CHANNEL_NAME" --config-block "$BLOCK"
}

# peer_env MSPID DOMAIN ADDRESS: the org admin's identity for the `peer` CLI.
peer_env() {
  local peer_host=${3%%:*}
  export CORE_PEER_TLS_ENABLED=true
  export CORE_PEER_LOCALMSPID=$1
  export CORE_PEER_ADDRESS=$3
  export CORE_PEER_MSPCONFIGPATH="$CRYPTO_DIR/peerOrganizations/$2/users/Admin@$2/msp"
  export CORE_PEER_TLS_ROOTCERT_FILE="$CRYPTO_DIR/peerOrganizations/$2/peers/$peer_host/tls/ca.crt"
}

join_peer() {
  local msp domain address
  read -r msp domain address <<<"$1"
  peer_env "$msp" "$domain" "$address"
  retry "peer $address" peer channel list >/dev/null
  if peer channel list 2>/dev/null | grep -qx "$CHANNEL_NAME"; then
    log "peer $address already joined $CHANNEL_NAME"
    return
  fi
  log "joining peer $address to $CHANNEL_NAME"
  retry "peer $address to join $CHANNEL_NAME" peer channel join -b "$BLOCK"
}

main() {
  local phase=${1:-all}
  case "$phase" in
    crypto | join | all) ;;
    *)
      log "unknown phase '$phase' (crypto, join or all)"
      exit 2
      ;;
  esac
  if [ "$phase" != join ]; then
    generate_crypto
    generate_block
  fi
  if [ "$phase" != crypto ]; then
    join_orderer
    local p
    for p in "${PEERS[@]}"; do join_peer "$p"; done
  fi
  log "done ($phase)"
}

main "$@"
