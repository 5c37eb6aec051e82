// Every gate of the built-in qelib1.inc against (a) its definition in qelib1.inc written out in
// U and CX, with OpenQASM 2's U(θ,φ,λ) = Rz(φ)Ry(θ)Rz(λ) including its global phase, and (b) its
// textbook matrix. Both comparisons allow one global phase for the whole gate: OpenQASM 2 has
// no way to observe it (no control modifier on defined gates) and Circuit does not store it.
// Every relative phase, in particular the one between the control blocks of a controlled gate,
// must agree to 1e-12.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

#include "qcoach/circuit/circuit.hpp"
#include "support/reference.hpp"

using namespace qcoach;
using qcoach::test::cd;
using std::numbers::pi;
using Eigen::MatrixXcd;

namespace {

const cd I1{0.0, 1.0};

MatrixXcd m2(cd a, cd b, cd c, cd d) {
    MatrixXcd m(2, 2);
    m << a, b, c, d;
    return m;
}

/// OpenQASM 2's U with its phase: Rz(φ) Ry(θ) Rz(λ).
MatrixXcd U_qasm(double t, double p, double l) {
    const MatrixXcd rzp = m2(std::polar(1.0, -p / 2), 0, 0, std::polar(1.0, p / 2));
    const MatrixXcd ry = m2(std::cos(t / 2), -std::sin(t / 2), std::sin(t / 2), std::cos(t / 2));
    const MatrixXcd rzl = m2(std::polar(1.0, -l / 2), 0, 0, std::polar(1.0, l / 2));
    return rzp * ry * rzl;
}

/// The u3 matrix without phase (as in gates.hpp, written out again here).
MatrixXcd u3_plain(double t, double p, double l) {
    const double c = std::cos(t / 2), s = std::sin(t / 2);
    return m2(c, -std::polar(s, l), std::polar(s, p), std::polar(c, p + l));
}

/// `m` on the high qubits, controlled by the low `nc` qubits (all on |1>).
MatrixXcd ctrl(const MatrixXcd& m, int nc) {
    const Eigen::Index c = Eigen::Index{1} << nc, dim = c * m.rows();
    MatrixXcd out = MatrixXcd::Identity(dim, dim);
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        for (Eigen::Index k = 0; k < m.cols(); ++k) out(r * c + c - 1, k * c + c - 1) = m(r, k);
    return out;
}

/// A unitary on n qubits built by left-multiplying U and CX steps (the qelib1.inc text).
struct decomp {
    qubit_t n;
    MatrixXcd m;
    explicit decomp(qubit_t nq) : n(nq), m(MatrixXcd::Identity(Eigen::Index{1} << nq, Eigen::Index{1} << nq)) {}
    void U(double t, double p, double l, qubit_t q) { m = test::embed(U_qasm(t, p, l), {q}, n) * m; }
    void CX(qubit_t c, qubit_t t) { m = test::embed(ctrl(m2(0, 1, 1, 0), 1), {c, t}, n) * m; }
};

/// qelib1.inc, gate by gate, as written in the paper's file and in Qiskit's current one.
struct qelib {
    decomp& d;
    void u3(double t, double p, double l, qubit_t q) { d.U(t, p, l, q); }
    void u2(double p, double l, qubit_t q) { d.U(pi / 2, p, l, q); }
    void u1(double l, qubit_t q) { d.U(0, 0, l, q); }
    void cx(qubit_t c, qubit_t t) { d.CX(c, t); }
    void id(qubit_t a) { d.U(0, 0, 0, a); }
    void u0(double, qubit_t q) { d.U(0, 0, 0, q); }
    void u(double t, double p, double l, qubit_t q) { d.U(t, p, l, q); }
    void p(double l, qubit_t q) { d.U(0, 0, l, q); }
    void x(qubit_t a) { u3(pi, 0, pi, a); }
    void y(qubit_t a) { u3(pi, pi / 2, pi / 2, a); }
    void z(qubit_t a) { u1(pi, a); }
    void h(qubit_t a) { u2(0, pi, a); }
    void s(qubit_t a) { u1(pi / 2, a); }
    void sdg(qubit_t a) { u1(-pi / 2, a); }
    void t(qubit_t a) { u1(pi / 4, a); }
    void tdg(qubit_t a) { u1(-pi / 4, a); }
    void rx(double th, qubit_t a) { u3(th, -pi / 2, pi / 2, a); }
    void ry(double th, qubit_t a) { u3(th, 0, 0, a); }
    void rz(double ph, qubit_t a) { u1(ph, a); }
    void sx(qubit_t a) { sdg(a), h(a), sdg(a); }
    void sxdg(qubit_t a) { s(a), h(a), s(a); }
    void cz(qubit_t a, qubit_t b) { h(b), cx(a, b), h(b); }
    void cy(qubit_t a, qubit_t b) { sdg(b), cx(a, b), s(b); }
    void swap(qubit_t a, qubit_t b) { cx(a, b), cx(b, a), cx(a, b); }
    void ch(qubit_t a, qubit_t b) { h(b), sdg(b), cx(a, b), h(b), t(b), cx(a, b), t(b), h(b), s(b), x(b), s(a); }
    void ccx(qubit_t a, qubit_t b, qubit_t c) {
        h(c), cx(b, c), tdg(c), cx(a, c), t(c), cx(b, c), tdg(c), cx(a, c), t(b), t(c), h(c), cx(a, b), t(a), tdg(b), cx(a, b);
    }
    void cswap(qubit_t a, qubit_t b, qubit_t c) { cx(c, b), ccx(a, b, c), cx(c, b); }
    void crx(double l, qubit_t a, qubit_t b) { u1(pi / 2, b), cx(a, b), u3(-l / 2, 0, 0, b), cx(a, b), u3(l / 2, -pi / 2, 0, b); }
    void cry(double l, qubit_t a, qubit_t b) { ry(l / 2, b), cx(a, b), ry(-l / 2, b), cx(a, b); }
    void cry_old(double l, qubit_t a, qubit_t b) { u3(l / 2, 0, 0, b), cx(a, b), u3(-l / 2, 0, 0, b), cx(a, b); }
    void crz(double l, qubit_t a, qubit_t b) { u1(l / 2, b), cx(a, b), u1(-l / 2, b), cx(a, b); }
    void cu1(double l, qubit_t a, qubit_t b) { u1(l / 2, a), cx(a, b), u1(-l / 2, b), cx(a, b), u1(l / 2, b); }
    void cp(double l, qubit_t a, qubit_t b) { p(l / 2, a), cx(a, b), p(-l / 2, b), cx(a, b), p(l / 2, b); }
    // The paper's cu3; Qiskit's file adds u1((lambda+phi)/2) c first.
    void cu3_paper(double th, double ph, double l, qubit_t c, qubit_t t) {
        u1((l - ph) / 2, t), cx(c, t), u3(-th / 2, 0, -(ph + l) / 2, t), cx(c, t), u3(th / 2, ph, 0, t);
    }
    void cu3_qiskit(double th, double ph, double l, qubit_t c, qubit_t t) { u1((l + ph) / 2, c), cu3_paper(th, ph, l, c, t); }
    void csx(qubit_t a, qubit_t b) { h(b), cu1(pi / 2, a, b), h(b); }
    void cu(double th, double ph, double l, double g, qubit_t c, qubit_t t) {
        p(g, c), p((l + ph) / 2, c), p((l - ph) / 2, t), cx(c, t), u(-th / 2, 0, -(ph + l) / 2, t), cx(c, t), u(th / 2, ph, 0, t);
    }
    void rxx(double th, qubit_t a, qubit_t b) { u3(pi / 2, th, 0, a), h(b), cx(a, b), u1(-th, b), cx(a, b), h(b), u2(-pi, pi - th, a); }
    void rzz(double th, qubit_t a, qubit_t b) { cx(a, b), u1(th, b), cx(a, b); }
    void rccx(qubit_t a, qubit_t b, qubit_t c) {
        u2(0, pi, c), u1(pi / 4, c), cx(b, c), u1(-pi / 4, c), cx(a, c), u1(pi / 4, c), cx(b, c), u1(-pi / 4, c), u2(0, pi, c);
    }
    void rc3x(qubit_t a, qubit_t b, qubit_t c, qubit_t e) {
        u2(0, pi, e), u1(pi / 4, e), cx(c, e), u1(-pi / 4, e), u2(0, pi, e), cx(a, e), u1(pi / 4, e), cx(b, e), u1(-pi / 4, e);
        cx(a, e), u1(pi / 4, e), cx(b, e), u1(-pi / 4, e), u2(0, pi, e), u1(pi / 4, e), cx(c, e), u1(-pi / 4, e), u2(0, pi, e);
    }
    // Current Qiskit c3x (phase gates p(±pi/8)) and the older one built from cu1(±pi/4).
    void c3x(qubit_t a, qubit_t b, qubit_t c, qubit_t e) {
        h(e), p(pi / 8, a), p(pi / 8, b), p(pi / 8, c), p(pi / 8, e), cx(a, b), p(-pi / 8, b), cx(a, b), cx(b, c), p(-pi / 8, c);
        cx(a, c), p(pi / 8, c), cx(b, c), p(-pi / 8, c), cx(a, c), cx(c, e), p(-pi / 8, e), cx(b, e), p(pi / 8, e), cx(c, e);
        p(-pi / 8, e), cx(a, e), p(pi / 8, e), cx(c, e), p(-pi / 8, e), cx(b, e), p(pi / 8, e), cx(c, e), p(-pi / 8, e), cx(a, e), h(e);
    }
    void hcu1h(double l, qubit_t c, qubit_t t) { h(t), cu1(l, c, t), h(t); }
    void c3x_old(qubit_t a, qubit_t b, qubit_t c, qubit_t e) { gray(pi / 4, a, b, c, e); }
    // c3sqrtx: the current file starts with cu1(pi/8); an older one with cu1(-pi/8).
    void c3sqrtx(qubit_t a, qubit_t b, qubit_t c, qubit_t e) { gray(-pi / 8, a, b, c, e); }
    void c3sqrtx_old(qubit_t a, qubit_t b, qubit_t c, qubit_t e) { gray(pi / 8, a, b, c, e); }
    /// The Gray-code construction shared by c3x (old) and c3sqrtx: the first cu1 has angle -w.
    void gray(double w, qubit_t a, qubit_t b, qubit_t c, qubit_t e) {
        hcu1h(-w, a, e), cx(a, b), hcu1h(w, b, e), cx(a, b), hcu1h(-w, b, e), cx(b, c), hcu1h(w, c, e);
        cx(a, c), hcu1h(-w, c, e), cx(b, c), hcu1h(w, c, e), cx(a, c), hcu1h(-w, c, e);
    }
    void c4x(qubit_t a, qubit_t b, qubit_t c, qubit_t e, qubit_t f) {
        hcu1h(pi / 2, e, f), c3x(a, b, c, e), hcu1h(-pi / 2, e, f), c3x(a, b, c, e), c3sqrtx(a, b, c, f);
    }
    // Definitions other tools write for gates outside qelib1.inc.
    void ryy(double th, qubit_t a, qubit_t b) {
        rx(pi / 2, a), rx(pi / 2, b), cx(a, b), rz(th, b), cx(a, b), rx(-pi / 2, a), rx(-pi / 2, b);
    }
    void iswap(qubit_t a, qubit_t b) { s(a), s(b), h(a), cx(a, b), cx(b, a), h(b); }
};

/// The unitary of a circuit, from each operation's full matrix embedded with Kronecker products.
MatrixXcd circuit_unitary(const Circuit& c) {
    const Eigen::Index dim = Eigen::Index{1} << c.num_qubits();
    MatrixXcd u = MatrixXcd::Identity(dim, dim);
    for (const Gate& g : c.bind()) u = test::embed(g.full_matrix(), g.qubits(), c.num_qubits()) * u;
    return u;
}

/// max |a - e^{iα} b| over the entries, with α chosen from the largest entry of b.
double distance_up_to_phase(const MatrixXcd& a, const MatrixXcd& b, cd* phase = nullptr) {
    Eigen::Index r = 0, k = 0;
    b.cwiseAbs().maxCoeff(&r, &k);
    const cd ph = a(r, k) / b(r, k);
    if (phase) *phase = ph;
    return std::abs(std::abs(ph) - 1.0) + (a - ph * b).cwiseAbs().maxCoeff();
}

Circuit import_gate(const std::string& name, const std::vector<double>& angles, qubit_t k, bool qiskit_cu3 = false) {
    std::string text = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[" + std::to_string(k) + "];\n" + name;
    if (!angles.empty()) {
        text += "(";
        for (std::size_t i = 0; i < angles.size(); ++i) text += (i ? "," : "") + detail::qasm::format_angle(angles[i]);
        text += ")";
    }
    for (qubit_t q = 0; q < k; ++q) text += (q ? ",q[" : " q[") + std::to_string(q) + "]";
    text += ";\n";
    qasm_options o;
    o.qiskit_cu3 = qiskit_cu3;
    return parse_qasm(text, name, o).circuit;
}

struct gate_case {
    std::string name;
    qubit_t qubits;
    std::size_t params;
    std::function<void(qelib&, const std::vector<double>&)> definition;
    std::function<MatrixXcd(const std::vector<double>&)> textbook;
};

MatrixXcd X() { return m2(0, 1, 1, 0); }
MatrixXcd Y() { return m2(0, -I1, I1, 0); }
MatrixXcd Z() { return m2(1, 0, 0, -1); }
MatrixXcd H() { return m2(1, 1, 1, -1) / std::sqrt(2.0); }
MatrixXcd P(double l) { return m2(1, 0, 0, std::polar(1.0, l)); }
MatrixXcd SX() { return m2(cd(0.5, 0.5), cd(0.5, -0.5), cd(0.5, -0.5), cd(0.5, 0.5)); }
MatrixXcd RX(double t) { return m2(std::cos(t / 2), -I1 * std::sin(t / 2), -I1 * std::sin(t / 2), std::cos(t / 2)); }
MatrixXcd RY(double t) { return m2(std::cos(t / 2), -std::sin(t / 2), std::sin(t / 2), std::cos(t / 2)); }
MatrixXcd RZ(double t) { return m2(std::polar(1.0, -t / 2), 0, 0, std::polar(1.0, t / 2)); }
MatrixXcd SWAP() {
    MatrixXcd m = MatrixXcd::Zero(4, 4);
    m(0, 0) = m(3, 3) = m(1, 2) = m(2, 1) = 1;
    return m;
}
/// exp(-iθ/2 P⊗P)
MatrixXcd RPP(const MatrixXcd& p, double t) {
    const MatrixXcd pp = Eigen::kroneckerProduct(p, p).eval();
    return std::cos(t / 2) * MatrixXcd::Identity(4, 4) - I1 * std::sin(t / 2) * pp;
}

std::vector<gate_case> all_cases() {
    using V = const std::vector<double>&;
    return {
        {"U", 1, 3, [](qelib& l, V a) { l.d.U(a[0], a[1], a[2], 0); }, [](V a) { return U_qasm(a[0], a[1], a[2]); }},
        {"u3", 1, 3, [](qelib& l, V a) { l.u3(a[0], a[1], a[2], 0); }, [](V a) { return u3_plain(a[0], a[1], a[2]); }},
        {"u2", 1, 2, [](qelib& l, V a) { l.u2(a[0], a[1], 0); }, [](V a) { return u3_plain(pi / 2, a[0], a[1]); }},
        {"u1", 1, 1, [](qelib& l, V a) { l.u1(a[0], 0); }, [](V a) { return P(a[0]); }},
        {"CX", 2, 0, [](qelib& l, V) { l.d.CX(0, 1); }, [](V) { return ctrl(X(), 1); }},
        {"cx", 2, 0, [](qelib& l, V) { l.cx(0, 1); }, [](V) { return ctrl(X(), 1); }},
        {"id", 1, 0, [](qelib& l, V) { l.id(0); }, [](V) { return MatrixXcd::Identity(2, 2); }},
        {"u0", 1, 1, [](qelib& l, V a) { l.u0(a[0], 0); }, [](V) { return MatrixXcd::Identity(2, 2); }},
        {"u", 1, 3, [](qelib& l, V a) { l.u(a[0], a[1], a[2], 0); }, [](V a) { return u3_plain(a[0], a[1], a[2]); }},
        {"p", 1, 1, [](qelib& l, V a) { l.p(a[0], 0); }, [](V a) { return P(a[0]); }},
        {"x", 1, 0, [](qelib& l, V) { l.x(0); }, [](V) { return X(); }},
        {"y", 1, 0, [](qelib& l, V) { l.y(0); }, [](V) { return Y(); }},
        {"z", 1, 0, [](qelib& l, V) { l.z(0); }, [](V) { return Z(); }},
        {"h", 1, 0, [](qelib& l, V) { l.h(0); }, [](V) { return H(); }},
        {"s", 1, 0, [](qelib& l, V) { l.s(0); }, [](V) { return P(pi / 2); }},
        {"sdg", 1, 0, [](qelib& l, V) { l.sdg(0); }, [](V) { return P(-pi / 2); }},
        {"t", 1, 0, [](qelib& l, V) { l.t(0); }, [](V) { return P(pi / 4); }},
        {"tdg", 1, 0, [](qelib& l, V) { l.tdg(0); }, [](V) { return P(-pi / 4); }},
        {"rx", 1, 1, [](qelib& l, V a) { l.rx(a[0], 0); }, [](V a) { return RX(a[0]); }},
        {"ry", 1, 1, [](qelib& l, V a) { l.ry(a[0], 0); }, [](V a) { return RY(a[0]); }},
        {"rz", 1, 1, [](qelib& l, V a) { l.rz(a[0], 0); }, [](V a) { return RZ(a[0]); }},
        {"sx", 1, 0, [](qelib& l, V) { l.sx(0); }, [](V) { return SX(); }},
        {"sxdg", 1, 0, [](qelib& l, V) { l.sxdg(0); }, [](V) { return MatrixXcd(SX().adjoint()); }},
        {"cz", 2, 0, [](qelib& l, V) { l.cz(0, 1); }, [](V) { return ctrl(Z(), 1); }},
        {"cy", 2, 0, [](qelib& l, V) { l.cy(0, 1); }, [](V) { return ctrl(Y(), 1); }},
        {"swap", 2, 0, [](qelib& l, V) { l.swap(0, 1); }, [](V) { return SWAP(); }},
        {"ch", 2, 0, [](qelib& l, V) { l.ch(0, 1); }, [](V) { return ctrl(H(), 1); }},
        {"ccx", 3, 0, [](qelib& l, V) { l.ccx(0, 1, 2); }, [](V) { return ctrl(X(), 2); }},
        {"cswap", 3, 0, [](qelib& l, V) { l.cswap(0, 1, 2); }, [](V) { return ctrl(SWAP(), 1); }},
        {"crx", 2, 1, [](qelib& l, V a) { l.crx(a[0], 0, 1); }, [](V a) { return ctrl(RX(a[0]), 1); }},
        {"cry", 2, 1, [](qelib& l, V a) { l.cry(a[0], 0, 1); }, [](V a) { return ctrl(RY(a[0]), 1); }},
        {"crz", 2, 1, [](qelib& l, V a) { l.crz(a[0], 0, 1); }, [](V a) { return ctrl(RZ(a[0]), 1); }},
        {"cu1", 2, 1, [](qelib& l, V a) { l.cu1(a[0], 0, 1); }, [](V a) { return ctrl(P(a[0]), 1); }},
        {"cp", 2, 1, [](qelib& l, V a) { l.cp(a[0], 0, 1); }, [](V a) { return ctrl(P(a[0]), 1); }},
        // The paper: "implements controlled-U(theta,phi,lambda)" with U's own phase.
        {"cu3", 2, 3, [](qelib& l, V a) { l.cu3_paper(a[0], a[1], a[2], 0, 1); }, [](V a) { return ctrl(U_qasm(a[0], a[1], a[2]), 1); }},
        {"csx", 2, 0, [](qelib& l, V) { l.csx(0, 1); }, [](V) { return ctrl(SX(), 1); }},
        {"cu", 2, 4, [](qelib& l, V a) { l.cu(a[0], a[1], a[2], a[3], 0, 1); },
         [](V a) { return ctrl(std::polar(1.0, a[3]) * u3_plain(a[0], a[1], a[2]), 1); }},
        {"rxx", 2, 1, [](qelib& l, V a) { l.rxx(a[0], 0, 1); }, [](V a) { return RPP(X(), a[0]); }},
        {"rzz", 2, 1, [](qelib& l, V a) { l.rzz(a[0], 0, 1); }, [](V a) { return RPP(Z(), a[0]); }},
        {"ryy", 2, 1, [](qelib& l, V a) { l.ryy(a[0], 0, 1); }, [](V a) { return RPP(Y(), a[0]); }},
        {"iswap", 2, 0, [](qelib& l, V) { l.iswap(0, 1); },
         [](V) {
             MatrixXcd m = MatrixXcd::Zero(4, 4);
             m(0, 0) = m(3, 3) = 1;
             m(1, 2) = m(2, 1) = I1;
             return m;
         }},
        // Relative-phase Toffolis: their textbook matrix is their definition; below, a separate
        // check that they differ from ccx / c3x only by a diagonal.
        {"rccx", 3, 0, [](qelib& l, V) { l.rccx(0, 1, 2); }, nullptr},
        {"rc3x", 4, 0, [](qelib& l, V) { l.rc3x(0, 1, 2, 3); }, nullptr},
        {"c3x", 4, 0, [](qelib& l, V) { l.c3x(0, 1, 2, 3); }, [](V) { return ctrl(X(), 3); }},
        {"c3sqrtx", 4, 0, [](qelib& l, V) { l.c3sqrtx(0, 1, 2, 3); }, [](V) { return ctrl(SX(), 3); }},
        {"c4x", 5, 0, [](qelib& l, V) { l.c4x(0, 1, 2, 3, 4); }, [](V) { return ctrl(X(), 4); }},
    };
}

MatrixXcd decomposition(const gate_case& g, const std::vector<double>& a) {
    decomp d(g.qubits);
    qelib l{d};
    g.definition(l, a);
    return d.m;
}

} // namespace

