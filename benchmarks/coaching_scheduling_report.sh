#!/usr/bin/env bash
# Colour the DIMACS benchmark graphs with the session_scheduling example (--col --json) and print
# one row per graph:
#
#   graph  vertices  edges  chromatic  colours  gap%  dsatur  qubo  tabucol  proved  time_s
#
# chromatic: the known chromatic number (benchmarks/data/coloring_dimacs/README.md, from
# M. Trick's COLOR page); colours: the fewest colours the search reached with every member;
# dsatur: the greedy upper bound the search starts from; qubo: the fewest colours any QUBO
# solver of the portfolio reached on its own (exact, QAOA, annealing, tabu on the penalty
# model); tabucol: the fewest colours the dedicated TabuCol member reached; proved: whether the
# search proved the count optimal (clique bound or exhaustive search); time_s: wall time of
# the whole search. A summary line counts the graphs where the chromatic number was reached,
# by all members and by the QUBO solvers alone.
#
# The values come from the program's one-line JSON output, read with sed: no python or jq
# needed. Timings depend on the machine's load; the colour counts do not depend on timing
# except through TIME_LIMIT (each solver gets at most that long at each k).
#
# usage: benchmarks/coaching_scheduling_report.sh [extra session_scheduling flags...]
#   e.g. benchmarks/coaching_scheduling_report.sh --no-tabucol
# Environment (all optional):
#   QCOACH_BUILD_DIR  build tree (default <repo>/build; the example is built if missing)
#   GRAPHS            default "myciel3 myciel4 myciel5 queen5_5 queen6_6 jean huck david anna"
#   TIME_LIMIT        seconds per solver and k, default 2
#   SEED              default 1
#   THREADS           default 1 (the runs are small; one thread keeps them comparable)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QCOACH_BUILD_DIR:-$root/build}"
exe="$build/examples/session_scheduling/session_scheduling"
data="$root/benchmarks/data/coloring_dimacs"
if [ ! -x "$exe" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DQCOACH_BUILD_BENCHMARKS=ON >/dev/null
  cmake --build "$build" --target session_scheduling --parallel 2 >/dev/null
fi

graphs="${GRAPHS:-myciel3 myciel4 myciel5 queen5_5 queen6_6 jean huck david anna}"
time_limit="${TIME_LIMIT:-2}"
seed="${SEED:-1}"
threads="${THREADS:-1}"

# Value of a top-level scalar field of the program's one-line JSON object. The scalars come
# before "attempts" (arrays of nested objects with fields of the same names follow), so only
# that head is searched.
field() {
  local head="${1%%\"attempts\"*}"
  sed -n "s/.*\"$2\":\(\"[^\"]*\"\|[^,}]*\).*/\1/p" <<<"$head" | tr -d '"'
}
# The "reach" object as lines "solver value".
reach() { sed -n 's/.*"reach":{\([^}]*\)}.*/\1/p' <<<"$1" | tr ',' '\n' | tr -d '"' | tr ':' ' '; }

echo "# session_scheduling --col: time limit ${time_limit} s per solver and k, seed ${seed}, threads ${threads}"
printf '%-10s %8s %6s %9s %7s %6s %6s %5s %7s %6s %8s\n' \
  graph vertices edges chromatic colours gap% dsatur qubo tabucol proved time_s
total=0 reached=0 reached_qubo=0
for g in $graphs; do
  file="$data/$g.col"
  if [ ! -f "$file" ]; then
    echo "no graph file $file" >&2
    exit 1
  fi
  out="$("$exe" --col "$file" --json --time-limit "$time_limit" --seed "$seed" --threads "$threads" "$@" 2>/dev/null)" || {
    echo "session_scheduling failed on $g" >&2
    exit 1
  }
  chi="$(field "$out" optimum)"
  colours="$(field "$out" colours_used)"
  gap="$(field "$out" gap_percent)"
  qubo=-
  tabucol=-
  while read -r name value; do
    [ -z "$name" ] && continue
    if [ "$name" = tabucol ]; then
      tabucol="$value"
    elif [ "$value" != null ] && { [ "$qubo" = - ] || [ "$value" -lt "$qubo" ]; }; then
      qubo="$value"
    fi
  done < <(reach "$out")
  [ "$tabucol" = null ] && tabucol=-
  proved=no
  [ "$(field "$out" proved_optimal)" = true ] && proved=yes
  total=$((total + 1))
  if [ "$chi" != null ] && [ "$colours" = "$chi" ]; then reached=$((reached + 1)); fi
  if [ "$chi" != null ] && [ "$qubo" = "$chi" ]; then reached_qubo=$((reached_qubo + 1)); fi
  printf '%-10s %8s %6s %9s %7s %6.2f %6s %5s %7s %6s %8.3f\n' "$g" "$(field "$out" vertices)" "$(field "$out" edges)" \
    "$chi" "$colours" "${gap/null/0}" "$(field "$out" dsatur_colours)" "$qubo" "$tabucol" "$proved" "$(field "$out" time_s)"
done
echo "# chromatic number reached on $reached of $total graphs (QUBO solvers alone: $reached_qubo of $total)"
