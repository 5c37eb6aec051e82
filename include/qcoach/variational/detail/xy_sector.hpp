#pragma once
/// @file
/// @brief The XY mixer of one group on all 2^k states of its qubits, block by Hamming weight,
/// and the kernel that applies such blocks to a full state.
///
/// H keeps the Hamming weight of the group (every term moves a 1), and so does each two-qubit
/// exponential of the product form: every operator here is block diagonal with one block per
/// weight w = 0..k, of dimension C(k, w). Weights 0 and k are single states on which H = 0.
/// The exact form uses the eigen-decomposition of each block of H (made once; it does not
/// depend on beta): U = V diag(exp(-i beta lambda)) V^T. The product form multiplies the
/// restricted edge rotations in the order of xy_graph.hpp.

#include <algorithm>
#include <bit>
#include <complex>
#include <cstdint>
#include <vector>

#include <Eigen/Dense>

#include "qcoach/core/bits.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/variational/detail/xy_graph.hpp"

namespace qcoach::variational::detail {

/// Largest group whose blocks are formed: the largest block, C(k, k/2), is 252 at k = 10 and
/// costs C^3 operations per angle; at k = 12 that is already ~10^9.
inline constexpr unsigned xy_sector_max_group = 10;

/// One weight block: its local states (bit j = the group's qubit j, ascending), its Hamiltonian
/// and that Hamiltonian's eigen-decomposition.
struct xy_sector {
    std::vector<std::uint32_t> states;
    Eigen::MatrixXd hamiltonian;
    Eigen::VectorXd values;
    Eigen::MatrixXd vectors;

    /// Local index of state z (which must be in the block).
    Eigen::Index index_of(std::uint32_t z) const {
        return std::lower_bound(states.begin(), states.end(), z) - states.begin();
    }
};

/// @brief The blocks of weights 1..k-1 of H on a group of k qubits.
///
/// A template only so that the eigen-solver, the longest instantiation of the QAOA headers
/// (about 4 s of compile time), is compiled where a mixer is built (xy_mixer's constructor is
/// a template for the same reason), not in every program that includes qcoach/qcoach.hpp.
template <class Matrix = Eigen::MatrixXd>
std::vector<xy_sector> xy_sectors(unsigned k, xy_graph g) {
    const auto edges = xy_edges(k, g);
    std::vector<xy_sector> out;
    for (unsigned w = 1; w < k; ++w) {
        xy_sector s;
        for (std::uint32_t z = 0; z < (std::uint32_t{1} << k); ++z)
            if (static_cast<unsigned>(std::popcount(z)) == w) s.states.push_back(z);
        const auto dim = static_cast<Eigen::Index>(s.states.size());
        s.hamiltonian = Eigen::MatrixXd::Zero(dim, dim);
        for (Eigen::Index col = 0; col < dim; ++col) {
            const std::uint32_t z = s.states[static_cast<std::size_t>(col)];
            for (const auto& [a, b] : edges)
                if (((z >> a) & 1u) != ((z >> b) & 1u)) s.hamiltonian(s.index_of(z ^ ((1u << a) | (1u << b))), col) += 2.0;
        }
        Eigen::SelfAdjointEigenSolver<Matrix> es(s.hamiltonian);
        s.values = es.eigenvalues();
        s.vectors = es.eigenvectors();
        out.push_back(std::move(s));
    }
    return out;
}

/// Which operator of the mixer at angle beta a block list holds.
enum class xy_block : std::uint8_t {
    unitary,  ///< U(beta)
    adjoint,  ///< U(beta)^dagger
    generator ///< G(beta) = i (dU/dbeta) U^dagger (Hermitian; H itself for the exact form)
};

/// @brief The blocks (weights 1..k-1, in the order of `sectors`) of U, U^dagger or G.
inline std::vector<Eigen::MatrixXcd> xy_sector_blocks(const std::vector<xy_sector>& sectors, unsigned k, xy_graph g,
                                                      xy_form f, double beta, xy_block what) {
    using cd = std::complex<double>;
    std::vector<Eigen::MatrixXcd> out;
    const auto edges = xy_edges(k, g);
    const double c = std::cos(2.0 * beta), s = std::sin(2.0 * beta);
    for (const xy_sector& sec : sectors) {
        const auto dim = static_cast<Eigen::Index>(sec.states.size());
        if (f == xy_form::exact) {
            if (what == xy_block::generator) {
                out.push_back(sec.hamiltonian.cast<cd>());
                continue;
            }
            const double sign = what == xy_block::unitary ? -1.0 : 1.0;
            Eigen::VectorXcd ph(dim);
            for (Eigen::Index i = 0; i < dim; ++i) ph(i) = std::exp(cd(0.0, sign * beta * sec.values(i)));
            const Eigen::MatrixXcd v = sec.vectors.cast<cd>();
            out.push_back(v * ph.asDiagonal() * v.transpose());
            continue;
        }
        // Product form: each edge rotation mixes the pairs (z, z ^ m), bit a of z set, bit b clear.
        std::vector<std::vector<std::pair<Eigen::Index, Eigen::Index>>> pairs(edges.size());
        for (std::size_t e = 0; e < edges.size(); ++e) {
            const auto [a, b] = edges[e];
            for (Eigen::Index i = 0; i < dim; ++i) {
                const std::uint32_t z = sec.states[static_cast<std::size_t>(i)];
                if (((z >> a) & 1u) && !((z >> b) & 1u)) pairs[e].emplace_back(i, sec.index_of(z ^ ((1u << a) | (1u << b))));
            }
        }
        if (what != xy_block::generator) {
            Eigen::MatrixXcd u = Eigen::MatrixXcd::Identity(dim, dim);
            for (std::size_t e = 0; e < edges.size(); ++e)
                for (const auto& [i, j] : pairs[e]) {
                    const Eigen::RowVectorXcd ri = u.row(i), rj = u.row(j);
                    u.row(i) = c * ri + cd(0.0, -s) * rj;
                    u.row(j) = cd(0.0, -s) * ri + c * rj;
                }
            out.push_back(what == xy_block::unitary ? u : Eigen::MatrixXcd(u.adjoint()));
            continue;
        }
        // G = sum_e P_e H_e P_e^dagger, P_e the factors after edge e (see xy_onehot_generator).
        Eigen::MatrixXcd gen = Eigen::MatrixXcd::Zero(dim, dim);
        Eigen::MatrixXcd p = Eigen::MatrixXcd::Identity(dim, dim);
        for (std::size_t e = edges.size(); e-- > 0;) {
            for (const auto& [i, j] : pairs[e]) {
                const Eigen::VectorXcd pi = p.col(i), pj = p.col(j);
                gen += 2.0 * (pi * pj.adjoint() + pj * pi.adjoint());
            }
            for (const auto& [i, j] : pairs[e]) {
                const Eigen::VectorXcd pi = p.col(i), pj = p.col(j);
                p.col(i) = c * pi + cd(0.0, -s) * pj;
                p.col(j) = cd(0.0, -s) * pi + c * pj;
            }
        }
        out.push_back(gen);
    }
    return out;
}

/// @brief The 2^k x 2^k matrix (bit j = qubit j) with the given blocks; the weight-0 and
/// weight-k entries are `ends` (1 for U and U^dagger, 0 for G).
inline Eigen::MatrixXcd xy_full_from_blocks(unsigned k, const std::vector<xy_sector>& sectors,
                                            const std::vector<Eigen::MatrixXcd>& blocks, double ends) {
    const Eigen::Index dim = Eigen::Index{1} << k;
    Eigen::MatrixXcd u = Eigen::MatrixXcd::Zero(dim, dim);
    u(0, 0) = ends;
    u(dim - 1, dim - 1) = ends;
    for (std::size_t b = 0; b < sectors.size(); ++b) {
        const auto& st = sectors[b].states;
        for (std::size_t r = 0; r < st.size(); ++r)
            for (std::size_t c = 0; c < st.size(); ++c)
                u(st[r], st[c]) = blocks[b](static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c));
    }
    return u;
}