TEST_CASE("every qelib1.inc gate equals its U/CX definition and its textbook matrix", "[qasm][qelib1]") {
    Rng rng(2024);
    for (const gate_case& g : all_cases()) {
        for (int rep = 0; rep < 3; ++rep) {
            std::vector<double> a(g.params);
            for (double& x : a) x = (rng.uniform() * 2 - 1) * 3.5;
            INFO("gate " << g.name << " repetition " << rep);
            const MatrixXcd imported = circuit_unitary(import_gate(g.name, a, g.qubits));
            const MatrixXcd defined = decomposition(g, a);
            CHECK(distance_up_to_phase(imported, defined) < 1e-12);
            if (g.textbook) CHECK(distance_up_to_phase(imported, g.textbook(a)) < 1e-12);
        }
    }
}

TEST_CASE("qelib1 gates that are the named kind exactly map to it", "[qasm][qelib1]") {
    // One operation of the kind, nothing else, for the gates whose matrices agree.
    const std::vector<std::pair<std::string, GateKind>> direct = {
        {"u3", GateKind::u3}, {"u2", GateKind::u2}, {"u1", GateKind::p}, {"p", GateKind::p}, {"rz", GateKind::rz},
        {"cx", GateKind::cx}, {"cz", GateKind::cz}, {"cy", GateKind::cy}, {"ch", GateKind::ch}, {"ccx", GateKind::ccx},
        {"crx", GateKind::crx}, {"cry", GateKind::cry}, {"crz", GateKind::crz}, {"cu1", GateKind::cp}, {"cp", GateKind::cp},
        {"swap", GateKind::swap}, {"cswap", GateKind::cswap}, {"rxx", GateKind::rxx}, {"rzz", GateKind::rzz},
        {"ryy", GateKind::ryy}, {"iswap", GateKind::iswap}, {"c3x", GateKind::x}, {"c3sqrtx", GateKind::sx}, {"c4x", GateKind::x},
        {"csx", GateKind::sx}};
    for (const auto& [name, kind] : direct) {
        const auto cases = all_cases();
        const auto it = std::find_if(cases.begin(), cases.end(), [&](const gate_case& g) { return g.name == name; });
        REQUIRE(it != cases.end());
        const Circuit c = import_gate(name, std::vector<double>(it->params, 0.4), it->qubits);
        INFO(name);
        REQUIRE(c.size() == 1);
        CHECK(c.operations()[0].kind == kind);
    }
}

