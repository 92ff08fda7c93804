#!/usr/bin/env bash
# Load check of the catalog search endpoint on a local Portico.
#
#   portico demo --synthetic 10000          # once, on an empty data directory
#   portico serve &                          # listening on :8080
#   PORTICO_TOKEN=$(portico token create --username ada) bench/search-load.sh
#
# Options are passed to bench/searchload (-n, -duration, -c, -url). Defaults:
# 5000 requests or 10 seconds, 4 clients, http://127.0.0.1:8080. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./bench/searchload "$@"
