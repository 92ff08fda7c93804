#!/usr/bin/env bash
# Load check of the portal's pages, as ratios from one run.
#
#   bench/portal.sh [--synthetic N] [--duration SECONDS] [--connections C] [--rounds R] [--pprof-addr 127.0.0.1:6060]
#                   [--baseline GIT-REV] [--pages healthz,profile,dashboard,catalog,search,api,docs,review,team]
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
# With --baseline, a second portal built from GIT-REV serves a copy of the same data (the baseline fills the
# demo, so the data carries the older build's migrations) and each page is measured on both builds in turns,
# the order swapped every round, so both see the same load; it prints both tables, then the two side by side.
# --pages measures only the pages named (/profile, the reference, always).
#
# Loopback only; everything it starts stops when it ends (at most about 20 minutes at the largest settings;
# twice that with --baseline).
# It needs wrk: installed with apt-get when missing (as root), like .ci/run does for chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

synthetic=0 duration=5 conns=16 rounds=1 pprof="" baseline="" only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --synthetic) synthetic="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) conns="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --pprof-addr) pprof="$2"; shift 2 ;;
    --baseline) baseline="$2"; shift 2 ;;
    --pages) only="$2"; shift 2 ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
if [ -n "$baseline" ] && ! git rev-parse --verify -q "$baseline^{commit}" >/dev/null; then
  echo "portal.sh: --baseline $baseline is not a commit of this repository" >&2; exit 2
