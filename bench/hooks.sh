#!/bin/sh
# The cost of git-agentq's reference-transaction shim on refs it does not guard, against a
# /bin/sh no-op hook, side by side in one run (target: <= 1.5x). Every git command that moves
# any ref runs the hook, so this is the tax the queue puts on everyday git.
# Usage: bench/hooks.sh [UPDATES]   (default 200 ref updates per measurement)
# AGENTQ_BIN_DIR=build/dev uses an existing build instead of building the release preset.
set -eu
cd "$(dirname "$0")/.."
if [ -n "${AGENTQ_BIN_DIR:-}" ]; then
  BIN="$(cd "$AGENTQ_BIN_DIR" && pwd)"
else
  scripts/build.sh release git-agentq >/dev/null
  BIN="$(pwd)/build/release"
fi
export PATH="$BIN:$PATH" GIT_CONFIG_NOSYSTEM=1 HOME="$(mktemp -d)"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
RUNS="${AGENTQ_BENCH_RUNS:-5}"
N="${1:-200}"
repo="$HOME/repo"

git init -q -b main "$repo"
mkdir -p "$repo/.agentq"
cat > "$repo/.agentq/queue.yaml" <<'YAML'
version: 1
policy: { base: main, release: rel }
roles: { dev: { kind: delivery }, coord: { kind: coordinator } }
actors: { a: { roles: [dev] }, h: { roles: [coord], human: true } }
tasks: [ { id: T1, role: dev } ]
YAML
git -C "$repo" add .agentq/queue.yaml
git -C "$repo" commit -q -m defs
git -C "$repo" commit -q --allow-empty -m second
A=$(git -C "$repo" rev-parse HEAD~1)
B=$(git -C "$repo" rev-parse HEAD)
git -C "$repo" agentq init -q

# N updates of an unguarded ref (a branch that is not base or release), alternating values.
updates() {
  i=0
  while [ $i -lt "$N" ]; do
    git -C "$repo" update-ref refs/heads/scratch "$A"
    git -C "$repo" update-ref refs/heads/scratch "$B"
    i=$((i + 2))
  done
}
median_ms() {
  i=0
  while [ $i -lt "$RUNS" ]; do
    s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
    echo $(( (e - s) / 1000000 ))
    i=$((i + 1))
  done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
hook="$repo/.git/hooks/reference-transaction"

rm -f "$hook"
none=$(median_ms updates)
printf '#!/bin/sh\nexit 0\n' > "$hook"
chmod +x "$hook"
noop=$(median_ms updates)
rm -f "$hook"
git -C "$repo" agentq install-hooks -q
grep -q '^# installed by git-agentq install-hooks$' "$hook"
shim=$(median_ms updates)
# The guarded path, for scale: base moved to what it already is (starts git-agentq).
guarded() { i=0; while [ $i -lt "$N" ]; do git -C "$repo" update-ref refs/heads/main "$B"; i=$((i + 2)); done; }
guard=$(median_ms guarded)

per() { awk -v t="$1" -v n="$N" 'BEGIN { printf "%.2f", t / n }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) b = 1; printf "%.2f", a / b }'; }
printf '%-44s %10s %12s\n' "reference-transaction, $N ref updates" "total ms" "ms/command"
printf '%-44s %10s %12s\n' "no hook" "$none" "$(per "$none")"
printf '%-44s %10s %12s\n' "/bin/sh no-op hook" "$noop" "$(per "$noop")"
printf '%-44s %10s %12s\n' "git-agentq shim, unguarded ref" "$shim" "$(per "$shim")"
printf '%-44s %10s %12s\n' "git-agentq shim, guarded ref (base, no-op)" "$guard" "$(per "$((guard * 2))")"
printf 'ratio shim / no-op hook (target <= 1.5): %s\n' "$(ratio "$shim" "$noop")"
printf 'added cost per command: no-op hook %s ms, shim %s ms (ratio of added costs %s)\n' \
  "$(per "$((noop - none))")" "$(per "$((shim - none))")" "$(ratio "$((shim - none))" "$((noop - none))")"
