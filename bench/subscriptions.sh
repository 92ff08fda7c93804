#!/usr/bin/env bash
# Subscriptions at scale: the consumer and provider lists, pages and JSON API, with tens of thousands of
# subscriptions and a hundred thousand keys, as latencies and ratios to /profile from one run.
#
#   bench/subscriptions.sh [--subscriptions N] [--synthetic APIS] [--duration SECONDS] [--connections C]
#
# Builds portico from this repository, fills a new data directory in a temporary folder with the demo, APIS
# synthetic APIs (default 200) and N generated subscriptions to them (default 53,000: one in twenty pending, the
# others active with two keys each, so about 100,000 keys), starts `portico serve` on 127.0.0.1, logs in as a
# consumer (emma, owner of commerce) and a provider (ada, owner of payments) with session cookies and tokens, and
# fires wrk at each list in turn (DURATION seconds each, default 5; C connections, default 8; two threads). It
# prints req/s, p50, p95 and p99 of each, its ratio to /profile, and whether p95 is within the goal (50 ms).
#
# Loopback only; everything it starts stops when it ends (a few minutes, most of it generating the data).
# It needs wrk and jq: installed with apt-get when missing (as root), like .ci/run does for chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

subs=53000 synthetic=200 duration=5 conns=8
while [ $# -gt 0 ]; do
  case "$1" in
    --subscriptions) subs="$2"; shift 2 ;;
    --synthetic) synthetic="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) conns="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "subscriptions.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
int() { [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ] || { echo "subscriptions.sh: --$1 must be $3..$4" >&2; exit 2; }; }
int subscriptions "$subs" 100 200000
int synthetic "$synthetic" 10 20000
int duration "$duration" 1 30
int connections "$conns" 1 64

for tool in wrk jq; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null
  fi
done

tmp=$(mktemp -d /tmp/portico-bench.XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "building…" >&2
go build -o "$tmp/portico" ./cmd/portico

echo "filling the portal (demo, $synthetic synthetic APIs, $subs subscriptions)…" >&2
timeout 1800 "$tmp/portico" demo --data "$tmp/data" --synthetic "$synthetic" --subscriptions "$subs" >"$tmp/demo.out" 2>"$tmp/demo.err" ||
  { cat "$tmp/demo.err" >&2; exit 1; }
password=$(sed -n 's/^Demo users share one password, shown once: //p' "$tmp/demo.out")
keys=$(sed -n 's/.*generated [0-9]* subscriptions with \([0-9]*\) keys.*/\1/p' "$tmp/demo.out")
[ -n "$password" ] && [ -n "$keys" ] || { echo "subscriptions.sh: unexpected demo output" >&2; cat "$tmp/demo.out" >&2; exit 1; }

"$tmp/portico" serve --data "$tmp/data" --addr 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
pid=$!
base=""
for _ in $(seq 1 3000); do
  base=$(sed -n 's#.*log in at \(http://127\.0\.0\.1:[0-9]*\)/login.*#\1#p' "$tmp/serve.out")
  [ -n "$base" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz")" = 200 ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/serve.err" >&2; exit 1; }
  sleep 0.01
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz")" = 200 ] || { echo "subscriptions.sh: not ready after 30 s" >&2; exit 1; }

# login USER prints the Cookie header of a browser session of USER.
login() {
  local jar="$tmp/jar-$1" csrf code session
  # The form's token is derived from the login cookie: read it from the page.
  csrf=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
  code=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "username=$1" \
    --data-urlencode "password=$password" --data-urlencode "_csrf=$csrf" "$base/login")
  session=$(awk '$6=="portico_session"{print $7}' "$jar")
  csrf=$(awk '$6=="portico_csrf"{print $7}' "$jar")
  [ "$code" = 303 ] && [ -n "$session" ] || { echo "subscriptions.sh: login of $1 failed ($code)" >&2; exit 1; }
  echo "Cookie: portico_session=$session; portico_csrf=$csrf"
}
consumer_cookie=$(login emma)
provider_cookie=$(login ada)
consumer_token="Authorization: Bearer $("$tmp/portico" token create --data "$tmp/data" --username emma --name bench)"
provider_token="Authorization: Bearer $("$tmp/portico" token create --data "$tmp/data" --username ada --name bench)"
get() { curl -sf -H "$1" "$base/api/v1/$2"; }

