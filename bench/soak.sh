#!/usr/bin/env bash
# A bounded soak of the portal and two gateway nodes on 127.0.0.1, looking
# for slow leaks (see bench/soak): goroutines, open file descriptors and RSS
# of each process, the database's row counts and the nodes' data
# directories, sampled under churn, with their growth after the warm-up as
# ratios. Needs only Go; builds both binaries, starts and stops everything
# itself and stops on its own (default 5 minutes plus the build).
#
#   bench/soak.sh [-duration 5m] [-warmup 150s] [-interval 10s] [-restart-every 15s] [-keep]
#
# -keep keeps the work directory: the processes' logs, the portal's goroutine
# dumps at the start and the end of the compared span, node A's (SIGQUIT, in
# node-a.log) and the samples as CSV.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./bench/soak "$@"
