#!/bin/sh
# Benchmarks git-agentq against git itself, side by side in one run, and prints ratios
# (machines are noisy: absolute times mean little). Usage: bench/run.sh [EVENTS…]
# Default sizes: 1000, 10000 and 100000 events (pass 1000000 too: generated once, cached).
# Histories are cached under $AGENTQ_BENCH_DIR. Peak RSS needs /usr/bin/time (Debian's time).
set -eu
cd "$(dirname "$0")/.."
scripts/build.sh release git-agentq agentq_gen_history >/dev/null
BIN="$(pwd)/build/release"
export PATH="$BIN:$BIN/bench:$PATH" GIT_CONFIG_NOSYSTEM=1 HOME="${AGENTQ_BENCH_HOME:-$(mktemp -d)}"
DIR="${AGENTQ_BENCH_DIR:-/tmp/agentq-bench}"
RUNS="${AGENTQ_BENCH_RUNS:-5}"
mkdir -p "$DIR"
[ $# -gt 0 ] || set -- 1000 10000 100000

# median wall time in milliseconds of RUNS runs of a command (output discarded)
median_ms() {
  i=0
  while [ $i -lt "$RUNS" ]; do
    s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
    echo $(( (e - s) / 1000000 ))
    i=$((i + 1))
  done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) b = 1; printf "%.2f", a / b }'; }
# peak resident set size in KiB of one run
peak_kib() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

printf '%-10s %-34s %10s %10s %8s\n' events measurement "agentq ms" "git ms" ratio
for events in "$@"; do
  repo="$DIR/hist-$events"
  if [ ! -d "$repo" ]; then
    tasks=1000
    agentq_gen_history "$repo" --tasks "$tasks" --events "$events" >&2
  fi
  git -C "$repo" agentq validate -q || { echo "generated history does not validate" >&2; exit 1; }
  base=$(median_ms git -C "$repo" log --format=%B refs/agent-queue/log)
  cold_validate() { rm -rf "$repo/.git/agentq"; git -C "$repo" agentq validate -q; }
  cold_status() { rm -rf "$repo/.git/agentq"; git -C "$repo" agentq status; }
  warm_status() { git -C "$repo" agentq status; }
  v=$(median_ms cold_validate)
  s=$(median_ms cold_status)
  git -C "$repo" agentq status >/dev/null
  w=$(median_ms warm_status)
  wv=$(median_ms git -C "$repo" agentq validate -q)
  rp=$(median_ms git -C "$repo" rev-parse refs/agent-queue/log)
  printf '%-10s %-34s %10s %10s %8s\n' "$events" "cold validate / git log %B" "$v" "$base" "$(ratio "$v" "$base")"
  printf '%-10s %-34s %10s %10s %8s\n' "$events" "cold status / git log %B" "$s" "$base" "$(ratio "$s" "$base")"
  printf '%-10s %-34s %10s %10s %8s\n' "$events" "warm status / git rev-parse" "$w" "$rp" "$(ratio "$w" "$rp")"
  printf '%-10s %-34s %10s %10s %8s\n' "$events" "warm validate / git log %B" "$wv" "$base" "$(ratio "$wv" "$base")"
  if [ -x /usr/bin/time ]; then
    rm -rf "$repo/.git/agentq"
    rv=$(peak_kib git -C "$repo" agentq validate -q)
    rs=$(peak_kib git -C "$repo" agentq status)
    rg=$(peak_kib git -C "$repo" log --format=%B refs/agent-queue/log)
    printf '%-10s %-34s %10s %10s %8s\n' "$events" "peak KiB cold validate / git log" "$rv" "$rg" "$(ratio "$rv" "$rg")"
    printf '%-10s %-34s %10s %10s %8s\n' "$events" "peak KiB warm status / git log" "$rs" "$rg" "$(ratio "$rs" "$rg")"
  fi
done
