// A consumer of the installed or embedded library: prepares a Bell state and runs a one-edge
// MaxCut QAOA (p = 1 at gamma = pi/2, beta = pi/8 cuts the edge with certainty: the p = 1
// closed form gives <cut> = 1/2 + 1/2 sin(4 beta) sin(gamma) = 1), and checks both.
#include <qcoach/qcoach.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

int main() {
    qcoach::StateVector<double> psi(2);
    qcoach::apply(psi, qcoach::gates::h(0));
    qcoach::apply(psi, qcoach::gates::cx(0, 1));
    const double r = std::sqrt(0.5);
    bool ok = std::abs(psi[0] - r) < 1e-12 && std::abs(psi[3] - r) < 1e-12 && std::abs(psi[1]) < 1e-12;

    namespace qv = qcoach::variational;
    const auto edge = qv::maxcut_graph(2, qv::edge_list{{0, 1}});
    qv::Qaoa<double> qaoa(qv::maxcut_cost_table(edge));
    const double pi = 3.14159265358979323846;
    // The engine minimizes E = -cut, so the literature's gamma enters with the opposite sign.
    const double cut = -qaoa.expectation(std::vector<double>{-pi / 2}, std::vector<double>{pi / 8});
    ok = ok && std::abs(cut - 1.0) < 1e-12;
    std::printf("qcoach %s consumer: %s\n", qcoach::version_string, ok ? "ok" : "WRONG");
    return ok ? 0 : 1;
}
