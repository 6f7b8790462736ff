#!/bin/sh
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a bounded time on
# its seed corpus in tests/fuzz/corpus/. Usage: scripts/fuzz.sh [SECONDS] [TARGET…]
# Targets: definitions (the YAML loader), event (the event decoder and signature parsers).
# Exit 1 when a target crashed: the input is kept in build/fuzz/crashes/ — turn it into a
# regression test (tests/unit/fuzz_regressions_test.cpp) before fixing the bug.
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-30}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- definitions event
CXX=${FUZZ_CXX:-clang++}
command -v "$CXX" >/dev/null || { echo "fuzz: $CXX not found (scripts/setup.sh installs clang)" >&2; exit 4; }
out=build/fuzz
mkdir -p "$out/obj" "$out/crashes"
flags="-std=c++20 -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -I. -DCXXOPTS_VECTOR_DELIMITER='\\0'"
# core/ only: pure code, no libgit2 (what the targets exercise lives there).
objs=""
for src in core/*.cpp; do
  obj="$out/obj/$(basename "$src" .cpp).o"
  if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find core -name '*.h' -newer "$obj" | head -1)" ]; then
    echo "fuzz: compiling $src" >&2
    eval "$CXX $flags -c $src -o $obj"
  fi
  objs="$objs $obj"
done
# core links libcrypto (core/digest.cpp: SHA-256).
libs="$(pkg-config --libs yaml-cpp 2>/dev/null || echo -lyaml-cpp) $(pkg-config --libs libcrypto 2>/dev/null || echo -lcrypto)"
status=0
for target in "$@"; do
  bin="$out/fuzz_$target"
  eval "$CXX $flags -fsanitize=fuzzer tests/fuzz/fuzz_$target.cpp $objs $libs -o $bin"
  work="$out/corpus-$target"
  mkdir -p "$work"
  echo "fuzz: $target for ${seconds}s" >&2
  if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$out/crashes/$target-" "$work" "tests/fuzz/corpus/$target" 2>"$out/$target.log"; then
    echo "fuzz: $target CRASHED; see $out/$target.log and $out/crashes/" >&2
    tail -30 "$out/$target.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_runs|cov:" "$out/$target.log" | tail -2 >&2 || true
  fi
done
exit $status
