#!/usr/bin/env bash
# Container HEALTHCHECK for the gateway: GET /healthz over bash's /dev/tcp (no curl in the
# image). Exits 0 on an HTTP 200, 1 otherwise. HEALTHCHECK_PORT defaults to 8080.
set -euo pipefail
port=${HEALTHCHECK_PORT:-8080}
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
read -r -t 5 _ status _ <&3
[ "$status" = "200" ]
