// Tests of the QAOA starting angles (qcoach/variational/angles.hpp): hand-computed INTERP and
// linear-ramp values, the embedded fixed-angle table against the published JSON file, the p = 1
// closed form for triangle-free d-regular graphs, and the table's convention checked with a small
// statevector written here (independent of the library's QAOA engine).

#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <cstdint>
#include <fstream>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include "qcoach/variational/angles.hpp"
#include "variational/graphs.hpp"

#if defined(QCOACH_TEST_HAVE_NLOHMANN_JSON)
#include <nlohmann/json.hpp>
#endif

namespace qv = qcoach::variational;

namespace {

using qcoach::test::heawood;
using qcoach::test::petersen;
using qcoach::variational::edge_list;

// C(z) = number of cut edges for every basis state z (qubit q = bit q of z).
std::vector<double> cut_values(int n, const edge_list& edges) {
    std::vector<double> c(std::size_t{1} << n);
    for (std::size_t z = 0; z < c.size(); ++z) {
        int cut = 0;
        for (auto [u, v] : edges) cut += static_cast<int>(((z >> u) ^ (z >> v)) & 1u);
        c[z] = cut;
    }
    return c;
}

// |ψ⟩ = Π_l e^{−iβ_l ΣX} e^{−iγ_l diag(cost)} |+⟩^n, layer 1 first.
std::vector<std::complex<double>> qaoa_state(int n, const std::vector<double>& cost, const qv::qaoa_angles& a) {
    const std::size_t dim = std::size_t{1} << n;
    std::vector<std::complex<double>> psi(dim, std::complex<double>(1.0 / std::sqrt(static_cast<double>(dim)), 0.0));
    for (std::size_t l = 0; l < a.p(); ++l) {
        for (std::size_t z = 0; z < dim; ++z) psi[z] *= std::polar(1.0, -a.gammas[l] * cost[z]);
        // e^{−iβX} = cos β I − i sin β X on each qubit.
        const std::complex<double> c(std::cos(a.betas[l]), 0.0), s(0.0, -std::sin(a.betas[l]));
        for (int q = 0; q < n; ++q) {
            const std::size_t bit = std::size_t{1} << q;
            for (std::size_t z = 0; z < dim; ++z) {
                if (z & bit) continue;
                const auto x0 = psi[z], x1 = psi[z | bit];
                psi[z] = c * x0 + s * x1;
                psi[z | bit] = s * x0 + c * x1;
            }
        }
    }
    return psi;
}

double expectation(const std::vector<std::complex<double>>& psi, const std::vector<double>& cost) {
    double e = 0;
    for (std::size_t z = 0; z < psi.size(); ++z) e += std::norm(psi[z]) * cost[z];
    return e;
}

double cut_ratio(int n, const edge_list& edges, const qv::qaoa_angles& a) {
    const auto c = cut_values(n, edges);
    return expectation(qaoa_state(n, c, a), c) / static_cast<double>(edges.size());
}

} // namespace

TEST_CASE("INTERP matches the Zhou et al. formula on hand examples", "[angles]") {
    // p = 2 → 3: inner angle is the average of its neighbours, ends are kept.
    auto a = qv::interp({{1.0, 3.0}, {4.0, 2.0}});
    CHECK(a.gammas == std::vector<double>{1.0, 2.0, 3.0});
    CHECK(a.betas == std::vector<double>{4.0, 3.0, 2.0});
    // p = 3 → 4: weights (i−1)/p and (p−i+1)/p.
    //   i=2: (1/3)·0.3 + (2/3)·0.6 = 0.5;  i=3: (2/3)·0.6 + (1/3)·1.2 = 0.8
    //   β: i=2: (1/3)·0.9 + (2/3)·0.6 = 0.7;  i=3: (2/3)·0.6 + (1/3)·0.3 = 0.5
    a = qv::interp({{0.3, 0.6, 1.2}, {0.9, 0.6, 0.3}});
    REQUIRE(a.p() == 4);
    CHECK(a.gammas[0] == Approx(0.3).margin(1e-15));
    CHECK(a.gammas[1] == Approx(0.5).margin(1e-15));
    CHECK(a.gammas[2] == Approx(0.8).margin(1e-15));
    CHECK(a.gammas[3] == Approx(1.2).margin(1e-15));
    CHECK(a.betas[0] == Approx(0.9).margin(1e-15));
    CHECK(a.betas[1] == Approx(0.7).margin(1e-15));
    CHECK(a.betas[2] == Approx(0.5).margin(1e-15));
    CHECK(a.betas[3] == Approx(0.3).margin(1e-15));
    // p = 1 → 2 repeats the angle.
    a = qv::interp({{0.7}, {0.2}});
    CHECK(a.gammas == std::vector<double>{0.7, 0.7});
    CHECK(a.betas == std::vector<double>{0.2, 0.2});
    // A linear schedule sampled at midpoints stays on the same line (shifted to the new grid) only
    // approximately; but a constant schedule is reproduced exactly.
    a = qv::interp({{0.4, 0.4, 0.4, 0.4}, {0.1, 0.1, 0.1, 0.1}});
    for (double g : a.gammas) CHECK(g == Approx(0.4).margin(1e-15));
    for (double b : a.betas) CHECK(b == Approx(0.1).margin(1e-15));

    CHECK_THROWS_AS(qv::interp({}), qcoach::value_error);
    CHECK_THROWS_AS(qv::interp({{1.0, 2.0}, {1.0}}), qcoach::value_error);
    CHECK_THROWS_AS(qv::interp({{std::nan("")}, {1.0}}), qcoach::value_error);
}

