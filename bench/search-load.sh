#!/usr/bin/env bash
# Load check of the catalog search endpoint on a local Portico, with the
# purpose queries of the relevance evaluation's first dev batch, as the benchmarks (go run ./search/releval -split dev-1 -queries):
# the multi-word queries users type.
#
#   portico demo --synthetic 10000          # once, on an empty data directory
#   portico serve &                          # listening on :8080
#   PORTICO_TOKEN=$(portico token create --username ada) bench/search-load.sh
#
# To compare two builds in one run, serve the other build on a copy of the data
# directory (say on :8081) and add -compare http://127.0.0.1:8081: every query
# goes to both, and the ratios of the percentiles are printed.
#
# Options are passed to bench/searchload (-n, -duration, -c, -url, -compare,
# -queries FILE). Defaults: 5000 queries or 10 seconds, 4 clients,
# http://127.0.0.1:8080. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
case " $* " in
*" -queries "* | *" -queries="* | *" --queries "* | *" --queries="*)
	exec go run ./bench/searchload "$@"
	;;
esac
queries=$(mktemp)
trap 'rm -f "$queries"' EXIT
go run ./search/releval -split dev-1 -queries >"$queries"
go run ./bench/searchload -queries "$queries" "$@"
