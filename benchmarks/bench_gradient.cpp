// Cost of a gradient relative to one energy evaluation, for the hardware-efficient ansatz
// (4 entangling layers of CZ on a line, RY and RZ on every qubit in 5 rotation blocks) and the
// transverse-field Ising chain, n = 16, 18 and 20, double precision.
//
// Each iteration times one energy evaluation and then the method under test; the counter
// "per_energy" is the median of their ratio (1 for the energy benchmark itself, up to noise).
// The adjoint method (Jones & Gacon, arXiv:2009.02823) costs one forward run, one H psi, a
// backward run that un-applies every gate from two states and one overlap pass per parametric
// gate: a few energies, whatever the number of parameters. Parameter-shift costs about
// (number of angles) energies, nearly independent of n; it runs at n = 16 only (one gradient
// at n = 20 takes minutes). Each case runs with 1 and 2 threads.
//
// The vqe/* benchmarks run VQE (L-BFGS, adjoint gradients, at most 3000 iterations) on the
// open transverse-field Ising chain (J = h = 1; RY + CX, n layers) and the open Heisenberg
// chain (Neel state, then RY RZ + CZ, n layers) at n = 8 and 10, beyond the sizes the tests
// use, and compare with the ground energy from dense Eigen diagonalization. Counters:
// error = E_VQE - E0, rel_error = error / |E0|, iterations, evaluations; the time is the VQE
// run alone.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

#include <Eigen/Dense>

#include "common.hpp"
#include "qcoach/variational/ansatz.hpp"
#include "qcoach/variational/gradient.hpp"
#include "qcoach/variational/hamiltonians.hpp"
#include "qcoach/variational/vqe.hpp"

