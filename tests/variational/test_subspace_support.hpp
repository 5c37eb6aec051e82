#pragma once
// Shared pieces of the feasible-subspace tests: random one-hot partitions and models, and the
// full-space QAOA with XY mixers that the subspace simulator is compared with.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "qcoach/core/rng.hpp"
#include "qcoach/qubo/model.hpp"
#include "qcoach/statevector/apply.hpp"
#include "qcoach/variational/subspace.hpp"
#include "qcoach/variational/xy_mixer.hpp"

namespace qcoach::test {

/// Groups of the given sizes over a shuffled list of the variables 0..sum-1.
inline std::vector<std::vector<qubo::var_t>> random_groups(const std::vector<unsigned>& sizes, Rng& rng) {
    std::size_t n = 0;
    for (unsigned s : sizes) n += s;
    std::vector<qubo::var_t> vars(n);
    for (qubo::var_t v = 0; v < n; ++v) vars[v] = v;
    for (std::size_t i = n; i > 1; --i) std::swap(vars[i - 1], vars[rng.below(i)]);
    std::vector<std::vector<qubo::var_t>> out;
    std::size_t at = 0;
    for (unsigned s : sizes) {
        out.emplace_back(vars.begin() + static_cast<std::ptrdiff_t>(at), vars.begin() + static_cast<std::ptrdiff_t>(at + s));
        at += s;
    }
    return out;
}

/// A binary model over n variables: every linear bias, half of the pairs coupled (also pairs
/// inside a group, which a feasible state never activates), an offset.
inline qubo::BinaryQuadraticModel random_model(std::size_t n, Rng& rng) {
    qubo::BinaryQuadraticModel m(qubo::vartype::binary, n);
    for (qubo::var_t i = 0; i < n; ++i) m.set_linear(i, 2 * rng.uniform() - 1);
    for (qubo::var_t i = 0; i < n; ++i)
        for (qubo::var_t j = i + 1; j < n; ++j)
            if (rng.uniform() < 0.5) m.set_quadratic(i, j, 2 * rng.uniform() - 1);
    m.set_offset(0.25);
    return m;
}

inline std::vector<std::vector<qubit_t>> as_qubits(const std::vector<std::vector<qubo::var_t>>& groups) {
    std::vector<std::vector<qubit_t>> q;
    for (const auto& g : groups) q.emplace_back(g.begin(), g.end());
    return q;
}

/// Energies of every basis state of the full space (bit v = variable v).
inline std::vector<double> full_energies(const qubo::BinaryQuadraticModel& m) {
    const std::size_t n = m.num_variables();
    std::vector<double> e(std::size_t{1} << n);
    std::vector<std::int8_t> x(n);
    for (index_t z = 0; z < e.size(); ++z) {
        for (std::size_t v = 0; v < n; ++v) x[v] = static_cast<std::int8_t>((z >> v) & 1);
        e[z] = m.energy(x);
    }
    return e;
}

/// QAOA in the full space: W states on the groups, then per layer the cost phase and the mixer.
template <class Real>
StateVector<Real> full_qaoa(const std::vector<std::vector<qubo::var_t>>& groups, const std::vector<double>& energies,
                            variational::xy_graph g, variational::xy_form f, const std::vector<double>& gammas,
                            const std::vector<double>& betas) {
    const auto n = static_cast<qubit_t>(std::countr_zero(energies.size()));
    const variational::xy_mixer mixer(as_qubits(groups), g, f);
    StateVector<Real> psi = mixer.initial_state<Real>(n);
    for (std::size_t l = 0; l < gammas.size(); ++l) {
        apply_phase(psi, energies, gammas[l]);
        mixer.apply(psi, betas[l]);
    }
    return psi;
}

} // namespace qcoach::test
