// Tabu search on the OR-Library BQP instances (benchmarks/data/orlib-bqp, see its README):
//
//   BM_tabu_time_to_target/bqp<n>_<k>  wall time until the best-known value of instance k of
//                                      bqp<n> is reached, 2 threads, default parameters,
//                                      restarts until found (10 s limit); one seed per
//                                      iteration (3 by default), counters averaged:
//                                        best_known       the literature value (maximization)
//                                        best_mean        best objective found
//                                        gap_pct_mean     100 (best_known - best) / best_known
//                                        tts_mean_s       time to best (10 s when not reached)
//                                        tts_max_s        worst of the seeds
//                                        reached_fraction seeds that reached best_known
//   BM_tabu_moves                      tabu moves per second (items_per_second) on bqp1000
//                                      instance 1 and G22, 1 and 2 threads, 32 restarts.
//
// Counters are positive (objective values, cuts): Google Benchmark 1.7 prints negative
// counters wrongly.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "qcoach/qubo/io_bqp.hpp"
#include "qcoach/qubo/io_rudy.hpp"
#include "qcoach/qubo/solvers/tabu.hpp"

namespace {

using namespace qcoach;
using namespace qcoach::qubo;

const std::string data_dir = QCOACH_BENCH_DATA_DIR;

// Best-known values (maximization), from benchmarks/data/orlib-bqp/README.md.
const std::map<int, std::array<double, 10>> best_known = {
    {250, {45607, 44810, 49037, 41274, 47961, 41014, 46757, 35726, 48916, 40442}},
    {500, {116586, 128339, 130812, 130097, 125487, 121772, 122201, 123559, 120798, 130619}},
    {1000, {371438, 354932, 371236, 370675, 352760, 359629, 371193, 351994, 349337, 351415}},
};

const std::vector<BqpInstance>& bqp(int n) {
    static std::map<int, std::vector<BqpInstance>> cache;
    auto& slot = cache[n];
    if (slot.empty()) slot = read_bqp_file(data_dir + "/orlib-bqp/bqp" + std::to_string(n) + ".txt");
    return slot;
}

const MaxCutGraph& g22() {
    static const MaxCutGraph g = read_rudy_file(data_dir + "/gset/g22.rud");
    return g;
}

void time_to_target(benchmark::State& state, int n, int k) {
    const BinaryQuadraticModel& model = bqp(n).at(static_cast<std::size_t>(k - 1)).model;
    const double known = best_known.at(n)[static_cast<std::size_t>(k - 1)];
    solver_options o;
    o.threads = 2;
    o.time_limit_s = 10.0; // reads = 0 with a time limit: restarts until the target or the limit
    o.target_energy = BqpInstance::energy_from_objective(known);
    const TabuSolver<> tabu;
    double tts = 0.0, worst = 0.0, reached = 0.0, best = 0.0;
    std::uint64_t seed = 0;
    for (auto _ : state) {
        o.seed = seed++;
        const auto r = tabu.solve(model, o);
        const double t = r.reached_target ? r.time_to_best_s : o.time_limit_s;
        tts += t;
        worst = std::max(worst, t);
        reached += r.reached_target ? 1.0 : 0.0;
        best += BqpInstance::objective_from_energy(r.best_energy);
    }
    const double iters = static_cast<double>(state.iterations());
    state.counters["best_known"] = known;
    state.counters["best_mean"] = best / iters;
    state.counters["gap_pct_mean"] = 100.0 * (known - best / iters) / known;
    state.counters["tts_mean_s"] = tts / iters;
    state.counters["tts_max_s"] = worst;
    state.counters["reached_fraction"] = reached / iters;
}

void moves(benchmark::State& state, const BinaryQuadraticModel& model) {
    solver_options o;
    o.threads = static_cast<int>(state.range(0));
    o.reads = 32;
    const TabuSolver<> tabu;
    std::uint64_t work = 0;
    for (auto _ : state) {
        o.seed = static_cast<std::uint64_t>(state.iterations());
        work += tabu.solve(model, o).work;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(work));
}

void BM_tabu_moves_bqp1000_1(benchmark::State& state) { moves(state, bqp(1000).at(0).model); }
void BM_tabu_moves_G22(benchmark::State& state) { moves(state, g22().model); }

// One benchmark per instance, named BM_tabu_time_to_target/bqp<n>_<k>.
const bool registered = [] {
    for (const int n : {250, 500, 1000}) {
        for (int k = 1; k <= 10; ++k) {
            benchmark::RegisterBenchmark(("BM_tabu_time_to_target/bqp" + std::to_string(n) + "_" + std::to_string(k)).c_str(),
                                         [n, k](benchmark::State& s) { time_to_target(s, n, k); })
                ->Iterations(3)
                ->Unit(benchmark::kMillisecond)
                ->UseRealTime();
        }
    }
    return true;
}();

} // namespace

BENCHMARK(BM_tabu_moves_bqp1000_1)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_tabu_moves_G22)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime();
