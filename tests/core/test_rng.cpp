#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "qcoach/core/rng.hpp"

using namespace qcoach;

TEST_CASE("xoshiro256** reference output", "[rng]") {
    // From state {1, 2, 3, 4} the reference C implementation of xoshiro256** (Blackman & Vigna)
    // yields 11520, 0, 1509978240, 1215971899390074240 as its first outputs.
    Rng r = Rng::from_state({1, 2, 3, 4});
    CHECK(r() == 11520u);
    CHECK(r() == 0u);
    CHECK(r() == 1509978240u);
    CHECK(r() == 1215971899390074240u);
}

TEST_CASE("seeded streams are reproducible and distinct", "[rng]") {
    Rng a(42), b(42), c(43);
    bool all_equal = true, any_differs_from_c = false;
    for (int i = 0; i < 100; ++i) {
        const auto x = a();
        all_equal = all_equal && (x == b());
        any_differs_from_c = any_differs_from_c || (x != c());
    }
    CHECK(all_equal);
    CHECK(any_differs_from_c);
    CHECK(Rng(42)() != Rng(43)());
    CHECK(Rng::stream(7, 0)() != Rng::stream(7, 1)());
    CHECK(Rng::stream(7, 3)() == Rng::stream(7, 3)());
}

TEST_CASE("uniform, below and normal have the right moments", "[rng]") {
    Rng r(1);
    const int n = 200000;
    double sum = 0, sum2 = 0, nsum = 0, nsum2 = 0;
    std::vector<int> hist(7, 0);
    int out_of_range = 0;
    for (int i = 0; i < n; ++i) {
        const double u = r.uniform();
        if (!(u >= 0.0 && u < 1.0)) ++out_of_range;
        sum += u;
        sum2 += u * u;
        hist[r.below(7)]++;
        const double g = r.normal();
        nsum += g;
        nsum2 += g * g;
    }
    CHECK(out_of_range == 0);
    CHECK(sum / n == Approx(0.5).margin(0.005));
    CHECK(sum2 / n - (sum / n) * (sum / n) == Approx(1.0 / 12).margin(0.002));
    CHECK(nsum / n == Approx(0.0).margin(0.01));
    CHECK(nsum2 / n == Approx(1.0).margin(0.02));
    // chi-square of below(7) against uniform, 6 degrees of freedom: 99.9% quantile is 22.46
    double chi2 = 0;
    for (int h : hist) chi2 += (h - n / 7.0) * (h - n / 7.0) / (n / 7.0);
    CHECK(chi2 < 22.46);
}