TEST_CASE("Linear ramp values", "[angles]") {
    auto a = qv::linear_ramp(2); // Δt = 0.75: s = 1/4, 3/4
    CHECK(a.gammas == std::vector<double>{0.1875, 0.5625});
    CHECK(a.betas == std::vector<double>{0.5625, 0.1875});
    a = qv::linear_ramp(1, 0.8);
    CHECK(a.gammas == std::vector<double>{0.4});
    CHECK(a.betas == std::vector<double>{0.4});
    a = qv::linear_ramp(4, 1.0);
    CHECK(a.gammas == std::vector<double>{0.125, 0.375, 0.625, 0.875});
    CHECK(a.betas == std::vector<double>{0.875, 0.625, 0.375, 0.125});
    a = qv::linear_ramp(7, 0.6);
    for (std::size_t l = 0; l < 7; ++l) {
        CHECK(a.gammas[l] + a.betas[l] == Approx(0.6).margin(1e-15));
        CHECK(a.gammas[l] == Approx(a.betas[6 - l]).margin(1e-15));
    }
    CHECK_THROWS_AS(qv::linear_ramp(0), qcoach::value_error);
    CHECK_THROWS_AS(qv::linear_ramp(3, -1.0), qcoach::value_error);
}

TEST_CASE("Random angles are seeded and in range", "[angles]") {
    const auto a = qv::random_angles(6, 42);
    const auto b = qv::random_angles(6, 42);
    const auto c = qv::random_angles(6, 43);
    CHECK(a == b);
    CHECK(a.gammas != c.gammas);
    REQUIRE(a.p() == 6);
    for (std::size_t l = 0; l < 6; ++l) {
        CHECK(a.gammas[l] >= 0);
        CHECK(a.gammas[l] < std::numbers::pi);
        CHECK(a.betas[l] >= 0);
        CHECK(a.betas[l] < std::numbers::pi / 2);
    }
    // The gammas do not depend on beta_max (separate streams).
    CHECK(qv::random_angles(6, 42, std::numbers::pi, 0.1).gammas == a.gammas);
    const auto small = qv::random_angles(50, 1, 0.2, 0.05);
    for (std::size_t l = 0; l < 50; ++l) {
        CHECK(small.gammas[l] < 0.2);
        CHECK(small.betas[l] < 0.05);
    }
    CHECK_THROWS_AS(qv::random_angles(0, 1), qcoach::value_error);
    CHECK_THROWS_AS(qv::random_angles(2, 1, 0.0), qcoach::value_error);
}

TEST_CASE("flatten, unflatten and rescale_gammas", "[angles]") {
    const qv::qaoa_angles a{{0.1, 0.2}, {0.3, 0.4}};
    CHECK(a.flatten() == std::vector<double>{0.1, 0.2, 0.3, 0.4});
    CHECK(qv::qaoa_angles::unflatten(a.flatten()) == a);
    CHECK_THROWS_AS(qv::qaoa_angles::unflatten(std::vector<double>{1.0, 2.0, 3.0}), qcoach::value_error);
    const auto m = qv::rescale_gammas(a, -2.0);
    CHECK(m.gammas == std::vector<double>{-0.05, -0.1});
    CHECK(m.betas == a.betas);
    CHECK_THROWS_AS(qv::rescale_gammas(a, 0.0), qcoach::value_error);
}

