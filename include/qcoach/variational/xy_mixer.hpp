#pragma once
/// @file
/// @brief Constraint-preserving XY mixers on one-hot groups of qubits, in the full state space,
/// and the W-state product that QAOA with these mixers starts from.
///
/// A one-hot group is a list of qubits of which exactly one is 1 in a feasible state (one client,
/// one coach per client). The XY mixer of a group moves that 1 along the edges of a ring or a
/// complete graph on the group's qubits and never changes how many are set, so a state inside
/// the feasible set stays inside it (Hadfield et al., arXiv:1709.03489, sec. 4.1; Wang, Hadfield,
/// Jiang & Rieffel, arXiv:1904.09314). The layer unitary is
///
///     U_M(beta) = prod_g exp(-i beta H_g),   H_g = sum_{(a,b) in graph} (X_a X_b + Y_a Y_b),
///
/// exactly (xy_form::exact, the default) or as the parity-ordered product of the two-qubit
/// exponentials (xy_form::trotter; the layer order is in detail/xy_graph.hpp). Groups are
/// disjoint, so their factors commute and the product over groups is exact in both forms.
///
/// Restricted to the one-hot states of a group, H_g is 2 A_g with A_g the adjacency matrix of the
/// graph; onehot_unitary() gives that k x k block, which is what the feasible-subspace simulator
/// (subspace.hpp) applies. The full-space and the subspace forms agree on feasible states, for
/// both xy_form values.
///
/// Full-space cost: a group of k <= 6 qubits is one dense 2^k gate (the statevector kernels), in
/// both forms; 7 <= k <= 10 goes through a block-by-weight kernel (detail/xy_sector.hpp); larger
/// exact groups are refused (use xy_form::trotter, or the subspace simulator when every variable
/// is in a group) and larger product-form groups are applied edge by edge as two-qubit gates.

#include <algorithm>
#include <cmath>
#include <complex>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "qcoach/core/bits.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/statevector/apply.hpp"
#include "qcoach/statevector/gate.hpp"
#include "qcoach/statevector/gates.hpp"
#include "qcoach/statevector/state.hpp"
#include "qcoach/variational/detail/xy_graph.hpp"
#include "qcoach/variational/detail/xy_sector.hpp"

namespace qcoach::variational {

namespace detail {

/// Throws unless the groups are non-empty lists of distinct qubits, no qubit in two groups.
inline void check_qubit_groups(const std::vector<std::vector<qubit_t>>& groups) {
    std::map<qubit_t, std::size_t> owner;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        if (groups[g].empty()) throw value_error("one-hot group " + std::to_string(g) + " has no qubit");
        for (qubit_t q : groups[g]) {
            if (q >= max_qubits) {
                throw index_error("one-hot group " + std::to_string(g) + ": qubit " + std::to_string(q) +
                                  " is out of range [0, " + std::to_string(max_qubits) + ")");
            }
            const auto [it, fresh] = owner.emplace(q, g);
            if (!fresh) {
                throw index_error("qubit " + std::to_string(q) + " is in one-hot group " + std::to_string(it->second) +
                                  (it->second == g ? " twice" : " and in group " + std::to_string(g)));
            }
        }
    }
}

inline void check_groups_fit(const std::vector<std::vector<qubit_t>>& groups, qubit_t n, const char* what) {
    for (std::size_t g = 0; g < groups.size(); ++g)
        for (qubit_t q : groups[g])
            if (q >= n)
                throw index_error(std::string(what) + ": qubit " + std::to_string(q) + " of one-hot group " +
                                  std::to_string(g) + " is out of range for a state of " + std::to_string(n) + " qubits");
}

} // namespace detail

