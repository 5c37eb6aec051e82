// XY mixers in the full space: the one-hot restriction (2 x adjacency), the closed-form and
// product-form k x k unitaries and their generators, the full-space unitary against the matrix
// exponential of the Pauli-built Hamiltonian, the adjoint and generator used by gradients, and
// the W-state start.

#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <complex>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include <Eigen/Dense>
#include <unsupported/Eigen/KroneckerProduct>
#include <unsupported/Eigen/MatrixFunctions>

#include "qcoach/statevector/apply.hpp"
#include "qcoach/statevector/gates.hpp"
#include "qcoach/variational/xy_mixer.hpp"
#include "support/matchers.hpp"
#include "support/reference.hpp"

using namespace qcoach;
using namespace qcoach::variational;
using qcoach::test::cd;
using qcoach::test::MessageContains;
namespace vd = qcoach::variational::detail;

namespace {

using groups_t = std::vector<std::vector<qubit_t>>;

Eigen::Matrix2cd pauli_x() {
    Eigen::Matrix2cd m;
    m << 0, 1, 1, 0;
    return m;
}
Eigen::Matrix2cd pauli_y() {
    Eigen::Matrix2cd m;
    m << 0, cd(0, -1), cd(0, 1), 0;
    return m;
}

/// X_a X_b + Y_a Y_b on two qubits, from the Pauli matrices.
Eigen::MatrixXcd xx_yy() {
    const Eigen::MatrixXcd x = pauli_x(), y = pauli_y();
    return Eigen::kroneckerProduct(x, x).eval() + Eigen::kroneckerProduct(y, y).eval();
}

/// The graph's edges written out by hand: the ring joins consecutive positions and closes; the
/// complete graph has every pair. (Independent of the library's layer construction.)
std::set<std::pair<unsigned, unsigned>> graph_edges(unsigned k, xy_graph g) {
    std::set<std::pair<unsigned, unsigned>> e;
    if (k < 2) return e;
    if (g == xy_graph::complete || k <= 3) {
        for (unsigned a = 0; a < k; ++a)
            for (unsigned b = a + 1; b < k; ++b) e.insert({a, b});
    } else {
        for (unsigned a = 0; a < k; ++a) e.insert({std::min(a, (a + 1) % k), std::max(a, (a + 1) % k)});
    }
    return e;
}

/// m (2^k x 2^k, qubits[0] = least significant) on `qubits` and the identity elsewhere, by its
/// definition: entry (z', z) is m(local z', local z) when z' and z agree outside `qubits`.
Eigen::MatrixXcd embed_direct(const Eigen::MatrixXcd& m, const std::vector<qubit_t>& qubits, qubit_t n) {
    const Eigen::Index dim = Eigen::Index{1} << n;
    Eigen::MatrixXcd out = Eigen::MatrixXcd::Zero(dim, dim);
    index_t mask = 0;
    for (qubit_t q : qubits) mask |= index_t{1} << q;
    for (index_t z = 0; z < static_cast<index_t>(dim); ++z) {
        index_t local = 0;
        for (std::size_t j = 0; j < qubits.size(); ++j) local |= ((z >> qubits[j]) & 1) << j;
        for (index_t r = 0; r < static_cast<index_t>(m.rows()); ++r) {
            index_t t = z & ~mask;
            for (std::size_t j = 0; j < qubits.size(); ++j) t |= ((r >> j) & 1) << qubits[j];
            out(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(z)) += m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(local));
        }
    }
    return out;
}

/// Full-space H = sum over groups and edges of (XX + YY), as a dense 2^n matrix.
Eigen::MatrixXcd full_hamiltonian(const groups_t& groups, xy_graph g, qubit_t n) {
    const Eigen::Index dim = Eigen::Index{1} << n;
    Eigen::MatrixXcd h = Eigen::MatrixXcd::Zero(dim, dim);
    const Eigen::MatrixXcd t = xx_yy();
    for (const auto& grp : groups)
        for (const auto& [a, b] : graph_edges(static_cast<unsigned>(grp.size()), g)) h += embed_direct(t, {grp[a], grp[b]}, n);
    return h;
}

