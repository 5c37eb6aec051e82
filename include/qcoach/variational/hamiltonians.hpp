#pragma once
/// @file
/// @brief Reference Hamiltonians for VQE as Pauli sums: the transverse-field Ising chain, the
/// Heisenberg (XYZ) chain and H2 in the minimal basis.
///
/// Conventions: Pauli matrices (not spin-1/2 operators S = sigma/2); site i is qubit i; a
/// periodic chain adds the bond (n-1, 0) and needs n >= 3 (for n = 2 it would repeat the bond).

#include <string>

#include "qcoach/core/error.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/statevector/pauli.hpp"

namespace qcoach::variational {

namespace detail {

inline void check_chain(qubit_t n, bool periodic, const char* what) {
    if (n < 2 || n > max_qubits) {
        throw value_error(std::string(what) + " chain needs 2 to " + std::to_string(max_qubits) + " sites, got " + std::to_string(n));
    }
    if (periodic && n < 3) throw value_error(std::string(what) + ": a periodic chain needs at least 3 sites, got " + std::to_string(n));
}

} // namespace detail

/// @brief H = -J sum_i Z_i Z_{i+1} - h sum_i X_i on n sites (open or periodic).
///
/// Periodic chains are solvable by free fermions (Pfeuty, Ann. Phys. 57, 79 (1970)): the ground
/// energy for even n is -sum_k sqrt(J^2 + h^2 - 2 J h cos k), k = pi (2m - 1) / n, m = 1..n.
inline PauliSum transverse_field_ising(qubit_t n, double j, double h, bool periodic = false) {
    detail::check_chain(n, periodic, "transverse-field Ising");
    PauliSum s;
    const qubit_t bonds = periodic ? n : n - 1;
    for (qubit_t i = 0; i < bonds; ++i) s.add(-j, PauliString().z(i).z((i + 1) % n));
    for (qubit_t i = 0; i < n; ++i) s.add(-h, PauliString().x(i));
    return s;
}

/// @brief H = sum_bonds (jx X_i X_{i+1} + jy Y_i Y_{i+1} + jz Z_i Z_{i+1}) on n sites (open or
/// periodic). jx = jy = jz = 1 is the antiferromagnetic Heisenberg chain, 4 sum S_i·S_{i+1}.
inline PauliSum heisenberg(qubit_t n, double jx, double jy, double jz, bool periodic = false) {
    detail::check_chain(n, periodic, "Heisenberg");
    PauliSum s;
    const qubit_t bonds = periodic ? n : n - 1;
    for (qubit_t i = 0; i < bonds; ++i) {
        const qubit_t k = (i + 1) % n;
        s.add(jx, PauliString().x(i).x(k));
        s.add(jy, PauliString().y(i).y(k));
        s.add(jz, PauliString().z(i).z(k));
    }
    return s;
}

/// Bond length of h2_sto3g(), in angstrom.
inline constexpr double h2_bond_length = 0.735;
/// Nuclear repulsion 1/R (hartree) at R = 0.735 Å = 1.388949 bohr (bohr = 0.529177210903 Å,
/// CODATA 2018). h2_sto3g() is the electronic Hamiltonian: add this for the total energy.
inline constexpr double h2_nuclear_repulsion = 0.529177210903 / 0.735;

/// @brief Electronic Hamiltonian of H2 at 0.735 Å in the STO-3G basis on 2 qubits (parity
/// mapping with the two-qubit reduction of Bravyi, Gambetta, Mezzacapo & Temme,
/// arXiv:1701.08213), in hartree:
///
///     H = -1.052373245772859 I + 0.39793742484318045 Z0 - 0.39793742484318045 Z1
///         - 0.01128010425623538 Z0 Z1 + 0.18093119978423156 X0 X1
///
/// Source of the coefficients: the Qiskit documentation and test suites (VQE tutorial
/// "Simulating Molecules using VQE" of the Qiskit Textbook, Qiskit Development Team, 2020;
/// qiskit-algorithms VQE tests), where they are stated to come from Qiskit's chemistry module.
/// They are not taken on trust: tests/variational/test_vqe_h2.cpp recomputes the STO-3G
/// integrals from the basis of Hehre, Stewart & Pople (J. Chem. Phys. 51, 2657 (1969)) with the
/// closed forms of Szabo & Ostlund ("Modern Quantum Chemistry", App. A), builds the 4-qubit
/// Jordan–Wigner Hamiltonian and checks that its spectrum in the one-alpha, one-beta sector
/// equals the spectrum of this one (to 2e-6 Ha). The ground energy is -1.857275 Ha electronic,
/// -1.137306 Ha with h2_nuclear_repulsion: the full-CI energy of H2/STO-3G at this bond length
/// (the exact energy near -1.137 Ha at equilibrium in the H2 curves of O'Malley et al., Phys.
/// Rev. X 6, 031007 (2016), and Kandala et al., Nature 549, 242 (2017)).
inline PauliSum h2_sto3g() {
    PauliSum s;
    s.add_constant(-1.052373245772859);
    s.add(0.39793742484318045, PauliString().z(0));
    s.add(-0.39793742484318045, PauliString().z(1));
    s.add(-0.01128010425623538, PauliString().z(0).z(1));
    s.add(0.18093119978423156, PauliString().x(0).x(1));
    return s;
}

} // namespace qcoach::variational