/// @brief Set `psi` to the product of W states, one per group: the equal superposition of the
/// group's k one-hot states, amplitude 1/sqrt(prod k_g) on each feasible basis state. Qubits
/// outside every group are |0>. Throws index_error when a group's qubit is outside the state.
template <precision Real>
void prepare_w_state(StateVector<Real>& psi, const std::vector<std::vector<qubit_t>>& groups) {
    detail::check_qubit_groups(groups);
    detail::check_groups_fit(groups, psi.num_qubits(), "W state");
    double count = 1.0;
    for (const auto& g : groups) count *= static_cast<double>(g.size());
    const std::complex<Real> amp(static_cast<Real>(1.0 / std::sqrt(count)));
    complex<Real>* d = psi.data();
    std::fill(d, d + psi.size(), complex<Real>(0));
    // Odometer over the digits (one chosen qubit per group); z is the basis index it sets.
    std::vector<std::size_t> digit(groups.size(), 0);
    index_t z = 0;
    for (const auto& g : groups) z |= index_t{1} << g[0];
    while (true) {
        d[z] = amp;
        std::size_t g = 0;
        for (; g < groups.size(); ++g) {
            z &= ~(index_t{1} << groups[g][digit[g]]);
            if (++digit[g] < groups[g].size()) {
                z |= index_t{1} << groups[g][digit[g]];
                break;
            }
            digit[g] = 0;
            z |= index_t{1} << groups[g][0];
        }
        if (g == groups.size()) break;
    }
}

/// @brief A new n-qubit state holding the product of W states (see prepare_w_state).
template <precision Real>
StateVector<Real> w_state(qubit_t n, const std::vector<std::vector<qubit_t>>& groups) {
    StateVector<Real> psi(n);
    prepare_w_state(psi, groups);
    return psi;
}

/// @brief The XY mixer on a set of disjoint one-hot groups of qubits (see the file comment).
///
/// Group g lists its qubits q_0..q_{k-1}; the ring joins q_j and q_{j+1} (and q_{k-1}, q_0), so
/// the order of a group's qubits matters for the ring and not for the complete graph.
///
/// For an adjoint gradient in the full space: d/dbeta U_M(beta) psi = -i G(beta) U_M(beta) psi
/// with G = sum_g G_g Hermitian (apply_generator); G = H for the exact form, and
/// U_M(beta)^dagger is apply_adjoint (for the product form it is not U_M(-beta): the order of the
/// factors reverses).
class xy_mixer {
public:
    /// @brief A mixer on `groups` (non-empty, disjoint lists of distinct qubits).
    /// (The template parameter is never given; see detail::xy_sectors.)
    template <class = void>
    explicit xy_mixer(std::vector<std::vector<qubit_t>> groups, xy_graph graph = xy_graph::ring,
                      xy_form form = xy_form::exact)
        : groups_(std::move(groups)), graph_(graph), form_(form) {
        detail::check_qubit_groups(groups_);
        auto sectors = std::make_shared<std::map<unsigned, std::vector<detail::xy_sector>>>();
        for (const auto& g : groups_) {
            const auto k = static_cast<unsigned>(g.size());
            min_qubits_ = std::max(min_qubits_, *std::max_element(g.begin(), g.end()) + 1);
            if (k >= 2 && k <= detail::xy_sector_max_group && !sectors->count(k)) sectors->emplace(k, detail::xy_sectors<>(k, graph_));
        }
        sectors_ = std::move(sectors);
    }

    const std::vector<std::vector<qubit_t>>& groups() const noexcept { return groups_; }
    std::size_t num_groups() const noexcept { return groups_.size(); }
    xy_graph graph() const noexcept { return graph_; }
    xy_form form() const noexcept { return form_; }
    /// Smallest state the mixer fits: one more than its largest qubit (0 without groups).
    qubit_t min_qubits() const noexcept { return min_qubits_; }

    /// @brief Whether apply() and apply_adjoint() can act on a full state: every exact group
    /// has at most 10 qubits (product-form groups of any size can).
    bool full_space_supported() const noexcept {
        if (form_ == xy_form::trotter) return true;
        for (const auto& g : groups_)
            if (g.size() > detail::xy_sector_max_group) return false;
        return true;
    }

