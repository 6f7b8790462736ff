#!/bin/sh
# Builds and runs the whole test suite: the dev build, then the same suite under ASan+UBSan.
set -eu
cd "$(dirname "$0")/.."
for preset in dev asan; do
  echo "== $preset: build"
  scripts/build.sh "$preset"
  echo "== $preset: test"
  ctest --preset "$preset"
done
# Bounded fuzzing (libFuzzer, clang): opt-in here because the first run compiles core/ with
# clang and ASan; AGENTQ_FUZZ_SECONDS=30 runs each target that long (.ci/run sets it).
if [ -n "${AGENTQ_FUZZ_SECONDS:-}" ]; then
  echo "== fuzz: ${AGENTQ_FUZZ_SECONDS}s per target"
  scripts/fuzz.sh "$AGENTQ_FUZZ_SECONDS"
fi
echo "== all tests passed (dev and asan)"
