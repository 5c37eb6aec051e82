#!/usr/bin/env bash
# Run the QUBO solver benchmarks that are built (bench_qubo_exact, bench_qubo_anneal,
# bench_qubo_tabu, bench_qubo_tempering, and any other bench_qubo_*) and print
#
#   1. a quality table, one row per benchmark that reports a best value:
#        solver  instance  best-known  best found  gap %  time to best (s)  reached
#      "best found" and "time to best" are the means over the benchmark's seeds; "reached" is
#      the fraction of seeds that reached the best-known value; "-" where a benchmark does not
#      report the quantity;
#   2. a throughput table: items per second (flip attempts, moves, states) per benchmark.
#
# The values come from Google Benchmark's JSON output (one field per line), read with awk:
# no python or jq needed. Counters understood: best_known, best_mean / best_cut_mean /
# best_objective / best_cut, tts_mean_s / time_to_best_s, reached_fraction,
# states_per_s_per_thread. A benchmark without best_known gets it from the table below when
# its instance is one of benchmarks/data (values from the READMEs there).
#
# usage: benchmarks/qubo_report.sh [google-benchmark flags...]
#   e.g. benchmarks/qubo_report.sh --benchmark_filter='time_to_target'
# Environment: QCOACH_BUILD_DIR (default <repo>/build), BENCHES (default: every
# bench_qubo_* executable in $QCOACH_BUILD_DIR/benchmarks; names, or paths when they contain a
# slash), JSON_DIR (keep the raw JSON there).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QCOACH_BUILD_DIR:-$root/build}"

benches=()
if [ -n "${BENCHES:-}" ]; then
  for b in $BENCHES; do
    case "$b" in */*) benches+=("$b") ;; *) benches+=("$build/benchmarks/$b") ;; esac
  done
else
  for b in "$build"/benchmarks/bench_qubo_*; do [ -x "$b" ] && benches+=("$b"); done
fi
if [ "${#benches[@]}" -eq 0 ]; then
  echo "no bench_qubo_* executable in $build/benchmarks; build them first, e.g." >&2
  echo "  cmake --build $build --target bench_qubo_tabu bench_qubo_tempering" >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
json_files=()
for b in "${benches[@]}"; do
  out="$tmp/$(basename "$b").json"
  echo "# running $(basename "$b")" >&2
  if ! "$b" --benchmark_format=json "$@" >"$out" 2>"$tmp/log"; then
    cat "$tmp/log" >&2
    exit 1
  fi
  json_files+=("$out")
done
if [ -n "${JSON_DIR:-}" ]; then mkdir -p "$JSON_DIR" && cp "${json_files[@]}" "$JSON_DIR"/; fi

awk '
  BEGIN {
    # Best-known values (maximization: BQP objective, MaxCut cut) of the benchmark data.
    known["G1"] = 11624; known["G22"] = 13359; known["G43"] = 6660
    split("45607 44810 49037 41274 47961 41014 46757 35726 48916 40442", b250, " ")
    split("116586 128339 130812 130097 125487 121772 122201 123559 120798 130619", b500, " ")
    split("371438 354932 371236 370675 352760 359629 371193 351994 349337 351415", b1000, " ")
    for (k = 1; k <= 10; k++) {
      known["bqp250_" k] = b250[k]; known["bqp500_" k] = b500[k]; known["bqp1000_" k] = b1000[k]
    }
    rows = 0; trows = 0; inbench = 0
  }
  function flush(   solver, inst, parts, n, bk, best, gap, tts, reach, items) {
    if (name == "") return
    n = split(name, parts, "/")
    solver = parts[1]; sub(/^BM_/, "", solver)
    inst = "-"
    if (n > 1 && parts[2] !~ /:/) inst = parts[2]
    else if (match(parts[1], /_(G[0-9]+|bqp[0-9]+_[0-9]+)$/)) inst = substr(parts[1], RSTART + 1)
    sub(/_.*/, "", solver)
    best = ("best_mean" in v) ? v["best_mean"] : ("best_cut_mean" in v) ? v["best_cut_mean"] : \
           ("best_objective" in v) ? v["best_objective"] : ("best_cut" in v) ? v["best_cut"] : ""
    if (best != "") {
      bk = ("best_known" in v) ? v["best_known"] : (inst in known) ? known[inst] : ""
      gap = (bk != "" && bk != 0) ? sprintf("%.4f", 100 * (bk - best) / bk) : "-"
      tts = ("tts_mean_s" in v) ? sprintf("%.3g", v["tts_mean_s"]) : ("time_to_best_s" in v) ? sprintf("%.3g", v["time_to_best_s"]) : "-"
      reach = ("reached_fraction" in v) ? sprintf("%.2f", v["reached_fraction"]) : "-"
      row[++rows] = sprintf("%-10s %-14s %12s %14s %9s %12s %8s  %s", solver, inst, (bk == "" ? "-" : sprintf("%.0f", bk)),
                            sprintf("%.1f", best), gap, tts, reach, name)
    }
    items = ("items_per_second" in v) ? v["items_per_second"] : ("states_per_s_per_thread" in v) ? v["states_per_s_per_thread"] : ""
    if (items != "") trow[++trows] = sprintf("%-10s %14.4g  %s%s", solver, items, name, ("states_per_s_per_thread" in v) ? " (per thread)" : "")
  }
  /"benchmarks": \[/ { inbench = 1; next }
  !inbench { next }
  /^ *\{ *$/ { name = ""; delete v; next }
  /^ *\}/ { flush(); name = ""; delete v; next }
  {
    line = $0
    if (match(line, /"[^"]+": /)) {
      key = substr(line, RSTART + 1, RLENGTH - 4)
      val = substr(line, RSTART + RLENGTH)
      sub(/,[ \t]*$/, "", val)
      if (key == "name") { gsub(/"/, "", val); name = val }
      else if (val !~ /^"/) v[key] = val + 0
      else if (key == "error_message") { gsub(/"/, "", val); err[name] = val }
    }
  }
  END {
    printf "%-10s %-14s %12s %14s %9s %12s %8s  %s\n", "solver", "instance", "best-known", "best found", "gap %", "t_best (s)", "reached", "benchmark"
    for (i = 1; i <= rows; i++) print row[i]
    if (trows > 0) {
      printf "\n%-10s %14s  %s\n", "solver", "items/s", "benchmark (throughput)"
      for (i = 1; i <= trows; i++) print trow[i]
    }
  }
' "${json_files[@]}"