app=$(get "$consumer_token" "teams/commerce/apps" | jq -r '[.apps[] | select(.slug | startswith("synthetic-app-"))][0].slug')
sub=$(get "$consumer_token" "subscriptions?role=consumer&state=active&limit=1" | jq -r '.subscriptions[0].id')
provided=$(get "$provider_token" "subscriptions?role=provider&limit=1" | jq -r '.subscriptions[0].api')
next=$(get "$consumer_token" "subscriptions?role=consumer" | jq -r '.next')
for v in app sub provided next; do
  [ -n "${!v}" ] && [ "${!v}" != null ] || { echo "subscriptions.sh: generated data missing ($v)" >&2; exit 1; }
done

# name|header|path
pages=(
  "/profile (consumer)|$consumer_cookie|/profile"
  "Apps page /apps|$consumer_cookie|/apps"
  "app page /apps/$app|$consumer_cookie|/apps/$app"
  "GET subscriptions?role=consumer|$consumer_token|/api/v1/subscriptions?role=consumer"
  "GET subscriptions?role=consumer, page 2|$consumer_token|/api/v1/subscriptions?role=consumer&before=$next"
  "GET teams/commerce/apps|$consumer_token|/api/v1/teams/commerce/apps"
  "GET subscriptions/{id}/keys|$consumer_token|/api/v1/subscriptions/$sub/keys"
  "requests inbox /subscriptions/requests|$provider_cookie|/subscriptions/requests"
  "subscribers /apis/$provided/subscribers|$provider_cookie|/apis/$provided/subscribers"
  "GET subscriptions?role=provider|$provider_token|/api/v1/subscriptions?role=provider"
  "GET subscriptions?role=provider&state=pending|$provider_token|/api/v1/subscriptions?role=provider&state=pending"
)
for p in "${pages[@]}"; do
  IFS='|' read -r name header path <<<"$p"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "$header" "$base$path")
  [ "$code" = 200 ] || { echo "subscriptions.sh: $path answered $code" >&2; exit 1; }
done

# Warm up (caches, and the gateway configuration the portal compiles at start) before measuring.
wrk -t"$(( conns < 2 ? conns : 2 ))" -c"$conns" -d"${duration}s" -H "$consumer_cookie" "$base/profile" >/dev/null
threads=$(( conns < 2 ? conns : 2 ))
echo "measuring: ${#pages[@]} lists × ${duration}s, $conns connections…" >&2
results="$tmp/results"
: >"$results"
for i in "${!pages[@]}"; do
  IFS='|' read -r name header path <<<"${pages[$i]}"
  line=$(timeout $((duration + 60)) wrk -t"$threads" -c"$conns" -d"${duration}s" --timeout 10s -s bench/portal.lua -H "$header" \
    "$base" -- "$path" | grep '^RESULT')
  echo "$i $line" >>"$results"
done

col() { awk -v i="$1" -v c="$2" '$1==i {print $c}' "$results"; }
profile_rps=$(col 0 3)
printf '\nPortico %s, %s subscriptions, %s keys, %s APIs, wrk -c%s, %ss per list, load average %s\n' \
  "$("$tmp/portico" version | cut -d' ' -f2)" "$subs" "$keys" "$synthetic synthetic + samples" "$conns" "$duration" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-46s %9s %8s %8s %8s %11s %7s %6s\n' list req/s p50_ms p95_ms p99_ms vs_profile errors p95≤50
for i in "${!pages[@]}"; do
  IFS='|' read -r name _ _ <<<"${pages[$i]}"
  if [ "$(col "$i" 8)" = 0 ]; then
    printf '%-46s %9s\n' "$name" "no answer within ${duration}s"
    continue
  fi
  p95=$(col "$i" 9)
  ok=$(awk -v p="$p95" 'BEGIN {print (p <= 50 ? "yes" : "NO")}')
  printf '%-46s %9.1f %8.2f %8.2f %8.2f %10.2fx %7s %6s\n' "$name" "$(col "$i" 3)" "$(col "$i" 4)" "$p95" "$(col "$i" 5)" \
    "$(awk -v a="$(col "$i" 3)" -v b="$profile_rps" 'BEGIN {print a/b}')" "$(awk -v i="$i" '$1==i {print $6+$7}' "$results")" "$ok"
done
