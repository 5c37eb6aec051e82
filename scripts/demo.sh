#!/usr/bin/env bash
# Set up qcoach on a Debian 12 machine, build it in Release into build/ and run the main demo.
# Idempotent: a second run only rebuilds what changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="$(nproc 2>/dev/null || echo 2)"

"$root/scripts/install-deps.sh"

cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$root/build" --parallel "$jobs" --target quickstart
"$root/build/examples/quickstart/quickstart" 4