/// exp(-i beta H) for a real symmetric H (XX + YY is real) through its eigen-decomposition.
struct hermitian_exp {
    Eigen::MatrixXcd h;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es;
    explicit hermitian_exp(const Eigen::MatrixXcd& hc) : h(hc) {
        REQUIRE(hc.imag().cwiseAbs().maxCoeff() == 0.0);
        es.compute(hc.real());
    }
    Eigen::VectorXcd apply(double beta, const Eigen::VectorXcd& v) const {
        const Eigen::MatrixXcd vecs = es.eigenvectors().cast<cd>();
        Eigen::VectorXcd w = vecs.adjoint() * v;
        for (Eigen::Index i = 0; i < w.size(); ++i) w(i) *= std::exp(cd(0, -beta * es.eigenvalues()(i)));
        return vecs * w;
    }
};

/// The decomposition of the full H of a layout, made once for both precisions (the dense
/// eigen-solver on 256 x 256 dominates the test's time in unoptimized builds).
const hermitian_exp& cached_exp(const groups_t& groups, xy_graph g, qubit_t n) {
    static std::map<std::pair<groups_t, xy_graph>, std::unique_ptr<hermitian_exp>> cache;
    auto& slot = cache[{groups, g}];
    if (!slot) slot = std::make_unique<hermitian_exp>(full_hamiltonian(groups, g, n));
    return *slot;
}

/// The product form by direct amplitude updates, edge by edge in the layer order.
Eigen::VectorXcd trotter_reference(const groups_t& groups, xy_graph g, double beta, const Eigen::VectorXcd& v) {
    Eigen::VectorXcd out = v;
    const double c = std::cos(2 * beta), s = std::sin(2 * beta);
    for (const auto& grp : groups)
        for (const auto& [a, b] : vd::xy_edges(static_cast<unsigned>(grp.size()), g)) {
            const index_t ma = index_t{1} << grp[a], mb = index_t{1} << grp[b];
            for (index_t z = 0; z < static_cast<index_t>(v.size()); ++z) {
                if (!(z & ma) || (z & mb)) continue;
                const index_t t = z ^ ma ^ mb;
                const cd x = out(static_cast<Eigen::Index>(z)), y = out(static_cast<Eigen::Index>(t));
                out(static_cast<Eigen::Index>(z)) = c * x + cd(0, -s) * y;
                out(static_cast<Eigen::Index>(t)) = cd(0, -s) * x + c * y;
            }
        }
    return out;
}

template <class Real>
double max_diff(const StateVector<Real>& s, const Eigen::VectorXcd& ref) {
    return (test::to_eigen(s) - ref).cwiseAbs().maxCoeff();
}

bool feasible(index_t z, const groups_t& groups) {
    for (const auto& g : groups) {
        int set = 0;
        for (qubit_t q : g) set += static_cast<int>((z >> q) & 1);
        if (set != 1) return false;
    }
    return true;
}

} // namespace

TEST_CASE("xy: edge layers are matchings covering the graph once", "[variational][xy]") {
    for (xy_graph g : {xy_graph::ring, xy_graph::complete}) {
        for (unsigned k = 1; k <= 9; ++k) {
            std::multiset<std::pair<unsigned, unsigned>> seen;
            for (const auto& layer : vd::xy_edge_layers(k, g)) {
                std::set<unsigned> used;
                for (auto [a, b] : layer) {
                    CHECK(used.insert(a).second);
                    CHECK(used.insert(b).second);
                    seen.insert(std::make_pair(std::min(a, b), std::max(a, b)));
                }
            }
            const auto want = graph_edges(k, g);
            CHECK(seen.size() == want.size());
            CHECK(std::set<std::pair<unsigned, unsigned>>(seen.begin(), seen.end()) == want);
        }
    }
    // Parity order of the ring: even pairs, odd pairs, then the closing edge alone for odd k.
    const auto l5 = vd::xy_edge_layers(5, xy_graph::ring);
    REQUIRE(l5.size() == 3);
    CHECK(l5[0] == std::vector<vd::xy_edge>{{0, 1}, {2, 3}});
    CHECK(l5[1] == std::vector<vd::xy_edge>{{1, 2}, {3, 4}});
    CHECK(l5[2] == std::vector<vd::xy_edge>{{0, 4}});
    CHECK(vd::xy_edge_layers(6, xy_graph::ring).size() == 2);
    CHECK(vd::xy_edge_layers(6, xy_graph::complete).size() == 5);
    CHECK(vd::xy_edge_layers(5, xy_graph::complete).size() == 5);
}

