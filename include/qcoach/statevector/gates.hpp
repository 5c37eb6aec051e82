#pragma once
/// @file
/// @brief The standard gate set. Every factory returns a Gate; matrices follow the convention of
/// gate.hpp (row-major, first-listed qubit = least significant bit, controls before targets).
///
/// One-qubit matrices (c = cos(theta/2), s = sin(theta/2)):
///
/// | gate | matrix |
/// |---|---|
/// | I | [[1,0],[0,1]] |
/// | X | [[0,1],[1,0]] |
/// | Y | [[0,-i],[i,0]] |
/// | Z | [[1,0],[0,-1]] |
/// | H | [[1,1],[1,-1]] / sqrt 2 |
/// | S, S† | diag(1, i), diag(1, -i) |
/// | T, T† | diag(1, e^{i pi/4}), diag(1, e^{-i pi/4}) |
/// | √X, √X† | [[1+i,1-i],[1-i,1+i]] / 2 and its adjoint |
/// | RX(theta) | [[c,-i s],[-i s,c]] |
/// | RY(theta) | [[c,-s],[s,c]] |
/// | RZ(theta) | diag(e^{-i theta/2}, e^{i theta/2}) |
/// | P(lambda) = U1 | diag(1, e^{i lambda}) |
/// | U2(phi,lambda) | [[1, -e^{i lambda}],[e^{i phi}, e^{i(phi+lambda)}]] / sqrt 2 |
/// | U3(theta,phi,lambda) | [[c, -e^{i lambda} s],[e^{i phi} s, e^{i(phi+lambda)} c]] |
///
/// Two-qubit gates on (a, b), a = bit 0:
///
/// | gate | matrix / definition |
/// |---|---|
/// | CX, CY, CZ, CH | control a, target b, base X, Y, Z, H |
/// | CRX, CRY, CRZ, CP, CU3 | control a, target b, base RX, RY, RZ, P, U3 (no extra global phase) |
/// | SWAP | exchanges |01> and |10> |
/// | iSWAP | [[1,0,0,0],[0,0,i,0],[0,i,0,0],[0,0,0,1]] |
/// | √SWAP | [[1,0,0,0],[0,(1+i)/2,(1-i)/2,0],[0,(1-i)/2,(1+i)/2,0],[0,0,0,1]] |
/// | RXX(theta) | exp(-i theta/2 X⊗X) = c I - i s X⊗X |
/// | RYY(theta) | exp(-i theta/2 Y⊗Y) = c I - i s Y⊗Y |
/// | RZZ(theta) | exp(-i theta/2 Z⊗Z) = diag(e^{-i theta/2}, e^{i theta/2}, e^{i theta/2}, e^{-i theta/2}) |
///
/// Three qubits: CCX(c0, c1, t) (Toffoli) and CSWAP(c, a, b) (Fredkin).

#include <cmath>
#include <complex>
#include <numbers>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "qcoach/statevector/gate.hpp"