TEST_CASE("Fixed-angle table: coverage and lookup", "[angles][fixed]") {
    const std::size_t expected_max_p[] = {0, 0, 0, 11, 5, 4, 3, 3, 3, 3, 3, 2, 0, 0};
    std::size_t entries = 0;
    for (unsigned d = 0; d < 14; ++d) {
        INFO("d = " << d);
        CHECK(qv::fixed_angles_max_p(d) == expected_max_p[d]);
        for (std::size_t p = 0; p < 14; ++p) {
            const auto a = qv::fixed_angles(d, p);
            const bool tabulated = p >= 1 && p <= expected_max_p[d];
            CHECK(a.has_value() == tabulated);
            if (tabulated) {
                ++entries;
                CHECK(a->p() == p);
                CHECK(a->betas.size() == p);
                const double ar = qv::fixed_angles_ratio(d, p);
                CHECK(ar > 0.5);
                CHECK(ar < 1.0);
                // A deeper circuit never does worse: the ratio grows with p.
                if (p > 1) CHECK(ar > qv::fixed_angles_ratio(d, p - 1));
            } else {
                CHECK_THROWS_AS(qv::fixed_angles_ratio(d, p), qcoach::index_error);
            }
        }
    }
    CHECK(entries == 11 + 5 + 4 + 5 * 3 + 2);
    // Paper values for 3-regular graphs (Wurtz & Love, PRA 103, 042612 (2021)): 0.6924, 0.7559, 0.7924.
    CHECK(qv::fixed_angles_ratio(3, 1) == Approx(0.6924).margin(1e-4));
    CHECK(qv::fixed_angles_ratio(3, 2) == Approx(0.7559).margin(1e-4));
    CHECK(qv::fixed_angles_ratio(3, 3) == Approx(0.7924).margin(1e-4));
}

#if defined(QCOACH_TEST_HAVE_NLOHMANN_JSON)
TEST_CASE("Fixed-angle table equals the published JSON bit for bit", "[angles][fixed]") {
    const std::string path = std::string(QCOACH_TEST_DATA_DIR) + "/qaoa_fixed_angles/angles_regular_graphs.json";
    std::ifstream in(path);
    REQUIRE(in.good());
    const auto json = nlohmann::json::parse(in);
    std::size_t entries = 0;
    for (const auto& [d_text, by_p] : json.items()) {
        const unsigned d = static_cast<unsigned>(std::stoul(d_text));
        std::size_t max_p = 0;
        for (const auto& [p_text, row] : by_p.items()) {
            const std::size_t p = std::stoul(p_text);
            INFO("d = " << d << ", p = " << p);
            max_p = std::max(max_p, p);
            const auto a = qv::fixed_angles(d, p);
            REQUIRE(a.has_value());
            CHECK(a->gammas == row.at("gamma").get<std::vector<double>>());
            CHECK(a->betas == row.at("beta").get<std::vector<double>>());
            CHECK(qv::fixed_angles_ratio(d, p) == row.at("AR").get<double>());
            ++entries;
        }
        CHECK(qv::fixed_angles_max_p(d) == max_p);
    }
    CHECK(entries == 37);
}
#endif

TEST_CASE("Fixed angles at p = 1 match the closed form for triangle-free d-regular graphs", "[angles][fixed]") {
    // Wang, Hadfield, Jiang & Rieffel, PRA 97, 022304 (2018): on a triangle-free d-regular graph
    // each edge has <C_uv> = 1/2 + (1/2) sin 4β sin γ cos^{d−1} γ, maximized at β = π/8,
    // γ = arctan(1/√(d−1)), where the ratio is 1/2 + (1/2) d^{−1/2} ((d−1)/d)^{(d−1)/2}.
    for (unsigned d = 3; d <= 11; ++d) {
        INFO("d = " << d);
        const auto a = qv::fixed_angles(d, 1);
        REQUIRE(a.has_value());
        const double dd = d;
        const double gamma = std::atan(1.0 / std::sqrt(dd - 1.0));
        const double ratio = 0.5 + 0.5 / std::sqrt(dd) * std::pow((dd - 1.0) / dd, (dd - 1.0) / 2.0);
        // The table comes from a numerical optimization on a flat maximum: angles agree to ~1e-4,
        // the ratio to ~1e-7 (its own evaluation error, seen against both formulas below).
        CHECK(a->gammas[0] == Approx(gamma).margin(2e-4));
        CHECK(a->betas[0] == Approx(std::numbers::pi / 8).margin(1e-4));
        CHECK(qv::fixed_angles_ratio(d, 1) == Approx(ratio).margin(2e-7));
        const double at_table = 0.5 + 0.5 * std::sin(4 * a->betas[0]) * std::sin(a->gammas[0]) *
                                          std::pow(std::cos(a->gammas[0]), dd - 1.0);
        CHECK(qv::fixed_angles_ratio(d, 1) == Approx(at_table).margin(2e-7));
        CHECK(at_table <= ratio + 1e-15);
    }
    CHECK(0.5 + 0.5 / std::sqrt(3.0) * (2.0 / 3.0) == Approx(0.69245).margin(1e-5)); // README value, d = 3
}

