#!/usr/bin/env bash
# What the shared Redis limiter adds per gateway request: p50/p99 of
# ratelimit.Redis.Allow against ratelimit.Local.Allow, in alternating rounds
# of one run (see bench/ratelimitbench). Needs a Redis (default 127.0.0.1:6379).
#
#   bench/ratelimit.sh [-redis-url redis://127.0.0.1:6379/0] [-n 100000] [-c 32] [-subs 1000] [-rounds 3]
#
# -compare REV runs the benchmark as built at REV (a commit before the
# leases, say) against this tree's, in turns (the order swapped each turn),
# with one hot subscription (-subs 1), 1,000 subscriptions and every call a
# cold subscription (-subs = -n), and prints each run's p50/p99 of both
# limiters, the p99 Redis adds and the load average, then the medians:
#
#   bench/ratelimit.sh -compare REV [-turns 3] [-redis-url …] [-n 50000] [-c 4]
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" != "-compare" ]]; then
	exec go run ./bench/ratelimitbench "$@"
fi
rev=$2
shift 2
turns=3
if [[ "${1:-}" == "-turns" ]]; then
	turns=$2
	shift 2
fi
n=50000
args=()
while [[ $# -gt 0 ]]; do
	case $1 in
	-n) n=$2; shift 2 ;;
	*) args+=("$1"); shift ;;
	esac
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/old"
git archive "$rev" | tar -x -C "$tmp/old"
(cd "$tmp/old" && go build -o "$tmp/bench-old" ./bench/ratelimitbench)
go build -o "$tmp/bench-new" ./bench/ratelimitbench

# us converts a Go duration (350ns, 12.5µs, 1.2ms, 1.5s) to microseconds.
us() {
	awk -v d="$1" 'BEGIN {
		if (d ~ /ns$/) { sub(/ns$/, "", d); print d / 1000 }
		else if (d ~ /µs$/) { sub(/µs$/, "", d); print d + 0 }
		else if (d ~ /ms$/) { sub(/ms$/, "", d); print d * 1000 }
		else if (d ~ /s$/) { sub(/s$/, "", d); print d * 1000000 }
		else print d + 0 }'
}
printf '%-5s %-5s %-4s %10s %10s %10s %10s %10s  %s\n' turn mode build local_p50 local_p99 redis_p50 redis_p99 added_p99 "load average (µs)"
results=$tmp/results
for turn in $(seq "$turns"); do
	builds=(old new)
	if ((turn % 2 == 0)); then builds=(new old); fi
	for mode in hot warm cold; do
		case $mode in
		hot) subs=1 ;;
		warm) subs=1000 ;;
		cold) subs=$n ;;
		esac
		for build in "${builds[@]}"; do
			load=$(cut -d' ' -f1-3 /proc/loadavg)
			out=$("$tmp/bench-$build" -rounds 1 -n "$n" -subs "$subs" "${args[@]}")
			lp50=$(us "$(awk '$1 == "local" && NF == 4 {print $2}' <<<"$out")")
			lp99=$(us "$(awk '$1 == "local" && NF == 4 {print $3}' <<<"$out")")
			rp50=$(us "$(awk '$1 == "redis" && NF == 4 {print $2}' <<<"$out")")
			rp99=$(us "$(awk '$1 == "redis" && NF == 4 {print $3}' <<<"$out")")
			added=$(awk -v a="$rp99" -v b="$lp99" 'BEGIN {print a - b}')
			printf '%-5s %-5s %-4s %10s %10s %10s %10s %10s  %s\n' "$turn" "$mode" "$build" "$lp50" "$lp99" "$rp50" "$rp99" "$added" "$load"
			echo "$mode $build $added $rp50" >>"$results"
		done
	done
done
echo "medians over $turns turns (µs):"
for mode in hot warm cold; do
	for build in old new; do
		med=$(awk -v m="$mode" -v b="$build" '$1 == m && $2 == b {print $3}' "$results" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
		p50=$(awk -v m="$mode" -v b="$build" '$1 == m && $2 == b {print $4}' "$results" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
		printf '  %-5s %-4s redis p50 %10s  p99 added %10s\n' "$mode" "$build" "$p50" "$med"
	done
done
