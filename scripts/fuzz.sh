#!/bin/sh
# Builds the libFuzzer targets (CMake preset `fuzz`: clang, ASan + UBSan) and runs each for a
# bounded time on its seed corpus in tests/fuzz/corpus/. Usage: scripts/fuzz.sh [SECONDS] [TARGET…]
# Targets: one per tests/fuzz/fuzz_<name>.cpp, e.g. definitions (the YAML loader), event (the
# event decoder and signature parsers); all of them by default.
# Exit 1 when a target crashed: the input is kept in build/fuzz/crashes/ — turn it into a
# regression test (tests/unit/fuzz_regressions_test.cpp) before fixing the bug. Exit 2 when a
# target does not build (or does not exist), 4 without clang.
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-30}
[ $# -gt 0 ] && shift
if [ $# -eq 0 ]; then
  for src in tests/fuzz/fuzz_*.cpp; do name=${src#tests/fuzz/fuzz_}; set -- "$@" "${name%.cpp}"; done
fi
command -v clang++ >/dev/null || { echo "fuzz: clang++ not found (scripts/setup.sh installs clang)" >&2; exit 4; }
targets=""
for target in "$@"; do targets="$targets fuzz_$target"; done
# shellcheck disable=SC2086 # one word per target
scripts/build.sh fuzz $targets || { echo "fuzz: cannot build$targets (preset fuzz)" >&2; exit 2; }
out=build/fuzz
mkdir -p "$out/crashes"
status=0
for target in "$@"; do
  work="$out/corpus-$target"
  mkdir -p "$work"
  echo "fuzz: $target for ${seconds}s" >&2
  if ! "$out/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$out/crashes/$target-" "$work" "tests/fuzz/corpus/$target" 2>"$out/$target.log"; then
    echo "fuzz: $target CRASHED; see $out/$target.log and $out/crashes/" >&2
    tail -30 "$out/$target.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_runs|cov:" "$out/$target.log" | tail -2 >&2 || true
  fi
done
exit $status
