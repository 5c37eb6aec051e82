// A consumer of the installed or embedded library: prepares a Bell state and checks it.
#include <qcoach/qcoach.hpp>

#include <cmath>
#include <cstdio>

int main() {
    qcoach::StateVector<double> psi(2);
    qcoach::apply(psi, qcoach::gates::h(0));
    qcoach::apply(psi, qcoach::gates::cx(0, 1));
    const double r = std::sqrt(0.5);
    const bool ok = std::abs(psi[0] - r) < 1e-12 && std::abs(psi[3] - r) < 1e-12 && std::abs(psi[1]) < 1e-12;
    std::printf("qcoach %s consumer: %s\n", qcoach::version_string, ok ? "ok" : "WRONG");
    return ok ? 0 : 1;
}