TEST_CASE("xy: restricted to one-hot states H is twice the adjacency matrix", "[variational][xy]") {
    for (xy_graph g : {xy_graph::ring, xy_graph::complete}) {
        for (unsigned k = 1; k <= 6; ++k) {
            groups_t grp{{}};
            for (qubit_t q = 0; q < k; ++q) grp[0].push_back(q);
            const Eigen::MatrixXcd h = full_hamiltonian(grp, g, k);
            Eigen::MatrixXd restricted(k, k);
            for (unsigned a = 0; a < k; ++a)
                for (unsigned b = 0; b < k; ++b) {
                    const cd v = h(Eigen::Index{1} << a, Eigen::Index{1} << b);
                    CHECK(std::abs(v.imag()) < 1e-14);
                    restricted(a, b) = v.real();
                }
            Eigen::MatrixXd adj = Eigen::MatrixXd::Zero(k, k);
            for (auto [a, b] : graph_edges(k, g)) adj(a, b) = adj(b, a) = 1.0;
            CHECK((restricted - 2.0 * adj).cwiseAbs().maxCoeff() < 1e-14);
            CHECK((vd::xy_onehot_hamiltonian(k, g) - 2.0 * adj).cwiseAbs().maxCoeff() == 0.0);
            // One-hot states are closed under H: H maps them to one-hot states only.
            for (unsigned b = 0; b < k; ++b)
                for (Eigen::Index z = 0; z < h.rows(); ++z)
                    if (std::popcount(static_cast<unsigned>(z)) != 1) CHECK(std::abs(h(z, Eigen::Index{1} << b)) == 0.0);
        }
    }
}

TEST_CASE("xy: closed-form one-hot unitaries equal the matrix exponential", "[variational][xy]") {
    for (xy_graph g : {xy_graph::ring, xy_graph::complete}) {
        for (unsigned k = 1; k <= 9; ++k) {
            for (double beta : {0.0, 0.37, -1.2, 2.9}) {
                const Eigen::MatrixXcd h = vd::xy_onehot_hamiltonian(k, g).cast<cd>();
                const Eigen::MatrixXcd ref = (cd(0, -beta) * h).exp();
                const Eigen::MatrixXcd u = vd::xy_onehot_unitary(k, g, xy_form::exact, beta);
                INFO("k = " << k << ", graph " << xy_graph_name(g) << ", beta = " << beta);
                CHECK((u - ref).cwiseAbs().maxCoeff() < 1e-12);
            }
        }
    }
}

TEST_CASE("xy: product form is the ordered product of edge exponentials", "[variational][xy]") {
    for (xy_graph g : {xy_graph::ring, xy_graph::complete}) {
        for (unsigned k = 2; k <= 7; ++k) {
            const double beta = 0.41;
            Eigen::MatrixXcd ref = Eigen::MatrixXcd::Identity(k, k);
            for (const auto& [a, b] : vd::xy_edges(k, g)) {
                Eigen::MatrixXcd he = Eigen::MatrixXcd::Zero(k, k);
                he(a, b) = he(b, a) = 2.0;
                ref = (cd(0, -beta) * he).exp() * ref;
            }
            const Eigen::MatrixXcd u = vd::xy_onehot_unitary(k, g, xy_form::trotter, beta);
            CHECK((u - ref).cwiseAbs().maxCoeff() < 1e-12);
            // First order in beta: U_trotter - U_exact = O(beta^2).
            const double small = 1e-3;
            const Eigen::MatrixXcd d = vd::xy_onehot_unitary(k, g, xy_form::trotter, small) -
                                       vd::xy_onehot_unitary(k, g, xy_form::exact, small);
            CHECK(d.cwiseAbs().maxCoeff() < 50 * small * small);
        }
    }
}