namespace qcoach::gates {

namespace mat {

using cd = std::complex<double>;
inline constexpr cd I1{0.0, 1.0};

inline Eigen::Matrix2cd m2(cd a, cd b, cd c, cd d) {
    Eigen::Matrix2cd m;
    m << a, b, c, d;
    return m;
}

inline Eigen::Matrix2cd id() { return Eigen::Matrix2cd::Identity(); }
inline Eigen::Matrix2cd x() { return m2(0, 1, 1, 0); }
inline Eigen::Matrix2cd y() { return m2(0, -I1, I1, 0); }
inline Eigen::Matrix2cd z() { return m2(1, 0, 0, -1); }
inline Eigen::Matrix2cd h() {
    const double r = std::numbers::sqrt2 / 2;
    return m2(r, r, r, -r);
}
inline Eigen::Matrix2cd sx() { return m2(cd(0.5, 0.5), cd(0.5, -0.5), cd(0.5, -0.5), cd(0.5, 0.5)); }
inline Eigen::Matrix2cd rx(double t) {
    const double c = std::cos(t / 2), s = std::sin(t / 2);
    return m2(c, cd(0, -s), cd(0, -s), c);
}
inline Eigen::Matrix2cd ry(double t) {
    const double c = std::cos(t / 2), s = std::sin(t / 2);
    return m2(c, -s, s, c);
}
inline Eigen::Matrix2cd u3(double theta, double phi, double lambda) {
    const double c = std::cos(theta / 2), s = std::sin(theta / 2);
    return m2(c, -std::polar(s, lambda), std::polar(s, phi), std::polar(c, phi + lambda));
}
inline Eigen::Matrix2cd u2(double phi, double lambda) { return u3(std::numbers::pi / 2, phi, lambda); }

inline Eigen::Matrix4cd swap() {
    Eigen::Matrix4cd m = Eigen::Matrix4cd::Zero();
    m(0, 0) = m(3, 3) = 1;
    m(1, 2) = m(2, 1) = 1;
    return m;
}
inline Eigen::Matrix4cd iswap() {
    Eigen::Matrix4cd m = Eigen::Matrix4cd::Zero();
    m(0, 0) = m(3, 3) = 1;
    m(1, 2) = m(2, 1) = I1;
    return m;
}
inline Eigen::Matrix4cd sqrt_swap() {
    Eigen::Matrix4cd m = Eigen::Matrix4cd::Zero();
    m(0, 0) = m(3, 3) = 1;
    m(1, 1) = m(2, 2) = cd(0.5, 0.5);
    m(1, 2) = m(2, 1) = cd(0.5, -0.5);
    return m;
}
/// a ⊗ b with b on the least significant bit (b acts on the first-listed qubit).
inline Eigen::Matrix4cd kron_ab(const Eigen::Matrix2cd& a, const Eigen::Matrix2cd& b) {
    Eigen::Matrix4cd m;
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
            for (int k = 0; k < 2; ++k)
                for (int l = 0; l < 2; ++l) m(2 * i + k, 2 * j + l) = a(i, j) * b(k, l);
    return m;
}

/// exp(-i theta/2 P⊗P) = cos(theta/2) I - i sin(theta/2) P⊗P for an involutory P.
inline Eigen::Matrix4cd two_qubit_rotation(const Eigen::Matrix2cd& p, double theta) {
    const Eigen::Matrix4cd pp = kron_ab(p, p);
    return std::cos(theta / 2) * Eigen::Matrix4cd::Identity() - I1 * std::sin(theta / 2) * pp;
}
} // namespace mat

namespace detail {

inline Gate make_dense(GateKind kind, std::vector<qubit_t> targets, Eigen::MatrixXcd m, std::vector<double> params = {}) {
    qcoach::detail::check_distinct(targets, {});
    Gate g;
    g.kind = kind;
    g.targets = std::move(targets);
    g.params = std::move(params);
    g.mat = std::move(m);
    return g;
}

inline Gate make_diag(GateKind kind, std::vector<qubit_t> targets, Eigen::VectorXcd d, std::vector<double> params = {}) {
    qcoach::detail::check_distinct(targets, {});
    Gate g;
    g.kind = kind;
    g.targets = std::move(targets);
    g.params = std::move(params);
    g.diag = std::move(d);
    return g;
}

inline Eigen::VectorXcd dvec(std::initializer_list<std::complex<double>> v) {
    Eigen::VectorXcd d(static_cast<Eigen::Index>(v.size()));
    Eigen::Index i = 0;
    for (auto x : v) d(i++) = x;
    return d;
}

inline Gate add_controls(Gate g, GateKind kind, std::vector<qubit_t> controls) {
    g.kind = kind;
    g.control_values.assign(controls.size(), 1);
    g.controls = std::move(controls);
    qcoach::detail::check_distinct(g.targets, g.controls);
    return g;
}

} // namespace detail

// ---------------------------------------------------------------------------------------------
// One-qubit gates
inline Gate i(qubit_t q) { return detail::make_diag(GateKind::i, {q}, detail::dvec({1, 1})); }
inline Gate x(qubit_t q) { return detail::make_dense(GateKind::x, {q}, mat::x()); }
inline Gate y(qubit_t q) { return detail::make_dense(GateKind::y, {q}, mat::y()); }
inline Gate z(qubit_t q) { return detail::make_diag(GateKind::z, {q}, detail::dvec({1, -1})); }
inline Gate h(qubit_t q) { return detail::make_dense(GateKind::h, {q}, mat::h()); }
inline Gate s(qubit_t q) { return detail::make_diag(GateKind::s, {q}, detail::dvec({1, mat::I1})); }
inline Gate sdg(qubit_t q) { return detail::make_diag(GateKind::sdg, {q}, detail::dvec({1, -mat::I1})); }
inline Gate t(qubit_t q) {
    return detail::make_diag(GateKind::t, {q}, detail::dvec({1, std::polar(1.0, std::numbers::pi / 4)}));
}
inline Gate tdg(qubit_t q) {
    return detail::make_diag(GateKind::tdg, {q}, detail::dvec({1, std::polar(1.0, -std::numbers::pi / 4)}));
}
inline Gate sx(qubit_t q) { return detail::make_dense(GateKind::sx, {q}, mat::sx()); }
inline Gate sxdg(qubit_t q) { return detail::make_dense(GateKind::sxdg, {q}, mat::sx().adjoint()); }
inline Gate rx(qubit_t q, double theta) { return detail::make_dense(GateKind::rx, {q}, mat::rx(theta), {theta}); }
inline Gate ry(qubit_t q, double theta) { return detail::make_dense(GateKind::ry, {q}, mat::ry(theta), {theta}); }
inline Gate rz(qubit_t q, double theta) {
    return detail::make_diag(GateKind::rz, {q}, detail::dvec({std::polar(1.0, -theta / 2), std::polar(1.0, theta / 2)}), {theta});
}
/// Phase gate P(lambda) = U1(lambda) = diag(1, e^{i lambda}).
inline Gate p(qubit_t q, double lambda) {
    return detail::make_diag(GateKind::p, {q}, detail::dvec({1, std::polar(1.0, lambda)}), {lambda});
}
inline Gate u1(qubit_t q, double lambda) { return p(q, lambda); }
inline Gate u2(qubit_t q, double phi, double lambda) {
    return detail::make_dense(GateKind::u2, {q}, mat::u2(phi, lambda), {phi, lambda});
}
inline Gate u3(qubit_t q, double theta, double phi, double lambda) {
    return detail::make_dense(GateKind::u3, {q}, mat::u3(theta, phi, lambda), {theta, phi, lambda});
}

// ---------------------------------------------------------------------------------------------
// Two-qubit gates
inline Gate cx(qubit_t c, qubit_t t) { return detail::add_controls(x(t), GateKind::cx, {c}); }
inline Gate cy(qubit_t c, qubit_t t) { return detail::add_controls(y(t), GateKind::cy, {c}); }
inline Gate cz(qubit_t c, qubit_t t) { return detail::add_controls(z(t), GateKind::cz, {c}); }
inline Gate ch(qubit_t c, qubit_t t) { return detail::add_controls(h(t), GateKind::ch, {c}); }
inline Gate crx(qubit_t c, qubit_t t, double theta) { return detail::add_controls(rx(t, theta), GateKind::crx, {c}); }
inline Gate cry(qubit_t c, qubit_t t, double theta) { return detail::add_controls(ry(t, theta), GateKind::cry, {c}); }
inline Gate crz(qubit_t c, qubit_t t, double theta) { return detail::add_controls(rz(t, theta), GateKind::crz, {c}); }
inline Gate cp(qubit_t c, qubit_t t, double lambda) { return detail::add_controls(p(t, lambda), GateKind::cp, {c}); }
inline Gate cu3(qubit_t c, qubit_t t, double theta, double phi, double lambda) {
    return detail::add_controls(u3(t, theta, phi, lambda), GateKind::cu3, {c});
}
inline Gate swap(qubit_t a, qubit_t b) { return detail::make_dense(GateKind::swap, {a, b}, mat::swap()); }
inline Gate iswap(qubit_t a, qubit_t b) { return detail::make_dense(GateKind::iswap, {a, b}, mat::iswap()); }
inline Gate sqrt_swap(qubit_t a, qubit_t b) { return detail::make_dense(GateKind::sqrt_swap, {a, b}, mat::sqrt_swap()); }
inline Gate rxx(qubit_t a, qubit_t b, double theta) {
    return detail::make_dense(GateKind::rxx, {a, b}, mat::two_qubit_rotation(mat::x(), theta), {theta});
}
inline Gate ryy(qubit_t a, qubit_t b, double theta) {
    return detail::make_dense(GateKind::ryy, {a, b}, mat::two_qubit_rotation(mat::y(), theta), {theta});
}
inline Gate rzz(qubit_t a, qubit_t b, double theta) {
    const auto m = std::polar(1.0, -theta / 2), pl = std::polar(1.0, theta / 2);
    return detail::make_diag(GateKind::rzz, {a, b}, detail::dvec({m, pl, pl, m}), {theta});
}

// ---------------------------------------------------------------------------------------------
// Three-qubit gates
inline Gate ccx(qubit_t c0, qubit_t c1, qubit_t t) { return detail::add_controls(x(t), GateKind::ccx, {c0, c1}); }
inline Gate cswap(qubit_t c, qubit_t a, qubit_t b) { return detail::add_controls(swap(a, b), GateKind::cswap, {c}); }

// ---------------------------------------------------------------------------------------------
// User matrices

/// @brief Add controls to any gate: the result acts as `g` where control j has value values[j]
/// (1 = |1>, 0 = |0>) and as the identity elsewhere. `values` empty means all 1.
inline Gate controlled(Gate g, std::vector<qubit_t> controls, std::vector<std::uint8_t> values = {}) {
    if (values.empty()) values.assign(controls.size(), 1);
    if (values.size() != controls.size()) {
        throw value_error("controlled gate: " + std::to_string(controls.size()) + " controls but " +
                          std::to_string(values.size()) + " control values");
    }
    for (std::size_t j = 0; j < values.size(); ++j)
        if (values[j] > 1)
            throw value_error("control value for qubit " + std::to_string(controls[j]) + " must be 0 or 1, got " +
                              std::to_string(values[j]));
    g.controls.insert(g.controls.end(), controls.begin(), controls.end());
    g.control_values.insert(g.control_values.end(), values.begin(), values.end());
    qcoach::detail::check_distinct(g.targets, g.controls);
    g.kind = GateKind::controlled;
    return g;
}

/// @brief Multi-controlled 1-qubit gate: `u` (2x2, unitary) on `target` where every control has
/// its value (default all 1).
inline Gate mcu(std::vector<qubit_t> controls, qubit_t target, const Eigen::Matrix2cd& u,
                std::vector<std::uint8_t> values = {}) {
    qcoach::detail::check_unitary(u, "controlled 1-qubit matrix");
    return controlled(detail::make_dense(GateKind::unitary, {target}, u), std::move(controls), std::move(values));
}

/// @brief Dense unitary on k = targets.size() qubits (1 <= k <= 6); `u` is 2^k x 2^k, row-major
/// in the basis of `targets` with targets[0] as the least significant bit. Checked for unitarity.
inline Gate unitary(std::vector<qubit_t> targets, const Eigen::MatrixXcd& u, double tolerance = 1e-8) {
    if (targets.empty() || targets.size() > max_dense_qubits) {
        throw value_error("dense unitary must act on 1 to " + std::to_string(max_dense_qubits) + " qubits, got " +
                          std::to_string(targets.size()));
    }
    qcoach::detail::check_square_power_of_two(u, targets.size(), "dense unitary");
    qcoach::detail::check_unitary(u, "dense unitary", tolerance);
    return detail::make_dense(GateKind::unitary, std::move(targets), u);
}

/// @brief Dense unitary from a raw row-major array of 4^k complex numbers.
inline Gate unitary(std::vector<qubit_t> targets, std::span<const std::complex<double>> row_major, double tolerance = 1e-8) {
    const std::size_t k = targets.size();
    if (k == 0 || k > max_dense_qubits) {
        throw value_error("dense unitary must act on 1 to " + std::to_string(max_dense_qubits) + " qubits, got " +
                          std::to_string(k));
    }
    const std::size_t d = std::size_t{1} << k;
    if (row_major.size() != d * d) {
        throw value_error("dense unitary on " + std::to_string(k) + " qubit(s) needs " + std::to_string(d * d) +
                          " matrix entries, got " + std::to_string(row_major.size()));
    }
    Eigen::MatrixXcd u(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(d));
    for (std::size_t r = 0; r < d; ++r)
        for (std::size_t c = 0; c < d; ++c) u(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = row_major[r * d + c];
    return unitary(std::move(targets), u, tolerance);
}

/// @brief Dense matrix on k <= 6 qubits with no unitarity check (for operators such as Pauli
/// terms or projectors; applying one generally changes the norm).
inline Gate matrix(std::vector<qubit_t> targets, const Eigen::MatrixXcd& m) {
    if (targets.empty() || targets.size() > max_dense_qubits) {
        throw value_error("dense matrix must act on 1 to " + std::to_string(max_dense_qubits) + " qubits, got " +
                          std::to_string(targets.size()));
    }
    qcoach::detail::check_square_power_of_two(m, targets.size(), "dense matrix");
    return detail::make_dense(GateKind::matrix, std::move(targets), m);
}

/// @brief Diagonal gate on k qubits: amplitude with target bits b (targets[0] = bit 0) is
/// multiplied by d[b]. Entries must have modulus 1 (within `tolerance`) unless `tolerance` < 0.
inline Gate diagonal(std::vector<qubit_t> targets, const Eigen::VectorXcd& d, double tolerance = 1e-8) {
    if (targets.empty() || targets.size() > max_diagonal_qubits) {
        throw value_error("diagonal gate must act on 1 to " + std::to_string(max_diagonal_qubits) + " qubits, got " +
                          std::to_string(targets.size()));
    }
    const Eigen::Index len = Eigen::Index{1} << targets.size();
    if (d.size() != len) {
        throw value_error("diagonal on " + std::to_string(targets.size()) + " qubit(s) needs " + std::to_string(len) +
                          " entries, got " + std::to_string(d.size()));
    }
    if (tolerance >= 0) {
        for (Eigen::Index i = 0; i < len; ++i) {
            if (!(std::abs(std::abs(d(i)) - 1.0) <= tolerance)) {
                throw value_error("diagonal entry " + std::to_string(i) + " has modulus " + std::to_string(std::abs(d(i))) +
                                  "; a unitary diagonal needs modulus 1");
            }
        }
    }
    return detail::make_diag(GateKind::diagonal, std::move(targets), d);
}

} // namespace qcoach::gates
