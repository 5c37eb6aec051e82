#!/usr/bin/env bash
# Run the statevector kernels on large states and print each one's bandwidth as a fraction of
# the in-place reference sweep (x[i] <- a x[i] over 1 GiB) with the same thread count:
#
#   fraction <kernel> n=<n> <float|double> threads=<t> target=<q> <value>
#
# one line per measurement, for n >= 22 (target=- for kernels without a target qubit). Lines
# starting with '#' are comments: the reference bandwidths and the worst fraction per kernel.
#
# The machine's bandwidth drifts when it is shared, so the reference is measured again before
# and after every group of kernels (one kernel, precision, thread count and size) and each group
# is compared with the mean of its two references. Medians of REPETITIONS runs are used.
#
# Environment (all optional):
#   QCOACH_BUILD_DIR  build tree (default <repo>/build; built if the benchmark is missing)
#   KERNELS           default "h u cx dense2 phase sample expect_pauli"
#   PRECISIONS        default "double float"
#   THREADS           default "1 2"
#   SIZES             default "24|26" (n values separated by |, all >= 22)
#   REPETITIONS       default 3
#   MIN_TIME          seconds per benchmark, default 0.1
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QCOACH_BUILD_DIR:-$root/build}"
bin="$build/benchmarks/bench_statevector"
if [ ! -x "$bin" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DQCOACH_BUILD_BENCHMARKS=ON >/dev/null
  cmake --build "$build" --target bench_statevector --parallel "$(nproc 2>/dev/null || echo 2)" >/dev/null
fi

kernels="${KERNELS:-h u cx dense2 phase sample expect_pauli}"
precisions="${PRECISIONS:-double float}"
threads_list="${THREADS:-1 2}"
sizes="${SIZES:-24|26}"
reps="${REPETITIONS:-3}"
extra=(--benchmark_min_time="${MIN_TIME:-0.1}")
if [ "$reps" -gt 1 ]; then
  extra+=(--benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true)
fi

csv="$(mktemp)"
log="$(mktemp)"
all="$(mktemp)"
trap 'rm -f "$csv" "$log" "$all"' EXIT

# Run one filter and tag its rows with a group id, so that each group uses its own reference.
run_tagged() {
  if ! "$bin" --benchmark_format=csv --benchmark_filter="$2" "${extra[@]}" >"$csv" 2>"$log"; then
    cat "$log" >&2
    exit 1
  fi
  awk -v g="$1" '/^"/ { print g "," $0 }' "$csv" >>"$all"
}

# A group is one kernel, precision, thread count and size; the reference runs just before and
# just after it and the group is compared with the mean of the two, which follows the drift of
# a shared machine's bandwidth more closely than one reference per kernel.
for t in $threads_list; do
  for p in $precisions; do
    for k in $kernels; do
      for n in ${sizes//|/ }; do
        g="$t-$p-$k-$n"
        run_tagged "$g" "^inplace/double/threads:$t/"
        run_tagged "$g" "^$k/$p/n:$n/.*threads:$t/"
        run_tagged "$g" "^inplace/double/threads:$t/"
      done
    done
  done
done

awk -F, -v reps="$reps" '
  function field(name, key,   i, n, parts, kv) {
    n = split(name, parts, "/")
    for (i = 1; i <= n; i++) { split(parts[i], kv, ":"); if (kv[1] == key) return kv[2] }
    return ""
  }
  {
    group = $1
    name = $2; gsub(/"/, "", name)
    if (reps > 1) { if (name !~ /_median$/) next; sub(/_median$/, "", name) }
    split(name, parts, "/")
    kernel = parts[1]; prec = parts[2]
    bps = $7 + 0
    th = field(name, "threads")
    if (kernel == "inplace") { gsum[group] += bps; gcount[group]++; refsum[th] += bps; refcount[th]++; next }
    nn = field(name, "n") + 0
    if (nn < 22) next
    tg = field(name, "target")
    if (kernel == "phase" || kernel == "sample" || kernel == "expect_pauli") tg = "-"
    rows[++count] = group SUBSEP kernel SUBSEP nn SUBSEP prec SUBSEP th SUBSEP tg SUBSEP bps
  }
  END {
    for (th in refsum) printf "# reference inplace threads=%s %.2f GB/s (mean over groups)\n", th, refsum[th] / refcount[th] / 1e9
    for (i = 1; i <= count; i++) {
      split(rows[i], r, SUBSEP)
      if (!(r[1] in gcount)) continue
      f = r[7] / (gsum[r[1]] / gcount[r[1]])
      printf "fraction %s n=%d %s threads=%s target=%s %.3f\n", r[2], r[3], r[4], r[5], r[6], f
      w = r[2] SUBSEP r[4] SUBSEP r[5]
      if (!(w in worst) || f < worst[w]) { worst[w] = f; where[w] = "n=" r[3] " target=" r[6] }
    }
    for (w in worst) { split(w, k, SUBSEP); printf "# worst %s %s threads=%s %.3f at %s\n", k[1], k[2], k[3], worst[w], where[w] }
  }' "$all"