TEST_CASE("cu3: the paper's phase on the control, or Qiskit's plain controlled-u3", "[qasm][qelib1]") {
    const double t = 0.9, p = -0.4, l = 1.7;
    // Paper: controlled-U with U = e^{-i(p+l)/2} u3, imported as cu3 + p(-(p+l)/2) on the control.
    const Circuit paper = import_gate("cu3", {t, p, l}, 2);
    REQUIRE(paper.size() == 2);
    CHECK(paper.operations()[0].kind == GateKind::cu3);
    CHECK(paper.operations()[1].kind == GateKind::p);
    CHECK(paper.operations()[1].targets == std::vector<qubit_t>{0});
    CHECK(paper.operations()[1].params[0].constant() == Approx(-(p + l) / 2));
    // The plain cu3 kind is *not* the paper's gate: the control-1 block differs by a phase.
    const MatrixXcd plain = ctrl(u3_plain(t, p, l), 1);
    CHECK(distance_up_to_phase(circuit_unitary(paper), plain) > 0.1);
    // Qiskit's qelib1.inc adds u1((lambda+phi)/2) on the control: exactly the cu3 kind.
    const Circuit qiskit = import_gate("cu3", {t, p, l}, 2, true);
    REQUIRE(qiskit.size() == 1);
    CHECK(qiskit.operations()[0].kind == GateKind::cu3);
    decomp d(2);
    qelib lib{d};
    lib.cu3_qiskit(t, p, l, 0, 1);
    CHECK(distance_up_to_phase(circuit_unitary(qiskit), d.m) < 1e-12);
    CHECK(distance_up_to_phase(d.m, plain) < 1e-12);
    // cu with gamma = 0 is the cu3 kind exactly, in both dialects; gamma adds p(gamma) on the control.
    CHECK(import_gate("cu", {t, p, l, 0.0}, 2).size() == 1);
    const Circuit cu = import_gate("cu", {t, p, l, 0.3}, 2);
    REQUIRE(cu.size() == 2);
    CHECK(cu.operations()[1].kind == GateKind::p);
}