TEST_CASE("Fixed angles in the documented convention: statevector on girth-5 and girth-6 graphs", "[angles][fixed]") {
    // Petersen (girth 5) is tree-like at radius 1, Heawood (girth 6) at radius 2, so the simulated
    // <C>/|E| must equal the tabulated ratio (README of the data: 0.6924500869 and 0.7559064145,
    // the JSON's AR differing by ~1e-7).
    const auto a1 = *qv::fixed_angles(3, 1);
    const auto a2 = *qv::fixed_angles(3, 2);
    const double r1 = cut_ratio(10, petersen(), a1);
    const double r2 = cut_ratio(14, heawood(), a2);
    CHECK(r1 == Approx(0.6924500869).margin(1e-9));
    CHECK(r2 == Approx(0.7559064145).margin(1e-9));
    CHECK(r1 == Approx(qv::fixed_angles_ratio(3, 1)).margin(2e-7));
    CHECK(r2 == Approx(qv::fixed_angles_ratio(3, 2)).margin(2e-7));
    CHECK(cut_ratio(14, heawood(), a1) == Approx(r1).margin(1e-12)); // p = 1 is tree-like on Heawood too

    // The table's point is a local maximum of <C> in this convention: moving any angle by ±0.01
    // lowers the ratio. Flipping the sign of the gammas (the wrong convention) loses a lot.
    for (std::size_t k = 0; k < 4; ++k) {
        for (double h : {-0.01, 0.01}) {
            auto b = a2;
            (k < 2 ? b.gammas[k] : b.betas[k - 2]) += h;
            INFO("angle " << k << ", step " << h);
            CHECK(cut_ratio(14, heawood(), b) < r2 - 1e-6);
        }
    }
    CHECK(cut_ratio(14, heawood(), qv::rescale_gammas(a2, -1.0)) < 0.5);

    // An engine minimizing E = −C with e^{−iγE} prepares the same state with γ → −γ
    // (rescale_gammas(a, −1)); with E = Σ Z_u Z_v = |E| − 2C it needs γ → −γ/2 (global phase
    // e^{−iγ|E|} aside: compare up to a phase).
    const auto edges = heawood();
    const auto c = cut_values(14, edges);
    std::vector<double> minus_c(c.size()), ising(c.size());
    for (std::size_t z = 0; z < c.size(); ++z) {
        minus_c[z] = -c[z];
        ising[z] = static_cast<double>(edges.size()) - 2.0 * c[z];
    }
    const auto ref = qaoa_state(14, c, a2);
    const auto s1 = qaoa_state(14, minus_c, qv::rescale_gammas(a2, -1.0));
    const auto s2 = qaoa_state(14, ising, qv::rescale_gammas(a2, -2.0));
    // Global phase between ref and s2: take it from the largest amplitude.
    std::size_t big = 0;
    for (std::size_t z = 0; z < ref.size(); ++z)
        if (std::abs(ref[z]) > std::abs(ref[big])) big = z;
    const auto phase = ref[big] / s2[big];
    CHECK(std::abs(std::abs(phase) - 1.0) < 1e-12);
    double diff1 = 0, diff2 = 0;
    for (std::size_t z = 0; z < ref.size(); ++z) {
        diff1 = std::max(diff1, std::abs(ref[z] - s1[z]));
        diff2 = std::max(diff2, std::abs(ref[z] - phase * s2[z]));
    }
    CHECK(diff1 < 1e-12);
    CHECK(diff2 < 1e-12);
    // β → −β instead gives the conjugate state: same <C>, different amplitudes.
    auto conj_angles = a2;
    for (auto& b : conj_angles.betas) b = -b;
    const auto s3 = qaoa_state(14, minus_c, conj_angles);
    CHECK(expectation(s3, c) == Approx(expectation(ref, c)).margin(1e-10));
    double diff3 = 0;
    for (std::size_t z = 0; z < ref.size(); ++z) diff3 = std::max(diff3, std::abs(std::conj(ref[z]) - s3[z]));
    CHECK(diff3 < 1e-12);
}
