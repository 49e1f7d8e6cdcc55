# Chaincode Admin Gateway image: build with the Swift toolchain, run on debian:bookworm-slim
# with only the C libraries the binary links (OpenSSL, nghttp2, SQLite, zlib).
#   docker build -t chaincode-gateway .                      the toolchain image builds the binary
#   docker build --target prebuilt -t chaincode-gateway .    a binary built on the host, see below
# Stage order matters: the runtime base and `prebuilt` come before the Swift stage, so the classic
# builder (which runs every stage up to --target) never needs the swift image for `prebuilt`.
ARG SWIFT_VERSION=6.3

FROM debian:bookworm-slim AS runtime-base
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends ca-certificates libssl3 libnghttp2-14 libsqlite3-0 zlib1g \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 gateway \
    && useradd --system --uid 10001 --gid gateway --home-dir /var/lib/gateway --shell /usr/sbin/nologin gateway \
    && install -d -o gateway -g gateway -m 0750 /var/lib/gateway \
    && install -d -m 0755 /etc/gateway
# The dashboard and the migrations are compiled into the binary (Sources/EmbeddedAssets); these
# copies, passed with --public-dir/--migrations-dir below, are the same files (built from the same
# tree, and the migrations are checked against manifest.sha256 at start-up) and keep the image's
# layout that IntegrationTests/test_compose.py asserts. Dropping both COPY lines and both flags would also work.
COPY Public/ /app/Public/
COPY migrations/ /app/migrations/
COPY deploy/docker/healthcheck.sh /usr/local/bin/gateway-healthcheck
WORKDIR /app
VOLUME /var/lib/gateway
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 CMD ["/usr/local/bin/gateway-healthcheck"]
ENTRYPOINT ["/usr/local/bin/chaincode-gateway"]
CMD ["serve", "--listen", "0.0.0.0:8080", "--config", "/etc/gateway/gateway.yaml", \
     "--data-dir", "/var/lib/gateway", "--public-dir", "/app/Public", "--migrations-dir", "/app/migrations"]

# A binary built on the host (Debian bookworm, as CI and the smoke test do; scripts/docker-images.sh):
#   swift build -c release --product chaincode-gateway --static-swift-stdlib --scratch-path .build-static
# copied to .build-static/image/chaincode-gateway (the one file of .build* that .dockerignore lets in).
FROM runtime-base AS prebuilt
COPY .build-static/image/chaincode-gateway /usr/local/bin/chaincode-gateway
# Fails the build if a shared library the binary needs is missing from the runtime image.
RUN ! ldd /usr/local/bin/chaincode-gateway | grep 'not found'
USER gateway:gateway

FROM swift:${SWIFT_VERSION}-bookworm AS build
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends libssl-dev libnghttp2-dev libsqlite3-dev zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Resolve dependencies in their own layer so source edits do not refetch them.
COPY Package.swift ./
RUN swift package resolve
COPY . .
RUN swift build -c release --product chaincode-gateway --static-swift-stdlib \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/chaincode-gateway" /out/chaincode-gateway

FROM runtime-base AS runtime
COPY --from=build /out/chaincode-gateway /usr/local/bin/chaincode-gateway
RUN ! ldd /usr/local/bin/chaincode-gateway | grep 'not found'
USER gateway:gateway
