#!/bin/sh
# Signed histories, side by side with git in one run; the targets are in parentheses:
#   cold validate of a signed history  vs  git log --show-signature refs/agent-queue/log  (>= 50x faster)
#   warm validate (signatures cached)  vs  validate of the same history unsigned          (<= 1.2x)
#   in-process ed25519 verify / event  vs  ssh-keygen -Y verify / event
# Usage: bench/verify.sh [EVENTS] (default 2000; git log --show-signature spawns ssh-keygen
# per commit, so it dominates the run time). Histories are cached under $AGENTQ_BENCH_DIR.
set -eu
cd "$(dirname "$0")/.."
# AGENTQ_BENCH_PRESET=dev measures the dev build (RelWithDebInfo) instead of building release.
preset=${AGENTQ_BENCH_PRESET:-release}
scripts/build.sh "$preset" git-agentq agentq_gen_history >/dev/null
BIN="$(pwd)/build/$preset"
export PATH="$BIN:$BIN/bench:$PATH" GIT_CONFIG_NOSYSTEM=1 HOME="${AGENTQ_BENCH_HOME:-$(mktemp -d)}"
DIR="${AGENTQ_BENCH_DIR:-/tmp/agentq-bench}"
RUNS="${AGENTQ_BENCH_RUNS:-5}"
GIT_RUNS="${AGENTQ_BENCH_GIT_RUNS:-3}"
events=${1:-2000}
tasks=$((events / 10))
mkdir -p "$DIR"

median_ms() {
  n=$1; shift
  i=0
  while [ $i -lt "$n" ]; do
    s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
    echo $(( (e - s) / 1000000 ))
    i=$((i + 1))
  done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) b = 1; printf "%.2f", a / b }'; }

signed="$DIR/signed-$events"
unsigned="$DIR/unsigned-$events"
[ -d "$signed" ] || agentq_gen_history "$signed" --tasks "$tasks" --events "$events" --signed >&2
[ -d "$unsigned" ] || agentq_gen_history "$unsigned" --tasks "$tasks" --events "$events" >&2
rm -rf "$signed/.git/agentq"
git -C "$signed" agentq validate -q || { echo "signed history does not validate" >&2; exit 1; }
git -C "$unsigned" agentq validate -q || { echo "unsigned history does not validate" >&2; exit 1; }

cold() { rm -rf "$signed/.git/agentq"; git -C "$signed" agentq validate -q; }
warm() { git -C "$signed" agentq validate -q; }
plain() { git -C "$unsigned" agentq validate -q; }
cold_ms=$(median_ms "$RUNS" cold)
git -C "$signed" agentq validate -q  # fill the cache
warm_ms=$(median_ms "$RUNS" warm)
plain_ms=$(median_ms "$RUNS" plain)
gitsig_ms=$(median_ms "$GIT_RUNS" git -C "$signed" log --show-signature refs/agent-queue/log)
good=$(git -C "$signed" log --show-signature refs/agent-queue/log 2>&1 | grep -c 'Good "git" signature' || true)
[ "$good" -eq "$events" ] || echo "warning: git verified $good of $events signatures" >&2

# One event, verified by ssh-keygen the way git does it (a process per signature).
tmp=$(mktemp -d)
git -C "$signed" cat-file commit refs/agent-queue/log >"$tmp/raw"
awk '/^gpgsig /{s=1; sub(/^gpgsig /,""); print > "'"$tmp/sig"'"; next}
     s && /^ /{sub(/^ /,""); print > "'"$tmp/sig"'"; next} {s=0; print > "'"$tmp/payload"'"}' "$tmp/raw"
printf 'bench namespaces="git" %s\n' "$(cat "$signed/.git/agentq-bench-key.pub")" >"$tmp/allowed"
one_keygen() { ssh-keygen -Y verify -f "$tmp/allowed" -I bench -n git -s "$tmp/sig" <"$tmp/payload"; }
ssh-keygen -Y verify -f "$tmp/allowed" -I bench -n git -s "$tmp/sig" <"$tmp/payload" >/dev/null 2>&1 ||
  echo "warning: ssh-keygen did not verify the sample event" >&2
keygen_us=$(( $(median_ms 21 one_keygen) * 1000 ))
inproc_us=$(agentq_gen_history --verify-bench "$signed")
rm -rf "$tmp"

printf '%-8s %-52s %10s %10s %8s\n' events measurement "agentq" "reference" ratio
printf '%-8s %-52s %8sms %8sms %8s\n' "$events" "git log --show-signature / cold validate (>= 50)" "$cold_ms" "$gitsig_ms" "$(ratio "$gitsig_ms" "$cold_ms")"
printf '%-8s %-52s %8sms %8sms %8s\n' "$events" "warm signed validate / unsigned validate (<= 1.2)" "$warm_ms" "$plain_ms" "$(ratio "$warm_ms" "$plain_ms")"
printf '%-8s %-52s %8sus %8sus %8s\n' "$events" "ssh-keygen -Y verify / in-process verify, per event" "$inproc_us" "$keygen_us" "$(ratio "$keygen_us" "$inproc_us")"