fi
known=",healthz,profile,dashboard,catalog,search,api,docs,review,team,"
for k in ${only//,/ }; do
  [[ "$known" == *",$k,"* ]] || { echo "portal.sh: --pages: unknown page $k (see --help)" >&2; exit 2; }
done

if ! command -v wrk >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

tmp=$(mktemp -d /tmp/portico-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "building…" >&2
go build -o "$tmp/portico" ./cmd/portico
go build -o "$tmp/searchload" ./bench/searchload
filler="$tmp/portico"
if [ -n "$baseline" ]; then
  echo "building the baseline $(git rev-parse --short "$baseline")…" >&2
  mkdir "$tmp/base-src"
  git archive "$baseline" | tar -x -C "$tmp/base-src"
  (cd "$tmp/base-src" && go build -o "$tmp/portico-base" ./cmd/portico)
  filler="$tmp/portico-base"
fi

echo "filling the portal (demo, $synthetic synthetic APIs)…" >&2
demo_args=(demo --data "$tmp/data")
[ "$synthetic" -gt 0 ] && demo_args+=(--synthetic "$synthetic")
timeout 900 "$filler" "${demo_args[@]}" >"$tmp/demo.out" 2>"$tmp/demo.err" || { cat "$tmp/demo.err" >&2; exit 1; }
password=$(sed -n 's/^Demo users share one password, shown once: //p' "$tmp/demo.out")
[ -n "$password" ] || { echo "portal.sh: no demo password in the demo's output" >&2; exit 1; }
if [ -n "$baseline" ]; then cp -a "$tmp/data" "$tmp/data-base"; fi

# start NAME BINARY DATA [--pprof-addr A]: starts a portal, waits for /readyz and logs in; sets
# bases[NAME], cookies[NAME] and colds[NAME] (the cold start in ms).
declare -A bases cookies colds
start() {
  local name="$1" bin="$2" data="$3"; shift 3
  local t0 t1 b="" p
  t0=$(date +%s%N)
  "$bin" serve --data "$data" --addr 127.0.0.1:0 "$@" >"$tmp/serve-$name.out" 2>"$tmp/serve-$name.err" &
  p=$!
  pids+=("$p")
  for _ in $(seq 1 3000); do
    b=$(sed -n 's#.*log in at \(http://127\.0\.0\.1:[0-9]*\)/login.*#\1#p' "$tmp/serve-$name.out")
    [ -n "$b" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "$b/readyz")" = 200 ] && break
    kill -0 "$p" 2>/dev/null || { cat "$tmp/serve-$name.err" >&2; exit 1; }
    sleep 0.01
  done
  t1=$(date +%s%N)
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$b/readyz")" = 200 ] || { echo "portal.sh: $name not ready after 30 s" >&2; exit 1; }
  colds[$name]=$(( (t1 - t0) / 1000000 ))
  bases[$name]="$b"
  # Log in as a browser does: the login form's CSRF cookie and field, then the session cookie.
  local jar="$tmp/jar-$name" csrf code session
  # The form's token is derived from the login cookie: read it from the page.
  csrf=$(curl -s -c "$jar" -b "$jar" "$b/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
  code=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode username=rita \
    --data-urlencode "password=$password" --data-urlencode "_csrf=$csrf" "$b/login")
  session=$(awk '$6=="portico_session"{print $7}' "$jar")
  csrf=$(awk '$6=="portico_csrf"{print $7}' "$jar")
  [ "$code" = 303 ] && [ -n "$session" ] || { echo "portal.sh: login to $name failed ($code)" >&2; exit 1; }
  cookies[$name]="portico_session=$session; portico_csrf=$csrf"
}

builds=(new)
pprof_args=()
[ -n "$pprof" ] && pprof_args=(--pprof-addr "$pprof")
start new "$tmp/portico" "$tmp/data" "${pprof_args[@]}"
pid="${pids[0]}"
if [ -n "$baseline" ]; then
  builds+=(base)
  start base "$tmp/portico-base" "$tmp/data-base"
fi
base="${bases[new]}"
token=$("$tmp/portico" token create --data "$tmp/data" --username rita --name bench)
api() { curl -sf -H "Authorization: Bearer $token" "$base/api/v1/$1"; }

# What to open: the sample with the most operations (Stripe, 203) and the demo's open review.
big=stripe
bigversion=$(api "apis/$big" | jq -r '.versions[] | select(.state=="published") | .version' | head -1)
review=$(api "reviews?state=open" | jq -r '.reviews[0].id')
[ -n "$bigversion" ] && [ "$review" != null ] || { echo "portal.sh: demo data missing (stripe, an open review)" >&2; exit 1; }
queries=(/catalog?q=send+an+sms /catalog?q=refund+a+payment /catalog?q=create+an+invoice /catalog?q=upload+a+file
  /catalog?q=list+playlists /catalog?q=geocode+an+address /catalog?q=weather+forecast /catalog?q=create+a+customer)

# key|name|cookie(yes/no)|paths…
all=(
  "healthz|/healthz (no cookie)|no|/healthz"
  "profile|/profile|yes|/profile"
  "dashboard|dashboard /|yes|/"
  "catalog|/catalog|yes|/catalog"
  "search|/catalog?q= (${#queries[@]} queries)|yes|${queries[*]}"
  "api|API page /apis/$big|yes|/apis/$big"
  "docs|docs /apis/$big/versions/$bigversion|yes|/apis/$big/versions/$bigversion"
  "review|review /reviews/$review|yes|/reviews/$review"
  "team|team /teams/payments|yes|/teams/payments"
)
pages=()
for p in "${all[@]}"; do
  k="${p%%|*}"
  if [ -z "$only" ] || [ "$k" = profile ] || [[ ",$only," == *",$k,"* ]]; then pages+=("$p"); fi
done
for b in "${builds[@]}"; do
  for p in "${pages[@]}"; do
    IFS='|' read -r _ name withcookie paths <<<"$p"
    for path in $paths; do
      h=(); [ "$withcookie" = yes ] && h=(-H "Cookie: ${cookies[$b]}")
      code=$(curl -s -o /dev/null -w '%{http_code}' "${h[@]}" "${bases[$b]}$path")
      [ "$code" = 200 ] || { echo "portal.sh: $path answered $code ($b)" >&2; exit 1; }
    done
  done
done

echo "measuring: ${#pages[@]} pages × ${#builds[@]} build(s) × $rounds round(s) × ${duration}s, $conns connections…" >&2
results="$tmp/results"
: >"$results"
loads=()
for r in $(seq 1 "$rounds"); do
  order=("${builds[@]}")
  [ $((r % 2)) = 0 ] && [ "${#builds[@]}" = 2 ] && order=(base new)
  for i in "${!pages[@]}"; do
    IFS='|' read -r _ name withcookie paths <<<"${pages[$i]}"
    for b in "${order[@]}"; do
      h=(); [ "$withcookie" = yes ] && h=(-H "Cookie: ${cookies[$b]}")
      # shellcheck disable=SC2086 # paths are words
      line=$(timeout $((duration + 60)) wrk -t2 -c"$conns" -d"${duration}s" --timeout 10s -s bench/portal.lua "${h[@]}" \
        "${bases[$b]}" -- $paths | grep '^RESULT')
      echo "$b $i $line" >>"$results"
    done
  done
  loads+=("$(cut -d' ' -f1 /proc/loadavg)")
done

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
col() { awk -v b="$1" -v i="$2" -v c="$(($3 + 1))" '$1==b && $2==i {print $c}' "$results" | median; }
idx() { local i; for i in "${!pages[@]}"; do [ "${pages[$i]%%|*}" = "$1" ] && { echo "$i"; return; }; done; echo -1; }
pi=$(idx profile) hi=$(idx healthz)
load=$(cut -d' ' -f1-3 /proc/loadavg)
label() { if [ "$1" = base ]; then echo "baseline $(git rev-parse --short "$baseline")"; else echo "this tree"; fi; }
for b in "${builds[@]}"; do
  profile_rps=$(col "$b" "$pi" 3)
  printf '\nPortico %s (%s), %s APIs (%s synthetic), wrk -t2 -c%s, %ss per page, %s round(s), load average %s (after each round: %s)\n' \
    "$("$tmp/portico" version | cut -d' ' -f2)" "$(label "$b")" \
    "$(( $(sed -n 's/^published \([0-9]*\) sample.*/\1/p' "$tmp/demo.out") + synthetic ))" \
    "$synthetic" "$conns" "$duration" "$rounds" "$load" "${loads[*]}"
  printf '%-44s %10s %9s %9s %10s %8s\n' page req/s p50_ms p99_ms vs_profile errors
  for i in "${!pages[@]}"; do
    IFS='|' read -r _ name _ _ <<<"${pages[$i]}"
    rps=$(col "$b" "$i" 3)
    errs=$(awk -v b="$b" -v i="$i" '$1==b && $2==i {s+=$7+$8} END {print s+0}' "$results")
    if [ "$(col "$b" "$i" 8)" = 0 ]; then
      # wrk counts only the requests answered within the run.
      printf '%-44s %10s %9s %9s %10s %8s\n' "$name" "none" ">${duration}s" "" "0x" "$errs"
      continue
    fi
    printf '%-44s %10.1f %9.2f %9.2f %9.2fx %8s\n' "$name" "$rps" "$(col "$b" "$i" 4)" "$(col "$b" "$i" 5)" \
      "$(awk -v a="$rps" -v b="$profile_rps" 'BEGIN {print a/b}')" "$errs"
  done
  if [ "$hi" != -1 ]; then
    printf '%-44s %10s\n' "/profile vs /healthz (no cookie)" "$(awk -v a="$profile_rps" -v b="$(col "$b" "$hi" 3)" 'BEGIN {printf "%.2fx", a/b}')"
  fi
done
if [ -n "$baseline" ]; then
  printf '\nside by side (req/s as medians; each page measured on both builds in alternating turns):\n'
  printf '%-44s %10s %10s %8s %12s %12s\n' page base_req/s new_req/s new/base base_vs_prof new_vs_prof
  for i in "${!pages[@]}"; do
    IFS='|' read -r _ name _ _ <<<"${pages[$i]}"
    o=$(col base "$i" 3) n=$(col new "$i" 3) op=$(col base "$pi" 3) np=$(col new "$pi" 3)
    awk -v name="$name" -v o="$o" -v n="$n" -v op="$op" -v np="$np" \
      'BEGIN {printf "%-44s %10.1f %10.1f %7.2fx %11.2fx %11.2fx\n", name, o, n, (o ? n/o : 0), (op ? o/op : 0), (np ? n/np : 0)}'
  done
  if [ "$hi" != -1 ]; then
    printf '%-44s %10s %10s\n' "/profile vs /healthz" "$(awk -v a="$(col base "$pi" 3)" -v b="$(col base "$hi" 3)" 'BEGIN {printf "%.3fx", a/b}')" \
      "$(awk -v a="$(col new "$pi" 3)" -v b="$(col new "$hi" 3)" 'BEGIN {printf "%.3fx", a/b}')"
  fi
fi

echo
echo "search API (GET /api/v1/search, bench/searchload, one client, 10 s):"
"$tmp/searchload" -url "$base" -token "$token" -duration 10s -c 1 -n 200000 | sed 's/^/  /'
rss=$(awk '/^VmRSS/ {print int($2/1024)}' "/proc/$pid/status")
hwm=$(awk '/^VmHWM/ {print int($2/1024)}' "/proc/$pid/status")
echo
printf 'portal memory: RSS %s MB now, peak %s MB\n' "$rss" "$hwm"
printf 'cold start to /readyz: %s ms\n' "${colds[new]}"
