#!/usr/bin/env bash
# Set up, build and run the whole qcoach test suite on a Debian 12 machine:
#  1. install the missing Debian packages;
#  2. Release build (-march=native) in build/, all tests through ctest (this includes the
#     find_package and add_subdirectory consumer checks and the example programs' runs); the
#     benchmarks are not built here (benchmarks/report.sh and the other report scripts build
#     what they run);
#  3. Debug build with AddressSanitizer + UndefinedBehaviorSanitizer in build/asan, tests again
#     (minimal debug information, -g1: function names and line numbers for the reports, at a
#     fraction of the compile time of -g).
# Idempotent: a second run reuses both build trees.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="$(nproc 2>/dev/null || echo 2)"

"$root/scripts/install-deps.sh"

echo "== Release build and tests"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release -DQCOACH_BUILD_BENCHMARKS=OFF
cmake --build "$root/build" --parallel "$jobs"
ctest --test-dir "$root/build" --output-on-failure --parallel "$jobs"

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build and tests"
cmake -S "$root" -B "$root/build/asan" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DQCOACH_SANITIZE=ON \
  -DQCOACH_BUILD_BENCHMARKS=OFF -DQCOACH_BUILD_EXAMPLES=OFF -DQCOACH_CONSUMER_TESTS=OFF
cmake --build "$root/build/asan" --parallel "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$root/build/asan" --output-on-failure --parallel "$jobs"

echo "== all tests passed"
