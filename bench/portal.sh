#!/usr/bin/env bash
# Load check of the portal's pages, as ratios from one run.
#
#   bench/portal.sh [--synthetic N] [--duration SECONDS] [--connections C] [--rounds R] [--pprof-addr 127.0.0.1:6060]
#
# Builds portico from this repository, fills a new data directory in a temporary folder with the demo (the
# embedded samples, plus N synthetic APIs with --synthetic), starts `portico serve` on 127.0.0.1 and measures
# the cold start to /readyz. It logs in as the demo approver (session cookie, as a browser) and fires wrk at each
# page in turn (DURATION seconds each, default 5; C connections, default 16; two threads): /healthz without a
# cookie, /profile, the dashboard, /catalog, /catalog?q=… (rotating over realistic purpose queries), an API page,
# the docs page of the description with the most operations, the review page and a team page. It prints req/s, p50 and p99 of
# each, and its ratio to /profile from the same run (medians over R rounds when --rounds is given), then the
# search API's latency (bench/searchload, one client, 10 s) and the portal's resident memory.
#
# Loopback only; everything it starts stops when it ends (at most about 20 minutes at the largest settings).
# It needs wrk: installed with apt-get when missing (as root), like .ci/run does for chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

synthetic=0 duration=5 conns=16 rounds=1 pprof=""
while [ $# -gt 0 ]; do
  case "$1" in
    --synthetic) synthetic="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) conns="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --pprof-addr) pprof="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "portal.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
int() { [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ] || { echo "portal.sh: --$1 must be $3..$4" >&2; exit 2; }; }
int synthetic "$synthetic" 0 20000
int duration "$duration" 1 30
int connections "$conns" 1 64
int rounds "$rounds" 1 5
if [ -n "$pprof" ] && [[ ! "$pprof" =~ ^127\.0\.0\.1:[0-9]+$ ]]; then
  echo "portal.sh: --pprof-addr must be 127.0.0.1:PORT" >&2; exit 2
fi

if ! command -v wrk >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

tmp=$(mktemp -d /tmp/portico-bench.XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "building…" >&2
go build -o "$tmp/portico" ./cmd/portico
go build -o "$tmp/searchload" ./bench/searchload

echo "filling the portal (demo, $synthetic synthetic APIs)…" >&2
demo_args=(demo --data "$tmp/data")
[ "$synthetic" -gt 0 ] && demo_args+=(--synthetic "$synthetic")
timeout 900 "$tmp/portico" "${demo_args[@]}" >"$tmp/demo.out" 2>"$tmp/demo.err" || { cat "$tmp/demo.err" >&2; exit 1; }
password=$(sed -n 's/^Demo users share one password, shown once: //p' "$tmp/demo.out")
[ -n "$password" ] || { echo "portal.sh: no demo password in the demo's output" >&2; exit 1; }

serve_args=(serve --data "$tmp/data" --addr 127.0.0.1:0)
[ -n "$pprof" ] && serve_args+=(--pprof-addr "$pprof")
t0=$(date +%s%N)
"$tmp/portico" "${serve_args[@]}" >"$tmp/serve.out" 2>"$tmp/serve.err" &
pid=$!
base=""
for _ in $(seq 1 3000); do
  base=$(sed -n 's#.*log in at \(http://127\.0\.0\.1:[0-9]*\)/login.*#\1#p' "$tmp/serve.out")
  [ -n "$base" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz")" = 200 ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/serve.err" >&2; exit 1; }
  sleep 0.01
done
t1=$(date +%s%N)
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz")" = 200 ] || { echo "portal.sh: not ready after 30 s" >&2; exit 1; }
cold_ms=$(( (t1 - t0) / 1000000 ))

# Log in as a browser does: the login form's CSRF cookie and field, then the session cookie.
jar="$tmp/jar"
# The form's token is derived from the login cookie: read it from the page.
csrf=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
code=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode username=rita \
  --data-urlencode "password=$password" --data-urlencode "_csrf=$csrf" "$base/login")
session=$(awk '$6=="portico_session"{print $7}' "$jar")
csrf=$(awk '$6=="portico_csrf"{print $7}' "$jar")
[ "$code" = 303 ] && [ -n "$session" ] || { echo "portal.sh: login failed ($code)" >&2; exit 1; }
cookie="portico_session=$session; portico_csrf=$csrf"
token=$("$tmp/portico" token create --data "$tmp/data" --username rita --name bench)
api() { curl -sf -H "Authorization: Bearer $token" "$base/api/v1/$1"; }

