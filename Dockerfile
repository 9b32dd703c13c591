# ecsdeck as a container image (deploy/ has an ECS task definition and
# service for it on Fargate behind an ALB, and its IAM policies).
#
#   docker build -t ecsdeck .
#   hadolint Dockerfile            (CI lints this file: .ci/run)
#   docker run -p 8080:8080 -e ECSDECK_DATABASE_URL=postgres://… ecsdeck serve --bind 0.0.0.0:8080
#
# Build stage: the Rust toolchain ecsdeck's Cargo.toml asks for.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
# make: jemalloc (the binary's allocator) builds with it. Debian packages
# are not pinned to versions (hadolint DL3008): bookworm's security updates
# replace them, so a pin would break the build; the base image's tag pins
# the release.
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cargo build --release --locked --bin ecsdeck \
    && install -m 0755 target/release/ecsdeck /usr/local/bin/ecsdeck

# Run stage: a slim Debian with CA certificates (AWS over TLS) and curl for
# the health check; ecsdeck runs as an unprivileged user.
FROM debian:bookworm-slim
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 ecsdeck \
    && useradd --system --uid 10001 --gid ecsdeck --home-dir /var/lib/ecsdeck --create-home ecsdeck
COPY --from=build /usr/local/bin/ecsdeck /usr/local/bin/ecsdeck
USER 10001:10001
WORKDIR /var/lib/ecsdeck
ENV ECSDECK_DATA_DIR=/var/lib/ecsdeck
EXPOSE 8080
# ECS sends SIGTERM, then SIGKILL after the task's stopTimeout (30 s in
# deploy/): ecsdeck stops accepting, ends live tails and lets requests in
# flight finish within that grace.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["sh", "-c", "curl -fsS http://127.0.0.1:8080/healthz || exit 1"]
ENTRYPOINT ["/usr/local/bin/ecsdeck"]
CMD ["serve", "--bind", "0.0.0.0:8080"]
