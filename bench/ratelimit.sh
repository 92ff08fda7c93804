#!/usr/bin/env bash
# What the shared Redis limiter adds per gateway request: p50/p99 of
# ratelimit.Redis.Allow against ratelimit.Local.Allow, in alternating rounds
# of one run (see bench/ratelimitbench). Needs a Redis (default 127.0.0.1:6379).
#
#   bench/ratelimit.sh [-redis-url redis://127.0.0.1:6379/0] [-n 100000] [-c 32] [-subs 1000] [-rounds 3]
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./bench/ratelimitbench "$@"