    /// @brief H_g restricted to the one-hot states of group g: 2 A_g (k x k, real symmetric).
    Eigen::MatrixXd onehot_hamiltonian(std::size_t g) const { return detail::xy_onehot_hamiltonian(group_size(g), graph_); }

    /// @brief The mixer of group g restricted to its one-hot states (k x k): entry (a, b) is the
    /// amplitude for the 1 moving from q_b to q_a.
    Eigen::MatrixXcd onehot_unitary(std::size_t g, double beta) const {
        check_angle(beta);
        return detail::xy_onehot_unitary(group_size(g), graph_, form_, beta);
    }

    /// @brief The mixer of group g on all 2^k states of its qubits (bit j = q_j); k <= 10.
    Eigen::MatrixXcd group_unitary(std::size_t g, double beta) const {
        check_angle(beta);
        return group_matrix(g, beta, detail::xy_block::unitary);
    }

    /// @brief G_g(beta) of group g on all 2^k states of its qubits (Hermitian); k <= 10.
    Eigen::MatrixXcd group_generator(std::size_t g, double beta) const {
        check_angle(beta);
        return group_matrix(g, beta, detail::xy_block::generator);
    }

    /// @brief The mixer as gates: one dense gate per group of 2..6 qubits; for larger groups the
    /// two-qubit exponentials (product form only: an exact group above 6 qubits has no gate
    /// form here, and this throws). Groups of one qubit have no gate.
    std::vector<Gate> gates(double beta) const {
        check_angle(beta);
        std::vector<Gate> out;
        std::map<unsigned, Eigen::MatrixXcd> cache;
        for (std::size_t g = 0; g < groups_.size(); ++g) {
            const unsigned k = group_size(g);
            if (k < 2) continue;
            if (k <= max_dense_qubits) {
                auto it = cache.find(k);
                if (it == cache.end()) it = cache.emplace(k, group_matrix(g, beta, detail::xy_block::unitary)).first;
                out.push_back(gates::unitary(groups_[g], it->second));
            } else if (form_ == xy_form::trotter) {
                const Eigen::MatrixXcd e = detail::xy_edge_unitary(beta);
                for (const auto& [a, b] : detail::xy_edges(k, graph_)) out.push_back(gates::unitary({groups_[g][a], groups_[g][b]}, e));
            } else {
                throw value_error("the exact XY mixer on one-hot group " + std::to_string(g) + " (" + std::to_string(k) +
                                  " qubits) has no gate form; dense gates take at most " +
                                  std::to_string(max_dense_qubits) + " qubits (use apply(), or xy_form::trotter)");
            }
        }
        return out;
    }

    /// @brief psi <- U_M(beta) psi. Throws index_error when a group's qubit is outside the state,
    /// value_error for a non-finite angle or an exact group above 10 qubits (before any change).
    template <precision Real>
    void apply(StateVector<Real>& psi, double beta, const exec_policy& pol = default_policy()) const {
        pass(psi, beta, detail::xy_block::unitary, pol);
    }

    /// @brief psi <- U_M(beta)^dagger psi (same checks as apply).
    template <precision Real>
    void apply_adjoint(StateVector<Real>& psi, double beta, const exec_policy& pol = default_policy()) const {
        pass(psi, beta, detail::xy_block::adjoint, pol);
    }

    /// @brief out <- H psi with H = sum_g H_g (the Hamiltonian, not the unitary).
    template <precision Real>
    void apply_hamiltonian(const StateVector<Real>& in, StateVector<Real>& out, const exec_policy& pol = default_policy()) const {
        check_pair(in, out, "XY Hamiltonian");
        std::vector<index_t> masks;
        for (const auto& g : groups_)
            for (const auto& [a, b] : detail::xy_edges(static_cast<unsigned>(g.size()), graph_))
                masks.push_back((index_t{1} << g[a]) | (index_t{1} << g[b]));
        const complex<Real>* x = in.data();
        complex<Real>* y = out.data();
        const index_t len = in.size();
        const int threads = pol.threads_for(len);
        // (X_a X_b + Y_a Y_b)|z> = 2|z ^ m> when bits a and b of z differ, else 0; the map is an
        // involution, so row z of H gathers 2 x[z ^ m] over the edges whose bits differ in z.
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
        for (index_t z = 0; z < len; ++z) {
            complex<Real> acc(0);
            for (const index_t m : masks) {
                const index_t t = z & m;
                if (t != 0 && t != m) acc += Real(2) * x[z ^ m];
            }
            y[z] = acc;
        }
    }

