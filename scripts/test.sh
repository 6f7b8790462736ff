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
echo "== all tests passed (dev and asan)"
