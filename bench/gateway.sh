#!/usr/bin/env bash
# Throughput and p99 of portico-gateway against nginx and the upstream called
# directly, in one run on 127.0.0.1 (see bench/gatewaybench). Needs wrk and
# nginx: apt-get install -y wrk nginx-light. Starts and stops everything
# itself; takes about 2 × rounds × 3 targets × duration (default 2 × 3 × 3 × 5 s)
# plus a build.
#
#   bench/gateway.sh [-rounds 3] [-duration 5s] [-c 32] [-t 2] [-paced RATE] [-access-log=false] [-ports N] [-redis-url URL] [-tls] [-hold]
#                    [-spike [-spike-args "-pollers=1"]...] [-gateway-env GOMAXPROCS=1]... [-gateway-bin PATH]... [-spike-procs N] [-hertz] [-gnet [-gnet-args "-lock-os-thread"]...] [-haproxy]
#
# After the saturation rounds, every target is measured again at one offered
# load that none saturates (-paced RATE req/s, by default half the gateway's
# saturation throughput; -paced 0 skips it), for the latency each adds over
# direct. -spike also measures bench/evloopspike (the node's hot path on nbio's event
# loops, a spike and not the gateway); -gateway-env another gateway process
# run with that environment; -spike-procs N, N evloopspike processes sharing one
# port with SO_REUSEPORT, one event loop and GOMAXPROCS=1 each, as nginx's
# worker processes share its port. -hertz also measures bench/hertzspike (the
# node's hot path on CloudWeGo Hertz and netpoll, a module of its own); -gnet,
# bench/gnetspike (the same on gnet v2's event loops, a module of its own;
# -gnet-args gives one variant's flags, repeatable, "poll_opt" among them builds
# it with gnet's poll_opt tag).
# -tls also measures a gateway serving HTTPS (--tls-cert, a certificate made
# for the run) and prints its req/s and CPU per request against the plain one;
# wrk keeps its connections, so it measures encryption, not handshakes.
# -haproxy, HAProxy as a plain proxy and doing the node's work in its own
# configuration (apt-get install -y haproxy).
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./bench/gatewaybench "$@"
