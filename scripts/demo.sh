#!/usr/bin/env bash
# Set up qcoach on a Debian 12 machine, build it in Release into build/ and run the main demo:
# the learning_path example on its bundled week (examples/learning_path/data/week.json), which
# prints the plan, whether it keeps every hard constraint, why each module is where it is, and
# the comparison of the QUBO solvers with the dedicated classical method.
# Idempotent: a second run only rebuilds what changed. Runs as root or as a user with sudo.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="$(nproc 2>/dev/null || echo 2)"

"$root/scripts/install-deps.sh"

cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$root/build" --parallel "$jobs" --target learning_path
"$root/build/examples/learning_path/learning_path" --explain
