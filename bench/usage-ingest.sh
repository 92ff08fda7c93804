#!/usr/bin/env bash
# How the portal ingests the gateway nodes' usage reports at the issue's scale: 100 nodes × 1,000 active
# subscriptions reporting every 10 s (10 batches/s of 1,000 rows), against a real `portico serve` on 127.0.0.1
# (see bench/usageingest). Prints batches/s and rows/s ingested, the ratio to what was offered (1.00: it kept
# up), the lag from a batch's sending to its being counted (p50/p99/max) and the load average; checks that the
# rollups hold exactly the requests sent. SQLite in a temporary directory unless -postgres names an empty
# PostgreSQL database. Takes the duration (default 60 s) plus a build and about a minute of setup.
#
#   bench/usage-ingest.sh [-nodes 100] [-subs 1000] [-interval 10s] [-duration 60s] [-postgres URL]
#                         [-pprof-addr 127.0.0.1:PORT -cpuprofile FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./bench/usageingest "$@"