namespace {

using namespace qcoach;
using namespace qcoach::variational;

struct problem {
    Circuit ansatz;
    PauliSum h;
    std::vector<double> theta;
};

problem make_problem(qubit_t n) {
    problem p{hardware_efficient(n, {.layers = 4, .rotations = {rotation::y, rotation::z}, .gate = entangler::cz}),
              transverse_field_ising(n, 1.0, 1.0), {}};
    p.theta.resize(p.ansatz.num_params());
    for (std::size_t k = 0; k < p.theta.size(); ++k) p.theta[k] = 0.1 + 0.37 * static_cast<double>(k % 17);
    return p;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

enum class what { energy, adjoint, shift };

/// Each iteration runs one energy evaluation (untimed by the framework) and then the method
/// under test. per_energy is the median over iterations of (method time / energy time of the
/// same iteration): robust to the machine's load drifting during the run and to single slow
/// iterations. per_energy_sum is the ratio of the summed times.
template <what W>
void run(benchmark::State& state) {
    const auto n = static_cast<qubit_t>(state.range(0));
    const exec_policy pol = bench::threads_policy(static_cast<int>(state.range(1)));
    const problem p = make_problem(n);
    benchmark::DoNotOptimize(energy<double>(p.ansatz, p.h, p.theta, pol)); // warm-up: threads, pages
    double reference = 0, total = 0;
    std::vector<double> ratios;
    for (auto _ : state) {
        state.PauseTiming();
        // Parameter-shift runs once: average its reference over several energies.
        const int reps = W == what::shift ? 5 : 1;
        auto t0 = std::chrono::steady_clock::now();
        for (int r = 0; r < reps; ++r) benchmark::DoNotOptimize(energy<double>(p.ansatz, p.h, p.theta, pol));
        const double ref = seconds_since(t0) / reps;
        state.ResumeTiming();
        t0 = std::chrono::steady_clock::now();
        if constexpr (W == what::energy) benchmark::DoNotOptimize(energy<double>(p.ansatz, p.h, p.theta, pol));
        else if constexpr (W == what::adjoint) benchmark::DoNotOptimize(adjoint_gradient<double>(p.ansatz, p.h, p.theta, pol));
        else benchmark::DoNotOptimize(parameter_shift_gradient<double>(p.ansatz, p.h, p.theta, pol));
        const double t = seconds_since(t0);
        reference += ref;
        total += t;
        ratios.push_back(t / ref);
    }
    std::sort(ratios.begin(), ratios.end());
    const std::size_t m = ratios.size();
    state.counters["params"] = static_cast<double>(p.theta.size());
    state.counters["gates"] = static_cast<double>(p.ansatz.size());
    state.counters["energy_ms"] = reference / static_cast<double>(state.iterations()) * 1e3;
    state.counters["per_energy"] = m % 2 ? ratios[m / 2] : 0.5 * (ratios[m / 2 - 1] + ratios[m / 2]);
    state.counters["per_energy_sum"] = total / reference;
}

/// Lowest eigenvalue of H from its dense matrix, built term by term from the action of each
/// Pauli string on the basis states (no gradient kernel involved).
double exact_ground_energy(const PauliSum& h, qubit_t n) {
    const Eigen::Index dim = Eigen::Index{1} << n;
    Eigen::MatrixXd m = Eigen::MatrixXd::Zero(dim, dim);
    for (const auto& [w, p] : h.terms()) {
        for (Eigen::Index b = 0; b < dim; ++b) {
            const auto [image, amplitude] = p.apply_to_basis(static_cast<index_t>(b));
            m(static_cast<Eigen::Index>(image), b) += w * amplitude.real(); // real: both models have only XX, YY, ZZ, X terms
        }
    }
    return Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(m, Eigen::EigenvaluesOnly).eigenvalues()(0);
}

enum class model { ising, heisenberg };

template <model M>
void run_vqe(benchmark::State& state) {
    const auto n = static_cast<qubit_t>(state.range(0));
    const PauliSum h = M == model::ising ? transverse_field_ising(n, 1.0, 1.0) : heisenberg(n, 1, 1, 1);
    Circuit ansatz(n);
    if constexpr (M == model::ising) {
        ansatz = hardware_efficient(n, {.layers = n, .rotations = {rotation::y}, .gate = entangler::cx});
    } else {
        // Neel reference |0101...> (total Sz = 0, the ground state's sector), then the ansatz:
        // from random starts without it the optimizer stalls 4-8 % above E0 at n = 10.
        for (qubit_t q = 1; q < n; q += 2) ansatz.x(q);
        ansatz.append(hardware_efficient(n, {.layers = n, .rotations = {rotation::y, rotation::z}, .gate = entangler::cz}));
    }
    const double e0 = exact_ground_energy(h, n);
    vqe_options o;
    o.stop.max_iterations = 3000;
    o.policy = bench::threads_policy(1); // states of 2^10 amplitudes stay below the threading cutoff
    const std::vector<double> x0 = random_parameters(ansatz.num_params(), 0.3, 1);
    vqe_result r;
    for (auto _ : state) r = vqe(ansatz, h, x0, o);
    state.counters["params"] = static_cast<double>(ansatz.num_params());
    state.counters["exact"] = e0;
    state.counters["error"] = r.energy - e0;
    state.counters["rel_error"] = (r.energy - e0) / std::abs(e0);
    state.counters["iterations"] = static_cast<double>(r.iterations);
    state.counters["evaluations"] = static_cast<double>(r.evaluations);
}

const int registered = [] {
    for (int n : {16, 18, 20}) {
        const int iterations = n == 16 ? 20 : n == 18 ? 10 : 5;
        for (int threads : {1, 2}) {
            benchmark::RegisterBenchmark("gradient/energy/double", run<what::energy>)
                ->ArgNames({"n", "threads"})->Args({n, threads})->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(iterations);
            benchmark::RegisterBenchmark("gradient/adjoint/double", run<what::adjoint>)
                ->ArgNames({"n", "threads"})->Args({n, threads})->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(iterations);
            if (n != 16) continue;
            benchmark::RegisterBenchmark("gradient/parameter_shift/double", run<what::shift>)
                ->ArgNames({"n", "threads"})->Args({n, threads})->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(1);
        }
    }
    for (int n : {8, 10}) {
        benchmark::RegisterBenchmark("vqe/ising", run_vqe<model::ising>)
            ->ArgName("n")->Arg(n)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(1);
        benchmark::RegisterBenchmark("vqe/heisenberg", run_vqe<model::heisenberg>)
            ->ArgName("n")->Arg(n)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(1);
    }
    return 0;
}();

} // namespace
