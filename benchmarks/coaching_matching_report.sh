#!/usr/bin/env bash
# Run the coach_matching example on the OR-Library GAP instances gap1-gap12 (60 files,
# benchmarks/data/gap_orlib/cattrysse1994, maximization) and print one row per instance:
#
#   instance  optimum  found  gap %  feasible  time s  QUBO best  QUBO feasible
#
# "found" is the objective of the plan the example shows (--solver auto: the best feasible plan
# of every method it ran), "gap %" its gap to the published optimum (OR-Library gapinfo table,
# embedded in the example from the data folder's README), "time s" the wall time of the whole
# program run (reading, the QUBO solvers and the local search). "QUBO best" is the best feasible
# objective any QUBO solver returned on its own ("-": none was feasible) and "QUBO feasible" how
# many of the QUBO runs were feasible. A summary follows: feasible count, mean and largest gap,
# largest time, and the same for the QUBO solvers alone.
#
# The values come from the example's --json output (one object on one line), read with awk: no
# python or jq needed.
#
# usage: benchmarks/coaching_matching_report.sh [extra coach_matching flags...]
#   e.g. benchmarks/coaching_matching_report.sh --repair --time-limit 2
# Environment: QCOACH_BUILD_DIR (default <repo>/build), EXE (default
# $QCOACH_BUILD_DIR/examples/coach_matching/coach_matching), THREADS (default 2), SEED (default 1),
# INSTANCES (default: gap1-0 .. gap12-4; names of files in the data folder).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QCOACH_BUILD_DIR:-$root/build}"
exe="${EXE:-$build/examples/coach_matching/coach_matching}"
data="$root/benchmarks/data/gap_orlib/cattrysse1994"
threads="${THREADS:-2}"
seed="${SEED:-1}"
if [ ! -x "$exe" ]; then
  echo "no coach_matching executable at $exe; build it first, e.g." >&2
  echo "  cmake --build $build --target coach_matching" >&2
  exit 1
fi
if [ -n "${INSTANCES:-}" ]; then
  instances=($INSTANCES)
else
  instances=()
  for k in $(seq 1 12); do for i in 0 1 2 3 4; do instances+=("gap$k-$i"); done; done
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for inst in "${instances[@]}"; do
  start=$(date +%s.%N)
  if ! "$exe" --gap "$data/$inst" --json --threads "$threads" --seed "$seed" "$@" >"$tmp/out" 2>"$tmp/err"; then
    echo "coach_matching failed on $inst:" >&2
    cat "$tmp/err" >&2
    exit 1
  fi
  end=$(date +%s.%N)
  printf '%s %s %s\n' "$inst" "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')" "$(cat "$tmp/out")"
done | awk '
  # The first occurrence of a key is the top-level one: the example prints them before the
  # comparison rows.
  function field(line, key,   re, v) {
    re = "\"" key "\":"
    if (!match(line, re)) return ""
    v = substr(line, RSTART + RLENGTH)
    if (substr(v, 1, 1) == "\"") { v = substr(v, 2); sub(/".*/, "", v); return v }
    sub(/[,}].*/, "", v)
    return v
  }
  BEGIN {
    printf "%-9s %8s %8s %7s %8s %7s %10s %13s\n", "instance", "optimum", "found", "gap %", "feasible", "time s", "QUBO best", "QUBO feasible"
  }
  {
    inst = $1; t = $2; line = $0; sub(/^[^ ]+ [^ ]+ /, "", line)
    opt = field(line, "optimum"); found = field(line, "objective"); feas = field(line, "feasible")
    gap = field(line, "gap_percent"); qb = field(line, "qubo_best_feasible")
    qf = field(line, "qubo_feasible_runs"); qr = field(line, "qubo_runs")
    n++
    if (feas == "true") { nf++; sumgap += gap; if (gap > maxgap) maxgap = gap }
    if (t > maxt) maxt = t
    sumt += t
    qgap = "-"
    if (qb != "null" && opt != "null" && opt != 0) {
      qgap = 100 * (opt - qb) / opt; nq++; sumq += qgap
      if (qgap > maxq) maxq = qgap
    }
    printf "%-9s %8s %8s %7s %8s %7.2f %10s %13s\n", inst, opt, found, (gap == "null" ? "-" : sprintf("%.2f", gap)), \
      (feas == "true" ? "yes" : "NO"), t, (qb == "null" ? "-" : qb), qf "/" qr
  }
  END {
    printf "\n%d instances: %d feasible; mean gap %.3f %%, largest %.3f %% (feasible ones); time mean %.2f s, largest %.2f s\n", \
      n, nf, (nf ? sumgap / nf : 0), maxgap, (n ? sumt / n : 0), maxt
    printf "QUBO solvers alone: a feasible plan on %d of %d instances", nq, n
    if (nq) printf "; mean gap %.2f %%, largest %.2f %% (on those)", sumq / nq, maxq
    printf "\n"
  }'
