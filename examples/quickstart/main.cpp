// quickstart: prepare a GHZ state on n qubits, print its amplitudes and check it.
#include <qcoach/qcoach.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
    const unsigned n = argc > 1 ? static_cast<unsigned>(std::strtoul(argv[1], nullptr, 10)) : 3;
    try {
        qcoach::StateVector<double> psi(n);
        qcoach::apply(psi, qcoach::gates::h(0));
        for (unsigned q = 1; q < n; ++q) qcoach::apply(psi, qcoach::gates::cx(q - 1, q));
        std::printf("GHZ state on %u qubits (qubit q is bit q of the index):\n", n);
        for (qcoach::index_t z = 0; z < psi.size(); ++z) {
            if (std::abs(psi[z]) > 1e-12) {
                std::string bits;
                for (unsigned q = n; q-- > 0;) bits += ((z >> q) & 1) ? '1' : '0';
                std::printf("  |%s>  %+.6f %+.6fi\n", bits.c_str(), psi[z].real(), psi[z].imag());
            }
        }
        std::printf("norm = %.12f\n", psi.norm());
    } catch (const qcoach::error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 2;
    }
    return 0;
}