TEST_CASE("older qelib1.inc variants of c3x, c3sqrtx and cry", "[qasm][qelib1]") {
    // Qiskit's file has changed over time; the importer follows the gates' names (C3X, C3SX).
    decomp a(4), b(4), c(4);
    qelib la{a}, lb{b}, lc{c};
    la.c3x_old(0, 1, 2, 3);
    CHECK(distance_up_to_phase(a.m, ctrl(X(), 3)) < 1e-12);
    // The older c3sqrtx (first rotation cu1(-pi/8)) is the controlled inverse sqrt(X).
    lb.c3sqrtx_old(0, 1, 2, 3);
    CHECK(distance_up_to_phase(b.m, ctrl(SX().adjoint(), 3)) < 1e-12);
    lc.c3sqrtx(0, 1, 2, 3);
    CHECK(distance_up_to_phase(c.m, ctrl(SX(), 3)) < 1e-12);
    decomp e(2), f(2);
    qelib le{e}, lf{f};
    le.cry(0.7, 0, 1), lf.cry_old(0.7, 0, 1);
    CHECK(distance_up_to_phase(e.m, f.m) < 1e-12);
}

TEST_CASE("rccx and rc3x are Toffolis up to a diagonal, imported as their definitions", "[qasm][qelib1]") {
    for (const auto& [name, k] : std::vector<std::pair<std::string, qubit_t>>{{"rccx", 3}, {"rc3x", 4}}) {
        const MatrixXcd u = circuit_unitary(import_gate(name, {}, k));
        const MatrixXcd toffoli = ctrl(X(), static_cast<int>(k) - 1);
        // u * toffoli^dagger is diagonal with entries of modulus 1.
        const MatrixXcd d = u * toffoli.adjoint();
        INFO(name);
        CHECK((d - MatrixXcd(d.diagonal().asDiagonal())).cwiseAbs().maxCoeff() < 1e-12);
        CHECK((d.diagonal().cwiseAbs() - Eigen::VectorXd::Ones(d.rows())).cwiseAbs().maxCoeff() < 1e-12);
        CHECK((u - toffoli).cwiseAbs().maxCoeff() > 0.1); // and they are not the Toffolis
    }
}
