// Simulated annealing on real instances (benchmarks/data, see the READMEs there):
//
//   BM_anneal_rate            flip attempts per second (items_per_second), one thread, default
//                             schedule and sweeps, on bqp1000 instance 1 (OR-Library, dense 10%)
//                             and G1 (G-set, 800 vertices, 19176 edges); reads = 16 (the default:
//                             two full groups of 8 SIMD lanes) and reads = 1 (one lane busy).
//   BM_anneal_time_to_target  wall time until the best-known value is reached, 2 threads, default
//                             schedule, reads until found (10 s limit), on G1 (cut 11624) and
//                             G43 (cut 6660); one seed per iteration, counters averaged.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "qcoach/qubo/io_bqp.hpp"
#include "qcoach/qubo/io_rudy.hpp"
#include "qcoach/qubo/solvers/anneal.hpp"

namespace {

using namespace qcoach;
using namespace qcoach::qubo;

const std::string data_dir = QCOACH_BENCH_DATA_DIR;

const BinaryQuadraticModel& bqp1000_1() {
    static const BinaryQuadraticModel m = read_bqp_file(data_dir + "/orlib-bqp/bqp1000.txt").at(0).model;
    return m;
}
const MaxCutGraph& gset(int g) {
    static const MaxCutGraph g1 = read_rudy_file(data_dir + "/gset/g1.rud");
    static const MaxCutGraph g43 = read_rudy_file(data_dir + "/gset/g43.rud");
    return g == 1 ? g1 : g43;
}

// Counters hold positive values (the BQP objective -E, the cut): Google Benchmark 1.7 prints
// negative counters wrongly.
template <class Value>
void rate(benchmark::State& state, const BinaryQuadraticModel& model, const char* what, Value value) {
    solver_options o;
    o.threads = 1;
    o.reads = static_cast<std::size_t>(state.range(0));
    const SimulatedAnnealingSolver sa;
    std::uint64_t work = 0;
    double best = 0.0;
    for (auto _ : state) {
        o.seed = static_cast<std::uint64_t>(state.iterations());
        const auto r = sa.solve(model, o);
        work += r.work;
        best = r.best_energy;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(work));
    state.counters["reads"] = static_cast<double>(o.reads);
    state.counters[what] = value(best);
}

void BM_anneal_rate_bqp1000_1(benchmark::State& state) {
    rate(state, bqp1000_1(), "best_objective", [](double e) { return BqpInstance::objective_from_energy(e); });
}
void BM_anneal_rate_G1(benchmark::State& state) {
    rate(state, gset(1).model, "best_cut", [](double e) { return gset(1).cut_from_energy(e); });
}

void time_to_target(benchmark::State& state, int g, double best_known_cut) {
    const MaxCutGraph& graph = gset(g);
    solver_options o;
    o.threads = 2;
    o.reads = 8192; // more than 10 s of work: stopped by the target or the time limit
    o.time_limit_s = 10.0;
    o.target_energy = graph.energy_from_cut(best_known_cut);
    const SimulatedAnnealingSolver sa;
    double tts = 0.0, worst = 0.0, reached = 0.0, cut = 0.0, reads = 0.0;
    std::uint64_t seed = 0;
    for (auto _ : state) {
        o.seed = seed++;
        const auto r = sa.solve(graph.model, o);
        const double t = r.reached_target ? r.time_to_best_s : o.time_limit_s;
        tts += t;
        worst = std::max(worst, t);
        reached += r.reached_target ? 1.0 : 0.0;
        cut += graph.cut_from_energy(r.best_energy);
        reads += static_cast<double>(r.samples.total_count());
    }
    const double k = static_cast<double>(state.iterations());
    state.counters["tts_mean_s"] = tts / k;
    state.counters["tts_max_s"] = worst;
    state.counters["reached_fraction"] = reached / k;
    state.counters["best_cut_mean"] = cut / k;
    state.counters["reads_mean"] = reads / k;
}

void BM_anneal_time_to_target_G1(benchmark::State& state) { time_to_target(state, 1, 11624); }
void BM_anneal_time_to_target_G43(benchmark::State& state) { time_to_target(state, 43, 6660); }

} // namespace

BENCHMARK(BM_anneal_rate_bqp1000_1)->Arg(16)->Arg(1)->ArgName("reads")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_anneal_rate_G1)->Arg(16)->Arg(1)->ArgName("reads")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_anneal_time_to_target_G1)->Iterations(5)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_anneal_time_to_target_G43)->Iterations(5)->Unit(benchmark::kSecond)->UseRealTime();
