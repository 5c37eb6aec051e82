#!/usr/bin/env bash
# Learning-path targets: run the learning_path example with --json on
#   - SALBP-1: the 33 instance / cycle-time pairs of benchmarks/data/salbp_scholl (target: the
#     optimal number of sessions, from the README there);
#   - SOP: ESC07, ESC11, ESC12, ESC25 of benchmarks/data/sop_tsplib (target: a feasible order,
#     the optimum on ESC07/11/12, a gap of at most 2 % on ESC25);
# and print one table per family: the optimum, what the dedicated classical method reached (and
# in how long), what the best QUBO solver reached on its own (and which one), and whether the
# target is met. Every row is one run of the example; its comparison holds every solver.
#
# usage: benchmarks/coaching_learning_report.sh [extra learning_path options]
# Environment: QCOACH_BUILD_DIR (default <repo>/build), TIME_LIMIT (seconds per solver run,
# default 2), SEED (default 1), JSON_DIR (keep the raw JSON there).
# The values are read from the one-line JSON with sed and awk: no python or jq needed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QCOACH_BUILD_DIR:-$root/build}"
exe="$build/examples/learning_path/learning_path"
limit="${TIME_LIMIT:-2}"
seed="${SEED:-1}"
if [ ! -x "$exe" ]; then
  echo "no learning_path executable in $build/examples/learning_path; build it first:" >&2
  echo "  cmake --build $build --target learning_path" >&2
  exit 1
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# SALBP-1 cycle times of benchmarks/data/salbp_scholl/README.md.
salbp_cases=(
  "MERTENS 6 7 8 10 15 18" "BOWMAN8 20" "JAESCHKE 6 7 8 10 18" "JACKSON 7 9 10 13 14 21"
  "MANSOOR 48 62 94" "MITCHELL 14 15 21 26 35 39" "HESKIA 138 205 216 256 324 342"
)
sop_cases=(ESC07 ESC11 ESC12 ESC25)

# One line per run: instance, optimum, dedicated value and time, best QUBO value, its solver and
# the number of QUBO rows that ran, feasible flag of the shown plan.
summarize() { # $1 = instance label, $2 = json file
  awk -v label="$1" '
    function field(rec, key,   m) {
      if (match(rec, "\"" key "\":(\"[^\"]*\"|[-0-9.eE+]+|true|false|null)")) {
        m = substr(rec, RSTART + length(key) + 3, RLENGTH - length(key) - 3)
        gsub(/"/, "", m)
        return m
      }
      return ""
    }
    {
      line = $0
      opt = field(line, "optimum")
      i = index(line, "\"comparison\":[")
      rows = substr(line, i + 14)
      n = split(rows, rec, /\},\{/)
      ded = "-"; dedt = "-"; q = ""; qs = "-"; qt = "-"; qn = 0
      for (k = 1; k <= n; ++k) {
        s = field(rec[k], "solver"); o = field(rec[k], "objective"); f = field(rec[k], "feasible"); t = field(rec[k], "time_s")
        if (field(rec[k], "ran") != "true") continue
        if (s ~ /\(dedicated\)/) {
          if (f == "true" && (ded == "-" || o + 0 < ded + 0)) { ded = o; dedt = t }
          continue
        }
        ++qn
        if (f == "true" && (q == "" || o + 0 < q + 0)) { q = o; qs = s; qt = t }
      }
      if (q == "") q = "none"
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", label, opt, ded, dedt, q, qs, qt, qn
    }' "$2"
}

run() { # $1 = label, then learning_path arguments
  local label="$1"; shift
  local out="$tmp/$(echo "$label" | tr ' =' '__').json"
  echo "# $label" >&2
  if ! "$exe" "$@" --json --seed "$seed" --time-limit "$limit" "${extra[@]}" >"$out" 2>"$tmp/log"; then
    cat "$tmp/log" >&2
    exit 1
  fi
  summarize "$label" "$out"
}

extra=("$@")
salbp_lines=()
for c in "${salbp_cases[@]}"; do
  set -- $c
  name="$1"; shift
  for ct in "$@"; do
    salbp_lines+=("$(run "$name c=$ct" --salbp "$root/benchmarks/data/salbp_scholl/$name.IN2" --cycle-time "$ct")")
  done
done
sop_lines=()
for name in "${sop_cases[@]}"; do
  sop_lines+=("$(run "$name" --sop "$root/benchmarks/data/sop_tsplib/$name.sop")")
done
if [ -n "${JSON_DIR:-}" ]; then mkdir -p "$JSON_DIR" && cp "$tmp"/*.json "$JSON_DIR"/; fi

echo
echo "SALBP-1 (sessions = stations; target: the optimum m*). Time limit ${limit} s per solver run, seed ${seed}."
printf '%s\n' "${salbp_lines[@]}" | awk -F'\t' '
  BEGIN { printf "%-16s %4s  %10s %9s  %10s  %-20s %8s  %s\n", "instance", "m*", "dedicated", "time s", "best QUBO", "QUBO solver", "time s", "target"
          hit = 0; qhit = 0 }
  { ok = ($3 == $2); qok = ($5 == $2); hit += ok; qhit += qok
    printf "%-16s %4s  %10s %9.4f  %10s  %-20s %8s  %s\n", $1, $2, $3, $4, $5, $6, ($7 == "-" ? "-" : sprintf("%.3f", $7)), ok ? "met" : "MISSED" }
  END { printf "dedicated method at the optimum: %d of %d; QUBO solvers alone: %d of %d\n", hit, NR, qhit, NR }'

echo
echo "SOP (cost of the order; target: optimum on ESC07/11/12, gap <= 2 % on ESC25). Time limit ${limit} s per solver run."
printf '%s\n' "${sop_lines[@]}" | awk -F'\t' '
  function gap(v, o) { return v == "none" ? -1 : 100 * (v - o) / o }
  BEGIN { printf "%-8s %7s  %10s %7s %9s  %10s %7s  %-20s %8s  %s\n", "instance", "optimum", "dedicated", "gap %", "time s", "best QUBO", "gap %", "QUBO solver", "time s", "target" }
  { g = gap($3, $2); qg = gap($5, $2)
    tol = ($1 == "ESC25") ? 2 : 0
    ok = (g >= 0 && g <= tol + 1e-9)
    printf "%-8s %7s  %10s %7.2f %9.3f  %10s %7s  %-20s %8s  %s\n", $1, $2, $3, g, $4, $5, (qg < 0 ? "-" : sprintf("%.2f", qg)), $6, ($7 == "-" ? "-" : sprintf("%.3f", $7)), ok ? "met" : "MISSED" }'
