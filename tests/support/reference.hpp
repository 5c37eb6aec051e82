#pragma once
// Independent references for the tests: dense operators on the whole register built from Eigen
// Kronecker products, random states and random unitaries.

#include <algorithm>
#include <complex>
#include <numeric>
#include <vector>

#include <Eigen/Dense>
#include <unsupported/Eigen/KroneckerProduct>

#include "qcoach/core/rng.hpp"
#include "qcoach/statevector/gate.hpp"
#include "qcoach/statevector/state.hpp"

namespace qcoach::test {

using cd = std::complex<double>;

/// Index relabelling of the references below: entry w is the real index of position w of the
/// "wide" index, whose bit j holds qubits[j] for j < k and then the other qubits ascending (so
/// the operator's qubits are the low bits).
inline std::vector<Eigen::Index> wide_to_real(const std::vector<qubit_t>& qubits, qubit_t n) {
    std::vector<qubit_t> order(qubits);
    for (qubit_t q = 0; q < n; ++q)
        if (std::find(qubits.begin(), qubits.end(), q) == qubits.end()) order.push_back(q);
    const Eigen::Index dim = Eigen::Index{1} << n;
    std::vector<Eigen::Index> real_of(static_cast<std::size_t>(dim));
    for (Eigen::Index w = 0; w < dim; ++w) {
        Eigen::Index r = 0;
        for (qubit_t j = 0; j < n; ++j) r |= ((w >> j) & 1) << order[j];
        real_of[static_cast<std::size_t>(w)] = r;
    }
    return real_of;
}

/// Operator on n qubits equal to `m` (2^k x 2^k, first-listed qubit = least significant bit) on
/// `qubits` and the identity elsewhere. Built as I_rest ⊗ m (so the gate's qubits are the low
/// bits), then conjugated by the permutation P that moves every qubit to its real position:
/// P W P^T has entry (p(a), p(b)) = W(a, b), so the rows and columns are relabelled directly.
inline Eigen::MatrixXcd embed(const Eigen::MatrixXcd& m, const std::vector<qubit_t>& qubits, qubit_t n) {
    const std::size_t k = qubits.size();
    const Eigen::Index rest_dim = Eigen::Index{1} << (n - k);
    const Eigen::MatrixXcd wide = Eigen::kroneckerProduct(Eigen::MatrixXcd::Identity(rest_dim, rest_dim), m).eval();
    const Eigen::Index dim = Eigen::Index{1} << n;
    const std::vector<Eigen::Index> real_of = wide_to_real(qubits, n);
    Eigen::MatrixXcd out(dim, dim);
    for (Eigen::Index b = 0; b < dim; ++b)
        for (Eigen::Index a = 0; a < dim; ++a)
            out(real_of[static_cast<std::size_t>(a)], real_of[static_cast<std::size_t>(b)]) = wide(a, b);
    return out;
}

/// Single-qubit operator on qubit q of n, as the Kronecker product I ⊗ .. ⊗ u ⊗ .. ⊗ I with
/// qubit 0 the rightmost (least significant) factor.
inline Eigen::MatrixXcd kron_single(const Eigen::MatrixXcd& u, qubit_t q, qubit_t n) {
    Eigen::MatrixXcd out = Eigen::MatrixXcd::Identity(1, 1);
    for (int j = static_cast<int>(n) - 1; j >= 0; --j) {
        const Eigen::MatrixXcd f = (static_cast<qubit_t>(j) == q) ? u : Eigen::MatrixXcd::Identity(2, 2);
        out = Eigen::kroneckerProduct(out, f).eval();
    }
    return out;
}

inline Eigen::VectorXcd random_vector(std::size_t dim, Rng& rng) {
    Eigen::VectorXcd v(static_cast<Eigen::Index>(dim));
    for (auto& x : v) x = cd(rng.normal(), rng.normal());
    return v / v.norm();
}

template <class Real>
StateVector<Real> random_state(qubit_t n, Rng& rng) {
    const Eigen::VectorXcd v = random_vector(std::size_t{1} << n, rng);
    std::vector<cd> amps(v.data(), v.data() + v.size());
    return StateVector<Real>::from_amplitudes(amps, 1e-4);
}

template <class Real>
Eigen::VectorXcd to_eigen(const StateVector<Real>& s) {
    Eigen::VectorXcd v(static_cast<Eigen::Index>(s.size()));
    for (index_t i = 0; i < s.size(); ++i) v(static_cast<Eigen::Index>(i)) = cd(s[i]);
    return v;
}

/// Haar-ish random unitary: Q of a QR decomposition of a complex Gaussian matrix.
inline Eigen::MatrixXcd random_unitary(std::size_t dim, Rng& rng) {
    Eigen::MatrixXcd a(static_cast<Eigen::Index>(dim), static_cast<Eigen::Index>(dim));
    for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = cd(rng.normal(), rng.normal());
    Eigen::HouseholderQR<Eigen::MatrixXcd> qr(a);
    return qr.householderQ() * Eigen::MatrixXcd::Identity(a.rows(), a.cols());
}

/// Tolerance for comparing a state against a double reference.
template <class Real>
constexpr double state_tolerance() {
    return std::is_same_v<Real, float> ? 2e-5 : 1e-12;
}

} // namespace qcoach::test

namespace qcoach::test {

/// (I_rest ⊗ m) applied to v after moving `qubits` to the low bits, then moved back: the action
/// of embed(m, qubits, n) on v without forming any 2^n x 2^n matrix. The Kronecker identity
/// (I ⊗ m) vec(X) = vec(m X) does the product: X is the permuted vector seen as a
/// 2^k x 2^(n-k) matrix (column r = the block of rest index r).
inline Eigen::VectorXcd apply_reference(const Eigen::MatrixXcd& m, const std::vector<qubit_t>& qubits, qubit_t n,
                                        const Eigen::VectorXcd& v) {
    const std::size_t k = qubits.size();
    const Eigen::Index low_dim = Eigen::Index{1} << k;
    const Eigen::Index rest_dim = Eigen::Index{1} << (n - k);
    const Eigen::Index dim = Eigen::Index{1} << n;
    const std::vector<Eigen::Index> real_of = wide_to_real(qubits, n);
    Eigen::MatrixXcd x(low_dim, rest_dim);
    for (Eigen::Index w = 0; w < dim; ++w) x(w % low_dim, w / low_dim) = v(real_of[static_cast<std::size_t>(w)]);
    const Eigen::MatrixXcd y = m * x;
    Eigen::VectorXcd out(dim);
    for (Eigen::Index w = 0; w < dim; ++w) out(real_of[static_cast<std::size_t>(w)]) = y(w % low_dim, w / low_dim);
    return out;
}

} // namespace qcoach::test
