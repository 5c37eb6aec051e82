// Parallel tempering on the G-set MaxCut graph G22 (benchmarks/data/gset, see its README):
//
//   BM_tempering_time_to_target/G22  2 threads, default parameters (tabu local search on the
//                                    coldest replica), stopped at the best-known cut 13359 or
//                                    after 60 s; one seed per iteration (seeds 1, 2, 3; a run
//                                    can take the full minute), counters averaged:
//                                      best_known, best_mean (cut), gap_pct_mean,
//                                      tts_mean_s (time to the best cut found, whether or not
//                                      it is the best-known one), tts_max_s, reached_fraction,
//                                      sweeps_mean (sweeps per replica)
//   BM_tempering_sweeps/G22          Metropolis flip attempts per second (items_per_second),
//                                    plain tempering (no local search), 32 replicas x 200
//                                    sweeps, 1 and 2 threads.
//
// Counters are positive (cuts): Google Benchmark 1.7 prints negative counters wrongly.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "qcoach/qubo/io_rudy.hpp"
#include "qcoach/qubo/solvers/tempering.hpp"

namespace {

using namespace qcoach;
using namespace qcoach::qubo;

const MaxCutGraph& g22() {
    static const MaxCutGraph g = read_rudy_file(std::string(QCOACH_BENCH_DATA_DIR) + "/gset/g22.rud");
    return g;
}

void BM_tempering_time_to_target(benchmark::State& state) {
    constexpr double known = 13359; // best-known cut of G22 (README of benchmarks/data/gset)
    const MaxCutGraph& g = g22();
    solver_options o;
    o.threads = 2;
    o.time_limit_s = 60.0;
    o.target_energy = g.energy_from_cut(known);
    const TemperingSolver<> pt;
    double tts = 0.0, worst = 0.0, reached = 0.0, best = 0.0, sweeps = 0.0;
    std::uint64_t seed = 1;
    for (auto _ : state) {
        o.seed = seed++;
        const auto r = pt.solve(g.model, o);
        tts += r.time_to_best_s;
        worst = std::max(worst, r.time_to_best_s);
        reached += r.reached_target ? 1.0 : 0.0;
        best += g.cut_from_energy(r.best_energy);
        sweeps += static_cast<double>(r.work) / (32.0 * static_cast<double>(g.model.num_variables()));
    }
    const double iters = static_cast<double>(state.iterations());
    state.counters["best_known"] = known;
    state.counters["best_mean"] = best / iters;
    state.counters["gap_pct_mean"] = 100.0 * (known - best / iters) / known;
    state.counters["tts_mean_s"] = tts / iters;
    state.counters["tts_max_s"] = worst;
    state.counters["reached_fraction"] = reached / iters;
    state.counters["sweeps_mean"] = sweeps / iters;
}

void BM_tempering_sweeps(benchmark::State& state) {
    tempering_params p;
    p.search = tempering_search::none;
    const TemperingSolver<> pt(p);
    solver_options o;
    o.threads = static_cast<int>(state.range(0));
    o.sweeps = 200;
    std::uint64_t work = 0;
    for (auto _ : state) {
        o.seed = static_cast<std::uint64_t>(state.iterations());
        work += pt.solve(g22().model, o).work;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(work));
}

} // namespace

BENCHMARK(BM_tempering_time_to_target)->Name("BM_tempering_time_to_target/G22")->Iterations(3)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_tempering_sweeps)->Name("BM_tempering_sweeps/G22")->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime();
