# Build: the release binary, with libpq for PostgreSQL and SQLite bundled.
FROM rust:1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
# The bundled SQLite's build flags (its query planner stability guarantee).
COPY .cargo .cargo
COPY src src
COPY migrations migrations
RUN cargo build --release --locked

# Run: a small image with the binary and the PostgreSQL client library.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /var/lib/kinerja --create-home kinerja
COPY --from=build /src/target/release/kinerja /usr/local/bin/kinerja
USER kinerja
WORKDIR /var/lib/kinerja
ENV KINERJA_BIND=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["kinerja"]
CMD ["serve"]
