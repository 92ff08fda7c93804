#!/usr/bin/env bash
# The audit page of a year's log (300,000 events), as ratios from one run: counting every event against
# counting 10,000 ahead; page 3,000 read by OFFSET (the numbered pages, counting 10,000 past it) against
# from its cursor (before=, counting 10,000); and a rare actor's page without and with audit_events_actor_idx.
#
#   bench/audit.sh [--count N]
#
# Runs BenchmarkAuditAtScale (store/audit_scale_bench_test.go) on SQLite, and on PostgreSQL too when
# PORTICO_TEST_DATABASE_URL is set (a schema of its own, dropped at the end); N rounds of each (default 20).
# Prints each case's time a page and the ratio of before to after. About a minute.
set -euo pipefail
cd "$(dirname "$0")/.."

count=20
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "audit.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$count" =~ ^[0-9]+$ ]] && [ "$count" -ge 1 ] && [ "$count" -le 1000 ] || { echo "audit.sh: --count must be 1..1000" >&2; exit 2; }

go test ./store -run '^$' -bench '^BenchmarkAuditAtScale$' -benchtime "${count}x" | tee /dev/stderr | awk '
  /^BenchmarkAuditAtScale\// {
    split($1, p, "/"); db = p[2]; c = p[3] "/" p[4]; sub(/-[0-9]+$/, "", c)
    ns[db, c] = $3; dbs[db] = 1
    printf "%-10s %-20s %10.2f ms a page\n", db, c, $3 / 1e6
  }
  END {
    for (db in dbs) {
      if (ns[db, "page/count-ahead"] > 0) printf "%-10s page: counting every event / counting 10,000 ahead = %.1fx\n", db, ns[db, "page/count-whole"] / ns[db, "page/count-ahead"]
      if (ns[db, "deep/cursor"] > 0) printf "%-10s page 3000: by OFFSET / from its cursor (before=) = %.1fx\n", db, ns[db, "deep/offset"] / ns[db, "deep/cursor"]
      if (ns[db, "actor/index"] > 0) printf "%-10s rare actor: without / with audit_events_actor_idx = %.1fx\n", db, ns[db, "actor/no-index"] / ns[db, "actor/index"]
    }
  }'
