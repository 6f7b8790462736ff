#!/bin/sh
# Configures and builds one CMake preset (default: dev). Usage: scripts/build.sh [PRESET] [TARGET…]
set -eu
cd "$(dirname "$0")/.."
preset=${1:-dev}
[ $# -gt 0 ] && shift
cmake --preset "$preset" >/dev/null
if [ $# -gt 0 ]; then
  for t in "$@"; do cmake --build --preset "$preset" --target "$t"; done
else
  cmake --build --preset "$preset"
fi
