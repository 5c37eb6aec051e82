#pragma once
/// @file
/// @brief The XY mixer of one one-hot group: its graph (ring or complete), the order of its
/// two-qubit terms in the product form, and its matrices on the k one-hot states and on all 2^k
/// states of the group.
///
/// On a group of k qubits q_0..q_{k-1} the XY Hamiltonian of a graph with edge set E is
///
///     H = sum_{(a,b) in E} (X_a X_b + Y_a Y_b),
///
/// (Hadfield et al., arXiv:1709.03489, sec. 4.1; Wang, Hadfield, Jiang & Rieffel,
/// arXiv:1904.09314, eq. 5). Each term is 2 (|01><10| + |10><01|) on qubits (a, b): it moves the
/// single 1 between a and b and keeps the Hamming weight. Restricted to the one-hot states
/// e_j = "q_j is the qubit set to 1", H is therefore exactly 2 A with A the adjacency matrix of
/// the graph. The spectra are known: the cycle C_k has eigenvalues 2 cos(2 pi j / k) with the
/// Fourier vectors, the complete graph K_k has k - 1 once (the uniform vector) and -1 otherwise,
/// so exp(-i beta 2A) has a closed form for both (ring_onehot_unitary, complete_onehot_unitary).
///
/// Graphs: the ring on k >= 3 positions has the edges (j, j+1 mod k); on k = 2 it is the single
/// edge (0, 1) (not a doubled edge), on k = 1 it is empty. The complete graph has every pair. So
/// ring and complete coincide for k <= 3.
///
/// Product ("trotter") form: the edges are split into layers of disjoint edges and the
/// two-qubit exponentials are applied layer by layer. Ring: the pairs (0,1),(2,3),... first, then
/// (1,2),(3,4),..., then the closing edge (k-1, 0) in a layer of its own when k is odd (for even k
/// it joins the second layer): the parity ordering of Wang et al. (sec. IV) and Hadfield et al.
/// (sec. 4.1.1). Complete: the k - 1 (k even) or k (k odd) perfect matchings of the round-robin
/// ("circle method") schedule, one layer each. Within a layer the factors commute; the layers do
/// not, so the product equals exp(-i beta H) only to first order in beta.

#include <cmath>
#include <complex>
#include <cstdint>
#include <numbers>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "qcoach/core/error.hpp"