# What to open: the sample with the most operations (Stripe, 203) and the demo's open review.
big=stripe
bigversion=$(api "apis/$big" | jq -r '.versions[] | select(.state=="published") | .version' | head -1)
review=$(api "reviews?state=open" | jq -r '.reviews[0].id')
[ -n "$bigversion" ] && [ "$review" != null ] || { echo "portal.sh: demo data missing (stripe, an open review)" >&2; exit 1; }
queries=(/catalog?q=send+an+sms /catalog?q=refund+a+payment /catalog?q=create+an+invoice /catalog?q=upload+a+file
  /catalog?q=list+playlists /catalog?q=geocode+an+address /catalog?q=weather+forecast /catalog?q=create+a+customer)

# name|cookie(yes/no)|paths…
pages=(
  "/healthz (no cookie)|no|/healthz"
  "/profile|yes|/profile"
  "dashboard /|yes|/"
  "/catalog|yes|/catalog"
  "/catalog?q= (${#queries[@]} queries)|yes|${queries[*]}"
  "API page /apis/$big|yes|/apis/$big"
  "docs /apis/$big/versions/$bigversion|yes|/apis/$big/versions/$bigversion"
  "review /reviews/$review|yes|/reviews/$review"
  "team /teams/payments|yes|/teams/payments"
)
for p in "${pages[@]}"; do
  IFS='|' read -r name withcookie paths <<<"$p"
  for path in $paths; do
    h=(); [ "$withcookie" = yes ] && h=(-H "Cookie: $cookie")
    code=$(curl -s -o /dev/null -w '%{http_code}' "${h[@]}" "$base$path")
    [ "$code" = 200 ] || { echo "portal.sh: $path answered $code" >&2; exit 1; }
  done
done

echo "measuring: ${#pages[@]} pages × $rounds round(s) × ${duration}s, $conns connections…" >&2
results="$tmp/results"
: >"$results"
for r in $(seq 1 "$rounds"); do
  for i in "${!pages[@]}"; do
    IFS='|' read -r name withcookie paths <<<"${pages[$i]}"
    h=(); [ "$withcookie" = yes ] && h=(-H "Cookie: $cookie")
    # shellcheck disable=SC2086 # paths are words
    line=$(timeout $((duration + 60)) wrk -t2 -c"$conns" -d"${duration}s" --timeout 10s -s bench/portal.lua "${h[@]}" \
      "$base" -- $paths | grep '^RESULT')
    echo "$i $line" >>"$results"
  done
done

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
col() { awk -v i="$1" -v c="$2" '$1==i {print $c}' "$results" | median; }
profile_rps=$(col 1 3)
load=$(cut -d' ' -f1-3 /proc/loadavg)
printf '\nPortico %s, %s APIs (%s synthetic), wrk -t2 -c%s, %ss per page, %s round(s), load average %s\n' \
  "$("$tmp/portico" version | cut -d' ' -f2)" "$(( $(sed -n 's/^published \([0-9]*\) sample.*/\1/p' "$tmp/demo.out") + synthetic ))" \
  "$synthetic" "$conns" "$duration" "$rounds" "$load"
printf '%-44s %10s %9s %9s %10s %8s\n' page req/s p50_ms p99_ms vs_profile errors
for i in "${!pages[@]}"; do
  IFS='|' read -r name _ _ <<<"${pages[$i]}"
  rps=$(col "$i" 3)
  errs=$(awk -v i="$i" '$1==i {s+=$6+$7} END {print s+0}' "$results")
  if [ "$(col "$i" 8)" = 0 ]; then
    # wrk counts only the requests answered within the run.
    printf '%-44s %10s %9s %9s %10s %8s\n' "$name" "none" ">${duration}s" "" "0x" "$errs"
    continue
  fi
  printf '%-44s %10.1f %9.2f %9.2f %9.2fx %8s\n' "$name" "$rps" "$(col "$i" 4)" "$(col "$i" 5)" \
    "$(awk -v a="$rps" -v b="$profile_rps" 'BEGIN {print a/b}')" "$errs"
done
printf '%-44s %10s\n' "/profile vs /healthz (no cookie)" "$(awk -v a="$profile_rps" -v b="$(col 0 3)" 'BEGIN {printf "%.2fx", a/b}')"

echo
echo "search API (GET /api/v1/search, bench/searchload, one client, 10 s):"
"$tmp/searchload" -url "$base" -token "$token" -duration 10s -c 1 -n 200000 | sed 's/^/  /'
rss=$(awk '/^VmRSS/ {print int($2/1024)}' "/proc/$pid/status")
hwm=$(awk '/^VmHWM/ {print int($2/1024)}' "/proc/$pid/status")
echo
printf 'portal memory: RSS %s MB now, peak %s MB\n' "$rss" "$hwm"
printf 'cold start to /readyz: %s ms\n' "$cold_ms"
