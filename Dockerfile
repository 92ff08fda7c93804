# syntax=docker/dockerfile:1

# 1. Front-end assets (the built files are also committed; this stage keeps the image honest).
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY assets ./assets
COPY views ./views
COPY handlers ./handlers
COPY static ./static
RUN npm run build

# 2. Go build: a static, pure-Go binary (SQLite through modernc.org/sqlite, no cgo). The image's Go fetches the
#    toolchain go.mod names (its toolchain line: the one CI tests with), which the image's GOTOOLCHAIN=local would not.
FROM golang:1.26-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOTOOLCHAIN=auto
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=assets /src/static ./static
ARG VERSION=dev
RUN go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/portico ./cmd/portico && mkdir -p /out/data

# 3. Runtime: small, non-root.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/portico /usr/local/bin/portico
COPY --from=build --chown=65532:65532 /out/data /data
ENV PORTICO_ADDR=:8080 PORTICO_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/portico"]
CMD ["serve"]