namespace qcoach::variational {

/// Graph of an XY mixer on one group: the ring (cycle) or the complete graph.
enum class xy_graph : std::uint8_t { ring, complete };

/// How the mixer unitary is formed: the exact exponential exp(-i beta H), or the product of the
/// two-qubit exponentials in the layer order of detail/xy_graph.hpp (approximate).
enum class xy_form : std::uint8_t { exact, trotter };

constexpr std::string_view xy_graph_name(xy_graph g) noexcept { return g == xy_graph::ring ? "ring" : "complete"; }
constexpr std::string_view xy_form_name(xy_form f) noexcept { return f == xy_form::exact ? "exact" : "trotter"; }

namespace detail {

using xy_edge = std::pair<unsigned, unsigned>;

/// @brief Edges of the graph on positions 0..k-1, as layers of disjoint edges in the order the
/// product form applies them (see the file comment).
inline std::vector<std::vector<xy_edge>> xy_edge_layers(unsigned k, xy_graph g) {
    std::vector<std::vector<xy_edge>> layers;
    if (k < 2) return layers;
    if (k == 2) return {{{0u, 1u}}};
    if (g == xy_graph::ring) {
        std::vector<xy_edge> even, odd;
        for (unsigned j = 0; j + 1 < k; ++j) (j % 2 == 0 ? even : odd).emplace_back(j, j + 1);
        layers.push_back(std::move(even));
        if (k % 2 == 0) {
            odd.emplace_back(0u, k - 1);
            layers.push_back(std::move(odd));
        } else {
            layers.push_back(std::move(odd));
            layers.push_back({{0u, k - 1}});
        }
        return layers;
    }
    // Round-robin schedule on an even number of slots v (a dummy slot k when k is odd, whose
    // pairings are dropped): slot v-1 stays, the others turn; in round r slot v-1 meets r and
    // (r + i) meets (r - i) mod (v - 1) for i = 1 .. v/2 - 1. Every pair meets exactly once.
    const unsigned v = k % 2 == 0 ? k : k + 1;
    for (unsigned r = 0; r + 1 < v; ++r) {
        std::vector<xy_edge> layer;
        auto add = [&](unsigned a, unsigned b) {
            if (a >= k || b >= k) return;
            layer.emplace_back(std::min(a, b), std::max(a, b));
        };
        add(r, v - 1);
        for (unsigned i = 1; i < v / 2; ++i) add((r + i) % (v - 1), (r + (v - 1) - i) % (v - 1));
        layers.push_back(std::move(layer));
    }
    return layers;
}

/// @brief All edges of the graph, in product order.
inline std::vector<xy_edge> xy_edges(unsigned k, xy_graph g) {
    std::vector<xy_edge> out;
    for (const auto& layer : xy_edge_layers(k, g)) out.insert(out.end(), layer.begin(), layer.end());
    return out;
}

/// @brief H restricted to the one-hot states: 2 A (real symmetric k x k).
inline Eigen::MatrixXd xy_onehot_hamiltonian(unsigned k, xy_graph g) {
    Eigen::MatrixXd h = Eigen::MatrixXd::Zero(k, k);
    for (const auto& [a, b] : xy_edges(k, g)) {
        h(a, b) = 2.0;
        h(b, a) = 2.0;
    }
    return h;
}

/// exp(-i beta 2 A) for the complete graph K_k: 2A = 2J - 2I has eigenvalue 2(k-1) on the uniform
/// vector and -2 on its complement, so U = e^{2 i beta} (I + (e^{-2 i beta k} - 1) / k J).
inline Eigen::MatrixXcd complete_onehot_unitary(unsigned k, double beta) {
    using cd = std::complex<double>;
    const cd outer = std::exp(cd(0.0, 2.0 * beta));
    const cd c = outer * (std::exp(cd(0.0, -2.0 * beta * k)) - 1.0) / static_cast<double>(k);
    Eigen::MatrixXcd u = Eigen::MatrixXcd::Constant(k, k, c);
    for (unsigned a = 0; a < k; ++a) u(a, a) += outer;
    return u;
}

/// exp(-i beta 2 A) for the cycle C_k, k >= 3: A is circulant with eigenvalues 2 cos(2 pi j / k)
/// on the Fourier vectors, so U(a, b) = u[(a - b) mod k] with
/// u[d] = (1/k) sum_j exp(-4 i beta cos(2 pi j / k)) cos(2 pi j d / k)
/// (the sine parts cancel because the eigenvalues of j and k - j are equal).
inline Eigen::MatrixXcd ring_onehot_unitary(unsigned k, double beta) {
    using cd = std::complex<double>;
    const double two_pi = 2.0 * std::numbers::pi;
    std::vector<cd> phase(k);
    for (unsigned j = 0; j < k; ++j) phase[j] = std::exp(cd(0.0, -4.0 * beta * std::cos(two_pi * j / k)));
    std::vector<cd> u(k, cd(0.0));
    for (unsigned d = 0; d < k; ++d) {
        cd s = 0.0;
        // (j d) mod k keeps the cosine argument small, so the table is accurate for large k too.
        for (unsigned j = 0; j < k; ++j) s += phase[j] * std::cos(two_pi * static_cast<double>((j * d) % k) / k);
        u[d] = s / static_cast<double>(k);
    }
    Eigen::MatrixXcd m(k, k);
    for (unsigned a = 0; a < k; ++a)
        for (unsigned b = 0; b < k; ++b) m(a, b) = u[(a + k - b) % k];
    return m;
}

/// @brief exp(-i beta 2(|a><b| + |b><a|)) on positions (a, b) of the one-hot states: cos(2 beta)
/// on a and b, -i sin(2 beta) between them, identity elsewhere. Multiplies `m` from the left.
inline void apply_edge_rotation_left(Eigen::MatrixXcd& m, unsigned a, unsigned b, double beta) {
    const double c = std::cos(2.0 * beta), s = std::sin(2.0 * beta);
    const std::complex<double> mis(0.0, -s);
    for (Eigen::Index col = 0; col < m.cols(); ++col) {
        const std::complex<double> xa = m(a, col), xb = m(b, col);
        m(a, col) = c * xa + mis * xb;
        m(b, col) = mis * xa + c * xb;
    }
}

/// @brief The mixer unitary of one group restricted to its k one-hot states (k x k), row a /
/// column b meaning "the 1 moves from position b to position a".
inline Eigen::MatrixXcd xy_onehot_unitary(unsigned k, xy_graph g, xy_form f, double beta) {
    if (f == xy_form::exact) {
        if (k <= 3 || g == xy_graph::complete) return complete_onehot_unitary(k, beta);
        return ring_onehot_unitary(k, beta);
    }
    Eigen::MatrixXcd u = Eigen::MatrixXcd::Identity(k, k);
    for (const auto& [a, b] : xy_edges(k, g)) apply_edge_rotation_left(u, a, b, beta);
    return u;
}

/// @brief D = (dU/d beta) U^dagger of the one-hot unitary: -i 2A for the exact form; for the
/// product U = R_m ... R_1 it is sum_e P_e (-i H_e) P_e^dagger with P_e = R_m ... R_{e+1} (the
/// factors applied after edge e). The adjoint gradient needs it: d<C>/d beta = 2 Re <lambda|D|phi>
/// at the point just after the mixer.
inline Eigen::MatrixXcd xy_onehot_generator(unsigned k, xy_graph g, xy_form f, double beta) {
    using cd = std::complex<double>;
    if (f == xy_form::exact) return cd(0.0, -1.0) * xy_onehot_hamiltonian(k, g).cast<cd>();
    const auto edges = xy_edges(k, g);
    Eigen::MatrixXcd d = Eigen::MatrixXcd::Zero(k, k);
    Eigen::MatrixXcd p = Eigen::MatrixXcd::Identity(k, k);
    for (std::size_t e = edges.size(); e-- > 0;) {
        const auto [a, b] = edges[e];
        // P (-i H_e) P^dagger with H_e = 2(|a><b| + |b><a|): columns a and b of P, crossed.
        const Eigen::VectorXcd pa = p.col(a), pb = p.col(b);
        d += cd(0.0, -2.0) * (pa * pb.adjoint() + pb * pa.adjoint());
        // P <- P R_e: right multiplication by the rotation mixes columns a and b.
        const double c = std::cos(2.0 * beta), s = std::sin(2.0 * beta);
        p.col(a) = c * pa + cd(0.0, -s) * pb;
        p.col(b) = cd(0.0, -s) * pa + c * pb;
    }
    return d;
}

/// @brief exp(-i beta (X_a X_b + Y_a Y_b)) on two qubits (a = bit 0): identity on |00>, |11>,
/// [[cos 2beta, -i sin 2beta], [-i sin 2beta, cos 2beta]] on |01>, |10>.
inline Eigen::Matrix4cd xy_edge_unitary(double beta) {
    const double c = std::cos(2.0 * beta), s = std::sin(2.0 * beta);
    Eigen::Matrix4cd m = Eigen::Matrix4cd::Identity();
    m(1, 1) = c;
    m(2, 2) = c;
    m(1, 2) = std::complex<double>(0.0, -s);
    m(2, 1) = std::complex<double>(0.0, -s);
    return m;
}

} // namespace detail
} // namespace qcoach::variational
