#!/bin/sh
# Builds and runs the whole test suite: the dev build, then the same suite under ASan+UBSan.
# Every step prints the time since the start (CI has two cores and a 30 min budget).
set -eu
cd "$(dirname "$0")/.."
start=$(date +%s)
at() { echo "at $(( $(date +%s) - start ))s"; }
for preset in dev asan; do
  echo "== $preset: build ($(at))"
  scripts/build.sh "$preset"
  echo "== $preset: test ($(at))"
  ctest --preset "$preset"
done
# Bounded fuzzing (libFuzzer via clang, ASan+UBSan) of the YAML loader and the event decoder:
# AGENTQ_FUZZ_SECONDS per target (default 20; 0 skips it, e.g. for a quick local run).
fuzz_seconds=${AGENTQ_FUZZ_SECONDS:-20}
if [ "$fuzz_seconds" -gt 0 ]; then
  echo "== fuzz: build, then ${fuzz_seconds}s per target ($(at))"
  scripts/fuzz.sh "$fuzz_seconds"
fi
echo "== all tests passed (dev, asan, fuzz) $(at)"