TEST_CASE("xy: one-hot generator is (dU/dbeta) U^dagger", "[variational][xy]") {
    for (xy_form f : {xy_form::exact, xy_form::trotter})
        for (xy_graph g : {xy_graph::ring, xy_graph::complete})
            for (unsigned k = 2; k <= 6; ++k) {
                const double beta = 0.53, h = 1e-5;
                const Eigen::MatrixXcd du = (vd::xy_onehot_unitary(k, g, f, beta + h) -
                                             vd::xy_onehot_unitary(k, g, f, beta - h)) / (2 * h);
                const Eigen::MatrixXcd ref = du * vd::xy_onehot_unitary(k, g, f, beta).adjoint();
                const Eigen::MatrixXcd d = vd::xy_onehot_generator(k, g, f, beta);
                INFO("k = " << k << ", " << xy_form_name(f) << ", " << xy_graph_name(g));
                CHECK((d - ref).cwiseAbs().maxCoeff() < 1e-8);
                CHECK((d + d.adjoint()).cwiseAbs().maxCoeff() < 1e-12); // anti-Hermitian
            }
}

TEMPLATE_TEST_CASE("xy: full-space exact mixer equals exp(-i beta H)", "[variational][xy]", float, double) {
    const double tol = test::state_tolerance<TestType>() * 10;
    struct layout {
        groups_t groups;
        qubit_t n;
    };
    // Free qubits, unordered groups, sizes 1..4 and a group of 7 (the block-by-weight kernel).
    const std::vector<layout> cases = {{{{0, 1}}, 2},
                                       {{{2, 0, 5}, {1, 4}}, 6},
                                       {{{3, 1, 6, 0}, {2}, {5, 7}}, 8},
                                       {{{7, 2, 5, 0, 3, 6, 1}}, 8}};
    Rng rng(41);
    for (const auto& c : cases)
        for (xy_graph g : {xy_graph::ring, xy_graph::complete}) {
            const xy_mixer mixer(c.groups, g);
            const hermitian_exp& expm = cached_exp(c.groups, g, c.n);
            const Eigen::MatrixXcd& h = expm.h;
            for (double beta : {0.3, -0.85}) {
                auto psi = test::random_state<TestType>(c.n, rng);
                const Eigen::VectorXcd v = test::to_eigen(psi);
                const Eigen::VectorXcd ref = expm.apply(beta, v);
                mixer.apply(psi, beta);
                INFO("n = " << c.n << ", graph " << xy_graph_name(g) << ", beta = " << beta);
                CHECK(max_diff(psi, ref) < tol);
                // The adjoint undoes it.
                mixer.apply_adjoint(psi, beta);
                CHECK(max_diff(psi, v) < tol);
                // The same through gates (groups of at most 6 qubits).
                if (c.groups.front().size() <= 6) {
                    auto phi = StateVector<TestType>::from_amplitudes(std::vector<cd>(v.data(), v.data() + v.size()), 1e-4);
                    qcoach::apply(phi, mixer.gates(beta));
                    CHECK(max_diff(phi, ref) < tol);
                }
                // The Hamiltonian and generator (= H for the exact form).
                StateVector<TestType> out(c.n);
                mixer.apply_hamiltonian(psi, out);
                CHECK(max_diff(out, h * test::to_eigen(psi)) < tol * 10);
                mixer.apply_generator(psi, out, beta);
                CHECK(max_diff(out, h * test::to_eigen(psi)) < tol * 10);
            }
        }
}

