// Gate kernels on large states: 1-qubit (H and a general 2x2), CX, a dense 2-qubit gate and the
// full-state diagonal phase, for n = 12..26, low, middle and high targets, float and double,
// 1 and 2 threads. bytes_per_second counts 2 x sizeof(amplitude) x 2^n per gate (one read and
// one write of every amplitude), the same traffic as the in-place reference.

#include <functional>
#include <string>
#include <vector>

#include "common.hpp"

namespace {

using namespace qcoach;

/// Benchmarked qubit positions: the 0, 1, 2 and n-1, plus middle targets whose pair
/// distance (2^k amplitudes) spans the range 512 B .. 32 KiB in double where simulators are
/// known to slow down.
std::vector<qubit_t> targets_for(qubit_t n) {
    std::vector<qubit_t> t{0, 1, 2, 5, 8, 11, n - 1};
    std::vector<qubit_t> out;
    for (qubit_t q : t)
        if (q < n && std::find(out.begin(), out.end(), q) == out.end()) out.push_back(q);
    return out;
}

const std::vector<qubit_t> sizes{12, 16, 20, 24, 26};

template <class Real>
void run_gate(benchmark::State& state, const std::function<Gate(qubit_t, qubit_t)>& make) {
    const auto n = static_cast<qubit_t>(state.range(0));
    const auto t = static_cast<qubit_t>(state.range(1));
    const exec_policy pol = bench::threads_policy(static_cast<int>(state.range(2)));
    StateVector<Real>& psi = bench::shared_state<Real>(n);
    const Gate g = make(t, n);
    for (auto _ : state) {
        apply(psi, g, pol);
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * bench::sweep_bytes<Real>(n));
}

template <class Real>
void run_phase(benchmark::State& state) {
    const auto n = static_cast<qubit_t>(state.range(0));
    const exec_policy pol = bench::threads_policy(static_cast<int>(state.range(2)));
    StateVector<Real>& psi = bench::shared_state<Real>(n);
    static std::map<qubit_t, std::vector<Real>> energies;
    auto& e = energies[n];
    if (e.empty()) {
        e.resize(psi.size());
        for (index_t z = 0; z < psi.size(); ++z) e[z] = static_cast<Real>(std::popcount(z) % 5) - Real(2);
    }
    for (auto _ : state) {
        apply_phase(psi, std::span<const Real>(e), 0.4, pol);
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * bench::sweep_bytes<Real>(n));
}

/// The second qubit of a 2-qubit gate sits next to the target (or at 0 for the top qubit), so
/// both qubits of the pair are low, middle or high together.
qubit_t partner(qubit_t t, qubit_t n) { return t + 1 < n ? t + 1 : 0; }

template <class Real>
void register_all() {
    const std::string prec = bench::precision_name<Real>();
    const Eigen::Matrix2cd u = gates::mat::u3(0.7, 0.3, -0.2);
    Rng rng(5);
    Eigen::Matrix4cd dense2;
    {
        Eigen::Matrix4cd a;
        for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = {rng.normal(), rng.normal()};
        Eigen::HouseholderQR<Eigen::Matrix4cd> qr(a);
        dense2 = qr.householderQ();
    }
    struct Kind {
        std::string name;
        std::function<Gate(qubit_t, qubit_t)> make;
    };
    const std::vector<Kind> kinds{
        {"h", [](qubit_t t, qubit_t) { return gates::h(t); }},
        {"u", [u](qubit_t t, qubit_t) { return gates::unitary({t}, u); }},
        {"cx", [](qubit_t t, qubit_t n) { return gates::cx(partner(t, n), t); }},
        {"dense2", [dense2](qubit_t t, qubit_t n) { return gates::unitary({t, partner(t, n)}, dense2); }},
    };
    for (const Kind& k : kinds) {
        auto* b = benchmark::RegisterBenchmark((k.name + "/" + prec).c_str(),
                                               [make = k.make](benchmark::State& s) { run_gate<Real>(s, make); });
        b->ArgNames({"n", "target", "threads"})->UseRealTime()->Unit(benchmark::kMillisecond);
        for (qubit_t n : sizes)
            for (qubit_t t : targets_for(n))
                for (int th : {1, 2}) b->Args({n, t, th});
    }
    auto* p = benchmark::RegisterBenchmark(("phase/" + prec).c_str(), [](benchmark::State& s) { run_phase<Real>(s); });
    p->ArgNames({"n", "target", "threads"})->UseRealTime()->Unit(benchmark::kMillisecond);
    for (qubit_t n : sizes)
        for (int th : {1, 2}) p->Args({n, 0, th});
}

const int registered = [] {
    register_all<float>();
    register_all<double>();
    return 0;
}();

} // namespace
