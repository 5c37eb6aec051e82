#!/usr/bin/env bash
# Fuzz the OpenQASM 2 importer with libFuzzer (ASan + UBSan) for SECONDS seconds.
#
#   scripts/fuzz_qasm.sh SECONDS [--update-corpus]
#
# Configures a clang build in build/fuzz, builds fuzz/fuzz_qasm, and runs it on a working corpus
# in build/fuzz/corpus (kept between runs) seeded from the regression corpus
# tests/data/qasm_corpus and the QASMBench circuits. A crash, leak, timeout or property failure
# leaves its input in build/fuzz/artifacts/ and makes the script fail. SECONDS = 0 skips the
# run (build only, or only update the corpus).
#
# --update-corpus refreshes tests/data/qasm_corpus, which test_qasm_bench.cpp replays, and keeps
# it small: its files stay, and inputs of the working corpus are added greedily, the one that
# covers the most edges not yet covered (by the corpus or the QASMBench circuits) first, up to
# 60 files in all and while an input adds at least 3 edges. (libFuzzer's own -merge=1 keeps one input per newly covered feature, which for
# a parser that stops at its first error means hundreds of files.)
set -euo pipefail

usage() { echo "usage: $0 SECONDS [--update-corpus]" >&2; exit 2; }
secs=${1:-}
[[ "$secs" =~ ^[0-9]+$ ]] || usage
update=0
if [[ $# -ge 2 ]]; then
  [[ "$2" == "--update-corpus" ]] || usage
  update=1
fi
max_files=60
min_gain=3

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build/fuzz"
cxx=${QCOACH_FUZZ_CXX:-$(command -v clang++-14 || command -v clang++ || true)}
[[ -n "$cxx" ]] || { echo "fuzz_qasm.sh: clang++ not found (set QCOACH_FUZZ_CXX)" >&2; exit 2; }

cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DQCOACH_FUZZ=ON -DQCOACH_BUILD_TESTS=OFF -DQCOACH_BUILD_BENCHMARKS=OFF -DQCOACH_BUILD_EXAMPLES=OFF \
  -DQCOACH_INSTALL=OFF >/dev/null
cmake --build "$build" -j2 --target fuzz_qasm
fuzzer="$build/fuzz/fuzz_qasm"

corpus="$build/corpus"
regress="$root/tests/data/qasm_corpus"
mkdir -p "$corpus" "$build/artifacts" "$regress"
# Seeds: the regression corpus and the benchmark circuits (copied once; the fuzzer adds to them).
for f in "$regress"/* "$root"/tests/data/qasmbench-small/*.qasm; do
  [[ -f "$f" ]] && cp -n "$f" "$corpus/" 2>/dev/null || true
done

if [[ $secs -gt 0 ]]; then
  "$fuzzer" "$corpus" \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -dict="$root/fuzz/qasm.dict" -artifact_prefix="$build/artifacts/" -print_final_stats=1
fi

if [[ $update -eq 1 ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  # Edge coverage of every input (regression corpus first) in libFuzzer's merge control file:
  # a count, the file list, then "COV <file index> <edge> <edge> ..." lines.
  mkdir "$tmp/out"
  "$fuzzer" -merge=1 -use_counters=0 -use_value_profile=0 -merge_control_file="$tmp/control" \
    "$tmp/out" "$regress" "$corpus" >"$tmp/merge.log" 2>&1 || { cat "$tmp/merge.log" >&2; exit 1; }
  awk -v keepdir="$regress/" -v maxfiles="$max_files" -v mingain="$min_gain" '
    NR == 1 { n = $1; next }
    NR == 2 { next }
    NR <= n + 2 { path[NR - 3] = $0; next }
    $1 == "COV" { c = ""; for (k = 3; k <= NF; k++) c = c " " $k; cov[$2] = c }
    END {
      count = 0
      for (i = 0; i < n; i++) {
        # Files already in the regression corpus stay; the QASMBench seeds (*.qasm) are replayed
        # by their own test, so what they cover counts as covered without copying them.
        seed = path[i] ~ /[.]qasm$/
        if (index(path[i], keepdir) != 1 && !seed) continue
        keep[i] = 1; if (!seed) count++
        m = split(cov[i], e, " "); for (k = 1; k <= m; k++) covered[e[k]] = 1
      }
      while (count < maxfiles) {
        best = -1; bestgain = 0
        for (i = 0; i < n; i++) if (!(i in keep)) {
          g = 0; m = split(cov[i], e, " "); for (k = 1; k <= m; k++) if (!(e[k] in covered)) g++
          if (g > bestgain) { bestgain = g; best = i }
        }
        if (best < 0 || bestgain < mingain) break
        keep[best] = 1; count++; m = split(cov[best], e, " "); for (k = 1; k <= m; k++) covered[e[k]] = 1
        print path[best]
      }
    }' "$tmp/control" | while IFS= read -r f; do cp "$f" "$regress/"; done
  echo "tests/data/qasm_corpus now holds $(ls "$regress" | wc -l) files"
fi
