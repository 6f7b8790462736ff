#!/bin/sh
# Concurrent claims against a bare origin on the local filesystem: CLONES clones (default 16)
# claim at the same moment, and one run prints claims per second, double claims and lost
# events (both must be 0) and how every race loser was told.
#
#   phase 1, throughput: every clone runs `claim --next` until nothing is left, all at once
#            (TASKS tasks, default 4 per clone, one role with a lane per task);
#   phase 2, contention: ROUNDS times, every clone claims the same task at the same moment.
#
# Usage: bench/claims.sh [CLONES]   (AGENTQ_BENCH_TASKS, AGENTQ_BENCH_ROUNDS change the sizes)
# Exit status 1 when a double claim, a lost event or a loser with another code was seen.
set -eu
cd "$(dirname "$0")/.."
scripts/build.sh release git-agentq >/dev/null
BIN="$(pwd)/build/release"
CLONES=${1:-16}
TASKS=${AGENTQ_BENCH_TASKS:-$((CLONES * 4))}
ROUNDS=${AGENTQ_BENCH_ROUNDS:-5}
W=$(mktemp -d "${TMPDIR:-/tmp}/agentq-claims.XXXXXX")
trap 'rm -rf "$W"' EXIT
export PATH="$BIN:$PATH" HOME="$W/home" GIT_CONFIG_NOSYSTEM=1 LC_ALL=C NO_COLOR=1 \
  GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
unset AGENTQ_ACTOR AGENTQ_NOW AGENTQ_SYNC_ATTEMPTS GIT_DIR
mkdir -p "$HOME"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# --- the queue: role work (a lane per task) for phase 1, role hot for phase 2 ----------------
git init -q --bare -b main "$W/origin.git"
git init -q -b main "$W/seed"
mkdir -p "$W/seed/.agentq"
{
  printf 'version: 1\npolicy:\n  base: main\n  remote: origin\nroles:\n'
  printf '  work: { kind: delivery, lanes: %s }\n  hot: { kind: delivery, lanes: %s }\nactors:\n' "$TASKS" "$ROUNDS"
  i=1; while [ $i -le "$CLONES" ]; do printf '  a%s: { roles: [work, hot] }\n' $i; i=$((i + 1)); done
  printf 'tasks:\n'
  i=1; while [ $i -le "$TASKS" ]; do printf '  - { id: T-%s, title: t%s, role: work }\n' $i $i; i=$((i + 1)); done
  i=1; while [ $i -le "$ROUNDS" ]; do printf '  - { id: R-%s, title: contended %s, role: hot }\n' $i $i; i=$((i + 1)); done
} >"$W/seed/.agentq/queue.yaml"
git -C "$W/seed" add -A
git -C "$W/seed" commit -qm "queue definitions"
git -C "$W/seed" remote add origin "$W/origin.git"
git -C "$W/seed" push -q origin main
git -C "$W/seed" agentq init -q
i=1
while [ $i -le "$CLONES" ]; do
  git clone -q "$W/origin.git" "$W/c$i"
  git -C "$W/c$i" agentq sync -q
  i=$((i + 1))
done

# Starts `$2…` in every clone (with `{i}` replaced by the clone's number) at one moment, each
# writing its outputs under $W/$1; waits for all.
race() {
  dir="$W/$1"; shift
  mkdir -p "$dir"
  i=1
  while [ $i -le "$CLONES" ]; do
    (
      cd "$W/c$i"
      while [ ! -e "$dir/go" ]; do sleep 0.01; done
      eval "$(printf '%s' "$*" | sed "s/{i}/$i/g")" >"$dir/out.$i" 2>"$dir/err.$i"
    ) &
    i=$((i + 1))
  done
  start=$(now_ms)
  touch "$dir/go"
  wait
  echo $(($(now_ms) - start))
}

# --- phase 1: throughput --------------------------------------------------------------------
ms=$(race p1 'while out=$(git agentq claim --next --role work --actor a{i} --json 2>>err); do printf "%s\n" "$out" | sed -n "s/^  \"claim\": \"\(.*\)\",/\1/p"; done; echo "exit $?" >>err')
cat "$W"/p1/out.* >"$W/acked"
claims=$(wc -l <"$W/acked")

# --- phase 2: contention --------------------------------------------------------------------
winners_bad=0; losers=0; losers_ok=0; contended_ms=0
r=1
while [ $r -le "$ROUNDS" ]; do
  ms2=$(race "p2-$r" "git agentq claim R-$r --actor a{i} --json")
  contended_ms=$((contended_ms + ms2))
  won=0
  i=1
  while [ $i -le "$CLONES" ]; do
    if grep -q '"ok": true' "$W/p2-$r/out.$i"; then
      won=$((won + 1))
      sed -n 's/^  "claim": "\(.*\)",/\1/p' "$W/p2-$r/out.$i" >>"$W/acked"
    else
      losers=$((losers + 1))
      if grep -q 'error\[\(LOST_RACE\|ALREADY_CLAIMED\)\]' "$W/p2-$r/err.$i"; then losers_ok=$((losers_ok + 1)); fi
    fi
    i=$((i + 1))
  done
  [ "$won" -eq 1 ] || winners_bad=$((winners_bad + 1))
  r=$((r + 1))
done

# --- the judge: origin --------------------------------------------------------------------------
git -C "$W/origin.git" log --format=%B refs/agent-queue/log >"$W/origin.log"
git -C "$W/origin.git" log --format=%s refs/agent-queue/log | sed -n 's/^claim \([^ ]*\) .*/\1/p' | sort | uniq -c |
  awk '$1 > 1 { d += $1 - 1 } END { print d + 0 }' >"$W/doubles"
double_claims=$(cat "$W/doubles")
lost=0
while read -r id; do grep -q "\"id\":\"$id\"" "$W/origin.log" || lost=$((lost + 1)); done <"$W/acked"
valid=ok
git -C "$W/origin.git" agentq validate -q || valid=FAILED
merges=$(git -C "$W/origin.git" rev-list --merges refs/agent-queue/log | wc -l)

rate=$(awk -v c="$claims" -v ms="$ms" 'BEGIN { if (ms == 0) ms = 1; printf "%.1f", c * 1000 / ms }')
printf '%-44s %s\n' "clones (bare origin on the local filesystem)" "$CLONES"
printf '%-44s %s claims in %s ms = %s claims/s\n' "phase 1: claim --next, all clones at once" "$claims" "$ms" "$rate"
printf '%-44s %s rounds, %s ms, rounds without exactly one winner: %s\n' "phase 2: one task, all clones at once" \
  "$ROUNDS" "$contended_ms" "$winners_bad"
printf '%-44s %s of %s\n' "losers told LOST_RACE or ALREADY_CLAIMED" "$losers_ok" "$losers"
printf '%-44s %s\n' "double claims (must be 0)" "$double_claims"
printf '%-44s %s\n' "lost events (must be 0)" "$lost"
printf '%-44s %s, merges in the log: %s\n' "origin validate" "$valid" "$merges"
[ "$double_claims" -eq 0 ] && [ "$lost" -eq 0 ] && [ "$winners_bad" -eq 0 ] && [ "$losers_ok" -eq "$losers" ] &&
  [ "$valid" = ok ] && [ "$merges" -eq 0 ] && [ "$claims" -eq "$TASKS" ]