    /// @brief out <- G(beta) psi, G = i (dU_M/dbeta) U_M^dagger = sum_g G_g (Hermitian): H for
    /// the exact form; for the product form each group's G_g is formed on its 2^k states, so the
    /// groups must have at most 10 qubits.
    template <precision Real>
    void apply_generator(const StateVector<Real>& in, StateVector<Real>& out, double beta,
                         const exec_policy& pol = default_policy()) const {
        check_angle(beta);
        if (form_ == xy_form::exact) {
            apply_hamiltonian(in, out, pol);
            return;
        }
        check_pair(in, out, "XY generator");
        for (std::size_t g = 0; g < groups_.size(); ++g)
            if (group_size(g) > detail::xy_sector_max_group)
                throw value_error("the generator of the product-form XY mixer on one-hot group " + std::to_string(g) + " (" +
                                  std::to_string(group_size(g)) + " qubits) is formed for at most " +
                                  std::to_string(detail::xy_sector_max_group) + " qubits");
        std::fill(out.data(), out.data() + out.size(), complex<Real>(0));
        StateVector<Real> tmp(in.num_qubits());
        const index_t len = in.size();
        const int threads = pol.threads_for(len);
        for (std::size_t g = 0; g < groups_.size(); ++g) {
            const unsigned k = group_size(g);
            if (k < 2) continue;
            std::copy(in.data(), in.data() + len, tmp.data());
            const auto& sec = sectors_->at(k);
            const auto blocks = detail::xy_sector_blocks(sec, k, graph_, form_, beta, detail::xy_block::generator);
            if (k <= max_dense_qubits) {
                qcoach::apply(tmp, gates::matrix(groups_[g], detail::xy_full_from_blocks(k, sec, blocks, 0.0)), pol);
            } else {
                // The kernel leaves weights 0 and k alone; G is 0 there.
                detail::xy_sector_apply(tmp.data(), tmp.num_qubits(), groups_[g], sec, blocks, pol);
                zero_ends(tmp, groups_[g], pol);
            }
            complex<Real>* y = out.data();
            const complex<Real>* t = tmp.data();
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
            for (index_t z = 0; z < len; ++z) y[z] += t[z];
        }
    }

    /// @brief An n-qubit product of W states on the groups (see prepare_w_state).
    template <precision Real>
    StateVector<Real> initial_state(qubit_t n) const {
        return w_state<Real>(n, groups_);
    }

private:
    unsigned group_size(std::size_t g) const {
        if (g >= groups_.size()) {
            throw index_error("one-hot group " + std::to_string(g) + " is out of range; the mixer has " +
                              std::to_string(groups_.size()) + " groups");
        }
        return static_cast<unsigned>(groups_[g].size());
    }

    static void check_angle(double beta) {
        if (!std::isfinite(beta)) throw value_error("mixer angle beta is not finite");
    }

    template <precision Real>
    void check_pair(const StateVector<Real>& in, const StateVector<Real>& out, const char* what) const {
        detail::check_groups_fit(groups_, in.num_qubits(), what);
        if (out.num_qubits() != in.num_qubits()) {
            throw value_error(std::string(what) + ": output state has " + std::to_string(out.num_qubits()) + " qubits, input " +
                              std::to_string(in.num_qubits()));
        }
        if (&in == &out) throw value_error(std::string(what) + ": input and output must be different states");
    }

