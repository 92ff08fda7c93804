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

# 2. Go build: static, pure-Go binaries (SQLite through modernc.org/sqlite, no cgo). The image's Go fetches the
#    toolchain go.mod names (its toolchain line: the one CI tests with), which the image's GOTOOLCHAIN=local would not.
FROM golang:1.26-bookworm AS gobase
WORKDIR /src
ENV CGO_ENABLED=0 GOTOOLCHAIN=auto
COPY go.mod go.sum ./
RUN go mod download
COPY . .

FROM gobase AS build-gateway
ARG VERSION=dev
RUN go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/portico-gateway ./cmd/portico-gateway && mkdir -p /out/data

FROM gobase AS build
ARG VERSION=dev
COPY --from=assets /src/static ./static
RUN go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/portico ./cmd/portico && mkdir -p /out/data

# 3a. A gateway node, small and non-root: docker build --target gateway -t portico-gateway .
#     (its own target, so that building the portal's image does not build the node, and the reverse).
FROM gcr.io/distroless/static-debian12:nonroot AS gateway
COPY --from=build-gateway /out/portico-gateway /usr/local/bin/portico-gateway
COPY --from=build-gateway --chown=65532:65532 /out/data /data
ENV PORTICO_GATEWAY_ADDR=:8081 PORTICO_GATEWAY_ADMIN_ADDR=:9091 PORTICO_GATEWAY_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8081 9091
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/portico-gateway"]

# 3b. The portal, small and non-root: the default target (docker build -t portico .).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/portico /usr/local/bin/portico
COPY --from=build --chown=65532:65532 /out/data /data
ENV PORTICO_ADDR=:8080 PORTICO_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/portico"]
CMD ["serve"]