/// @brief Multiply every group of amplitudes of a full state by the blocks: for each assignment
/// of the qubits outside the group (zero bits inserted at the group's sorted positions give the
/// base index), the C(k, w) amplitudes of each weight are gathered, multiplied by their block
/// and scattered back. Weights 0 and k are left as they are. `qubits`: the group (bit j of a
/// local state is qubits[j]).
template <class Real>
void xy_sector_apply(std::complex<Real>* psi, qubit_t n, const std::vector<qubit_t>& qubits,
                     const std::vector<xy_sector>& sectors, const std::vector<Eigen::MatrixXcd>& blocks,
                     const exec_policy& pol) {
    using cr = std::complex<Real>;
    using cmat = Eigen::Matrix<cr, Eigen::Dynamic, Eigen::Dynamic>;
    using cvec = Eigen::Matrix<cr, Eigen::Dynamic, 1>;
    const auto k = static_cast<unsigned>(qubits.size());
    std::vector<cmat> mats;
    std::vector<std::vector<index_t>> offsets;
    std::size_t widest = 0;
    for (std::size_t b = 0; b < sectors.size(); ++b) {
        mats.push_back(blocks[b].cast<cr>());
        std::vector<index_t> off;
        for (std::uint32_t z : sectors[b].states) off.push_back(bits::scatter_bits(z, qubits));
        offsets.push_back(std::move(off));
        widest = std::max(widest, sectors[b].states.size());
    }
    std::vector<qubit_t> sorted(qubits);
    std::sort(sorted.begin(), sorted.end());
    const index_t rest = index_t{1} << (n - k);
    const int threads = pol.threads_for(index_t{1} << n);
#pragma omp parallel num_threads(threads) if (threads > 1)
    {
        cvec x(static_cast<Eigen::Index>(widest)), y(static_cast<Eigen::Index>(widest));
#pragma omp for schedule(static)
        for (index_t r = 0; r < rest; ++r) {
            const index_t base = bits::insert_zero_bits(r, sorted);
            for (std::size_t b = 0; b < mats.size(); ++b) {
                const auto& off = offsets[b];
                const auto dim = static_cast<Eigen::Index>(off.size());
                for (Eigen::Index i = 0; i < dim; ++i) x(i) = psi[base + off[static_cast<std::size_t>(i)]];
                y.head(dim).noalias() = mats[b] * x.head(dim);
                for (Eigen::Index i = 0; i < dim; ++i) psi[base + off[static_cast<std::size_t>(i)]] = y(i);
            }
        }
    }
}

} // namespace qcoach::variational::detail
