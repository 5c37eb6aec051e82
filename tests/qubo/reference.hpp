#pragma once
// Independent references for the QUBO tests: random models kept as plain term lists (evaluated
// directly, not through the model's storage), brute force over all samples, and a small tabu
// search used only to check best-known values of real instances.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "qcoach/core/rng.hpp"
#include "qcoach/qubo/csr.hpp"
#include "qcoach/qubo/model.hpp"

namespace qcoach::test {

using qubo::var_t;
using qubo::vartype;

struct raw_term {
    var_t i, j;
    double bias;
};

/// A model as the list of terms that built it: E(v) = offset + sum lin_i v_i + sum b v_i v_j
/// over the raw list (repeats, both orders and i == j included). Evaluating the list directly
/// is the reference: a square term b v_i v_i is b x_i on binary and b on spins, exactly the
/// folding the model must do.
struct raw_model {
    vartype type = vartype::binary;
    std::size_t n = 0;
    std::vector<double> linear;
    std::vector<raw_term> terms;
    double offset = 0.0;

    double energy(std::span<const std::int8_t> v) const {
        double e = offset;
        for (std::size_t i = 0; i < n; ++i) e += linear[i] * v[i];
        for (const auto& t : terms) e += t.bias * v[t.i] * v[t.j];
        return e;
    }

    qubo::BinaryQuadraticModel build() const {
        qubo::BinaryQuadraticModel m(type, n);
        for (std::size_t i = 0; i < n; ++i) m.add_linear(static_cast<var_t>(i), linear[i]);
        for (const auto& t : terms) m.add_quadratic(t.i, t.j, t.bias);
        m.add_offset(offset);
        return m;
    }
};

/// Coefficient: an integer in [-9, 9] or a real in [-5, 5).
inline double random_coefficient(Rng& rng, bool integral) {
    if (integral) return static_cast<double>(static_cast<std::int64_t>(rng.below(19)) - 9);
    return 10.0 * rng.uniform() - 5.0;
}

/// Random model: every pair coupled with probability `density`, a few repeated / reversed
/// pairs and square terms on top.
inline raw_model random_raw_model(vartype type, std::size_t n, double density, Rng& rng, bool integral) {
    raw_model r;
    r.type = type;
    r.n = n;
    r.linear.resize(n);
    for (auto& h : r.linear) h = random_coefficient(rng, integral);
    for (var_t i = 0; i < n; ++i)
        for (var_t j = i + 1; j < n; ++j)
            if (rng.uniform() < density) r.terms.push_back({i, j, random_coefficient(rng, integral)});
    if (n > 0) {
        for (int k = 0; k < 3; ++k) {
            const auto i = static_cast<var_t>(rng.below(n));
            const auto j = static_cast<var_t>(rng.below(n));
            r.terms.push_back({j, i, random_coefficient(rng, integral)}); // reversed, repeated or square
        }
    }
    r.offset = random_coefficient(rng, integral);
    return r;
}

inline qubo::BinaryQuadraticModel random_model(vartype type, std::size_t n, double density, Rng& rng,
                                               bool integral = false) {
    return random_raw_model(type, n, density, rng, integral).build();
}

/// Tolerance for comparing energies of models with coefficients of size ~10.
inline double energy_tolerance(double scale = 100.0) { return 1e-12 * scale; }

/// Minimum of f over all 2^n samples (n <= 20) of vartype t, with one argmin (bit pattern).
template <class F>
std::pair<double, std::uint64_t> brute_force_min(vartype t, std::size_t n, F&& f) {
    double best = std::numeric_limits<double>::infinity();
    std::uint64_t arg = 0;
    for (std::uint64_t bits = 0; bits < (std::uint64_t{1} << n); ++bits) {
        const auto v = qubo::sample_from_bits(t, n, bits);
        const double e = f(std::span<const std::int8_t>(v));
        if (e < best) {
            best = e;
            arg = bits;
        }
    }
    return {best, arg};
}

/// Plain tabu search (best non-tabu one-flip move, aspiration on a new best, random restarts)
/// on the CSR form, using its field and flip helpers. Stops at `target` or after the budget.
/// Returns the best energy found.
inline double tabu_search(const qubo::CsrModel<double>& m, std::uint64_t seed, double target, int restarts,
                          int iterations) {
    const std::size_t n = m.num_variables();
    const vartype t = m.type();
    double best = std::numeric_limits<double>::infinity();
    std::vector<std::int8_t> v(n);
    std::vector<double> fields(n);
    std::vector<int> tabu_until(n);
    const int tenure = static_cast<int>(std::max<std::size_t>(5, n / 5));
    for (int r = 0; r < restarts && best > target; ++r) {
        Rng rng = Rng::stream(seed, static_cast<std::uint64_t>(r));
        for (auto& x : v) {
            const auto b = static_cast<std::int8_t>(rng.below(2));
            x = t == vartype::binary ? b : static_cast<std::int8_t>(2 * b - 1);
        }
        m.local_fields(v, fields);
        double e = m.energy(v);
        best = std::min(best, e);
        std::fill(tabu_until.begin(), tabu_until.end(), 0);
        for (int it = 1; it <= iterations && best > target; ++it) {
            double best_delta = std::numeric_limits<double>::infinity();
            std::size_t pick = n;
            for (std::size_t i = 0; i < n; ++i) {
                const double d = m.flip_delta(v[i], fields[i]);
                const bool allowed = tabu_until[i] < it || e + d < best - 1e-9;
                if (allowed && (d < best_delta || (d == best_delta && rng.below(2) == 0))) {
                    best_delta = d;
                    pick = i;
                }
            }
            if (pick == n) continue;
            m.flip(v, fields, static_cast<var_t>(pick));
            e += best_delta;
            tabu_until[pick] = it + tenure + static_cast<int>(rng.below(3));
            best = std::min(best, e);
        }
    }
    return best;
}

} // namespace qcoach::test
