#!/usr/bin/env bash
# Run the statevector benchmark suite and print, for n >= 22, each kernel's bandwidth as a
# fraction of the in-place reference sweep measured in the same run with the same thread count:
#
#   fraction <kernel> n=<n> <float|double> threads=<t> target=<q> <value>
#
# one line per measurement (target=- for kernels without a target qubit). Lines starting with
# '#' are comments (reference bandwidths, the worst fraction per kernel).
#
# usage: benchmarks/report.sh [google-benchmark flags...]
#   e.g. benchmarks/report.sh --benchmark_filter='^(inplace|h|cx)/double/.*threads:2'
# Environment: QCOACH_BUILD_DIR (default <repo>/build), REPETITIONS (default 3, medians are
# reported), MIN_TIME (seconds per benchmark, default 0.1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QCOACH_BUILD_DIR:-$root/build}"
bin="$build/benchmarks/bench_statevector"
if [ ! -x "$bin" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" --target bench_statevector --parallel "$(nproc 2>/dev/null || echo 2)" >/dev/null
fi

filter_given=0
for a in "$@"; do case "$a" in --benchmark_filter=*) filter_given=1 ;; esac; done
extra=()
# The reference must always run: add it to a user filter.
if [ "$filter_given" -eq 1 ]; then
  args=()
  for a in "$@"; do
    case "$a" in
      --benchmark_filter=*) args+=("--benchmark_filter=(${a#--benchmark_filter=})|^inplace/") ;;
      *) args+=("$a") ;;
    esac
  done
  set -- "${args[@]}"
fi

reps="${REPETITIONS:-3}"
if [ "$reps" -gt 1 ]; then
  extra+=(--benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true)
fi
csv="$(mktemp)"
log="$(mktemp)"
trap 'rm -f "$csv" "$log"' EXIT
if ! "$bin" --benchmark_format=csv --benchmark_min_time="${MIN_TIME:-0.1}" "${extra[@]}" "$@" >"$csv" 2>"$log"; then
  cat "$log" >&2
  exit 1
fi

awk -F, -v reps="$reps" '
  function field(name, key,   i, parts, kv) {
    n = split(name, parts, "/")
    for (i = 1; i <= n; i++) { split(parts[i], kv, ":"); if (kv[1] == key) return kv[2] }
    return ""
  }
  /^"/ {
    name = $1; gsub(/"/, "", name)
    if (reps > 1) { if (name !~ /_median$/) next; sub(/_median$/, "", name) }
    split(name, parts, "/")
    kernel = parts[1]; prec = parts[2]
    bps = $6 + 0
    th = field(name, "threads")
    if (kernel == "inplace" || kernel == "triad") { ref[kernel, th] = bps; next }
    nn = field(name, "n") + 0
    if (nn < 22) next
    tg = field(name, "target")
    if (kernel == "phase" || kernel == "sample" || kernel == "expect_pauli") tg = "-"
    rows[++count] = kernel SUBSEP nn SUBSEP prec SUBSEP th SUBSEP tg SUBSEP bps
  }
  END {
    for (key in ref) { split(key, k, SUBSEP); printf "# reference %s threads=%s %.2f GB/s\n", k[1], k[2], ref[key] / 1e9 }
    for (i = 1; i <= count; i++) {
      split(rows[i], r, SUBSEP)
      if (!(("inplace", r[4]) in ref)) continue
      f = r[6] / ref["inplace", r[4]]
      printf "fraction %s n=%d %s threads=%s target=%s %.3f\n", r[1], r[2], r[3], r[4], r[5], f
      w = r[1] SUBSEP r[3] SUBSEP r[4]
      if (!(w in worst) || f < worst[w]) { worst[w] = f; where[w] = "n=" r[2] " target=" r[5] }
    }
    for (w in worst) { split(w, k, SUBSEP); printf "# worst %s %s threads=%s %.3f at %s\n", k[1], k[2], k[3], worst[w], where[w] }
  }' "$csv"