    Eigen::MatrixXcd group_matrix(std::size_t g, double beta, detail::xy_block what) const {
        const unsigned k = group_size(g);
        if (k > detail::xy_sector_max_group) {
            throw value_error("the 2^k matrix of one-hot group " + std::to_string(g) + " (" + std::to_string(k) +
                              " qubits) is not formed; at most " + std::to_string(detail::xy_sector_max_group));
        }
        const double ends = what == detail::xy_block::generator ? 0.0 : 1.0;
        if (k < 2) return ends * Eigen::MatrixXcd::Identity(Eigen::Index{1} << k, Eigen::Index{1} << k);
        const auto& sec = sectors_->at(k);
        return detail::xy_full_from_blocks(k, sec, detail::xy_sector_blocks(sec, k, graph_, form_, beta, what), ends);
    }

    /// Zero the amplitudes where the group's qubits are all 0 or all 1.
    template <precision Real>
    static void zero_ends(StateVector<Real>& psi, const std::vector<qubit_t>& qubits, const exec_policy& pol) {
        const index_t mask = bits::mask_of(qubits);
        complex<Real>* d = psi.data();
        const index_t len = psi.size();
        const int threads = pol.threads_for(len);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
        for (index_t z = 0; z < len; ++z)
            if ((z & mask) == 0 || (z & mask) == mask) d[z] = complex<Real>(0);
    }

    template <precision Real>
    void pass(StateVector<Real>& psi, double beta, detail::xy_block what, const exec_policy& pol) const {
        check_angle(beta);
        detail::check_groups_fit(groups_, psi.num_qubits(), "XY mixer");
        for (std::size_t g = 0; g < groups_.size(); ++g)
            if (form_ == xy_form::exact && group_size(g) > detail::xy_sector_max_group)
                throw value_error("the exact XY mixer on one-hot group " + std::to_string(g) + " (" +
                                  std::to_string(group_size(g)) + " qubits) is not supported in the full space " +
                                  "(at most " + std::to_string(detail::xy_sector_max_group) +
                                  "); use xy_form::trotter or the feasible-subspace simulator");
        std::map<unsigned, std::vector<Eigen::MatrixXcd>> blocks;
        std::map<unsigned, Eigen::MatrixXcd> dense;
        for (std::size_t g = 0; g < groups_.size(); ++g) {
            const unsigned k = group_size(g);
            if (k < 2) continue;
            if (k <= max_dense_qubits) {
                auto it = dense.find(k);
                if (it == dense.end()) it = dense.emplace(k, group_matrix(g, beta, what)).first;
                qcoach::apply(psi, gates::unitary(groups_[g], it->second), pol);
            } else if (k <= detail::xy_sector_max_group) {
                auto it = blocks.find(k);
                if (it == blocks.end())
                    it = blocks.emplace(k, detail::xy_sector_blocks(sectors_->at(k), k, graph_, form_, beta, what)).first;
                detail::xy_sector_apply(psi.data(), psi.num_qubits(), groups_[g], sectors_->at(k), it->second, pol);
            } else {
                // Product form on a large group: the two-qubit factors, in reverse order with the
                // negated angle for the adjoint.
                const bool adj = what == detail::xy_block::adjoint;
                Gate e = gates::unitary({0, 1}, detail::xy_edge_unitary(adj ? -beta : beta));
                auto edges = detail::xy_edges(k, graph_);
                if (adj) std::reverse(edges.begin(), edges.end());
                for (const auto& [a, b] : edges) {
                    e.targets = {groups_[g][a], groups_[g][b]};
                    qcoach::apply(psi, e, pol);
                }
            }
        }
    }

    std::vector<std::vector<qubit_t>> groups_;
    xy_graph graph_;
    xy_form form_;
    qubit_t min_qubits_ = 0;
    std::shared_ptr<const std::map<unsigned, std::vector<detail::xy_sector>>> sectors_;
};

} // namespace qcoach::variational