TEMPLATE_TEST_CASE("xy: full-space product form, adjoint and generator", "[variational][xy]", float, double) {
    const double tol = test::state_tolerance<TestType>() * 10;
    struct layout {
        groups_t groups;
        qubit_t n;
    };
    // Groups of 3..7 (dense, block kernel) and one of 11 (two-qubit factors).
    const std::vector<layout> cases = {{{{0, 3, 1}, {2, 4, 5, 6}}, 7},
                                       {{{6, 0, 1, 2, 5, 3, 4}, {7}}, 8},
                                       {{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}, 11}};
    Rng rng(7);
    for (const auto& c : cases)
        for (xy_graph g : {xy_graph::ring, xy_graph::complete}) {
            const xy_mixer mixer(c.groups, g, xy_form::trotter);
            const double beta = 0.61;
            auto psi = test::random_state<TestType>(c.n, rng);
            const Eigen::VectorXcd v = test::to_eigen(psi);
            mixer.apply(psi, beta);
            INFO("n = " << c.n << ", graph " << xy_graph_name(g));
            CHECK(max_diff(psi, trotter_reference(c.groups, g, beta, v)) < tol);
            mixer.apply_adjoint(psi, beta);
            CHECK(max_diff(psi, v) < tol);
            if (c.n > 8) continue;
            // G U psi = i (dU/dbeta) psi, by central differences in double.
            StateVector<double> a = StateVector<double>::from_amplitudes(std::vector<cd>(v.data(), v.data() + v.size()), 1e-4);
            StateVector<double> plus = a, minus = a, out(c.n);
            const double h = 1e-5;
            mixer.apply(a, beta);
            mixer.apply(plus, beta + h);
            mixer.apply(minus, beta - h);
            mixer.apply_generator(a, out, beta);
            const Eigen::VectorXcd fd = cd(0, 1) * (test::to_eigen(plus) - test::to_eigen(minus)) / (2 * h);
            CHECK(max_diff(out, fd) < 1e-7);
        }
}

TEMPLATE_TEST_CASE("xy: W state start stays feasible under the mixer", "[variational][xy]", float, double) {
    const groups_t groups{{4, 0, 2}, {1, 5}, {3, 6, 7, 8}};
    const qubit_t n = 10; // qubit 9 outside every group
    for (xy_form f : {xy_form::exact, xy_form::trotter}) {
        const xy_mixer mixer(groups, xy_graph::ring, f);
        auto psi = mixer.initial_state<TestType>(n);
        const double a = 1.0 / std::sqrt(24.0);
        for (index_t z = 0; z < psi.size(); ++z) {
            const bool in = feasible(z, groups) && !((z >> 9) & 1);
            CHECK(std::abs(std::abs(std::complex<double>(psi[z])) - (in ? a : 0.0)) < 1e-7);
        }
        for (double beta : {0.2, 1.1, -0.4}) mixer.apply(psi, beta);
        double outside = 0.0, total = 0.0;
        for (index_t z = 0; z < psi.size(); ++z) {
            total += std::norm(std::complex<double>(psi[z]));
            if (!feasible(z, groups)) outside += std::norm(std::complex<double>(psi[z]));
        }
        CHECK(total == Approx(1.0).epsilon(1e-5));
        CHECK(outside < 1e-12);
    }
}

TEST_CASE("xy: mixer errors name the problem", "[variational][xy]") {
    CHECK_THROWS_MATCHES(xy_mixer(groups_t{{0, 1}, {1, 2}}), index_error, MessageContains("qubit 1 is in one-hot group 0 and in group 1"));
    CHECK_THROWS_MATCHES(xy_mixer(groups_t{{0, 0}}), index_error, MessageContains("twice"));
    CHECK_THROWS_MATCHES(xy_mixer(groups_t{{}}), value_error, MessageContains("has no qubit"));
    const xy_mixer m(groups_t{{0, 1, 5}});
    StateVectorD small(4);
    CHECK_THROWS_MATCHES(m.apply(small, 0.1), index_error, MessageContains("qubit 5 of one-hot group 0"));
    StateVectorD psi(6);
    CHECK_THROWS_MATCHES(m.apply(psi, std::nan("")), value_error, MessageContains("not finite"));
    groups_t big{{}};
    for (qubit_t q = 0; q < 11; ++q) big[0].push_back(q);
    const xy_mixer exact(big);
    StateVectorD psi11(11);
    CHECK_FALSE(exact.full_space_supported());
    CHECK_THROWS_MATCHES(exact.apply(psi11, 0.1), value_error, MessageContains("xy_form::trotter"));
    CHECK(xy_mixer(big, xy_graph::ring, xy_form::trotter).full_space_supported());
    groups_t seven{{0, 1, 2, 3, 4, 5, 6}};
    CHECK_THROWS_MATCHES(xy_mixer(seven).gates(0.1), value_error, MessageContains("no gate form"));
    CHECK(xy_mixer(seven, xy_graph::complete, xy_form::trotter).gates(0.1).size() == 21);
}
