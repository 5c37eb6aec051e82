#pragma once
// Shared references of the QUBO solver tests: small random models with their minima by
// enumeration, the feasible minimum of a constrained model by brute force, and sample-set
// equality.

#include <bit>
#include <cstdint>
#include <limits>
#include <vector>

#include "qcoach/core/rng.hpp"
#include "qcoach/qubo/constraints.hpp"
#include "qcoach/qubo/model.hpp"
#include "qcoach/qubo/solver.hpp"
#include "qubo/reference.hpp"

namespace qcoach::test {

using qubo::BinaryQuadraticModel;
using qubo::ConstrainedModel;
using qubo::Constraint;
using qubo::SampleSet;
using qubo::int_term;
using qubo::relation;
using qubo::vartype;
using qubo::sample_from_bits;

/// A small random model with its minimum found by enumeration.
struct small_case {
    raw_model raw;
    BinaryQuadraticModel model;
    double minimum;
};

/// Minimum of a raw model by a Gray-code walk over all 2^n samples on the raw term list
/// (independent of the model's storage), re-evaluated from scratch every 1024 steps.
inline double enumerate_minimum(const raw_model& raw) {
    const std::size_t n = raw.n;
    std::vector<std::vector<raw_term>> touching(n);
    for (const auto& t : raw.terms) {
        touching[t.i].push_back(t);
        if (t.j != t.i) touching[t.j].push_back(t);
    }
    std::vector<std::int8_t> v(n, raw.type == vartype::binary ? 0 : -1);
    double e = raw.energy(v);
    double best = e;
    for (std::uint64_t k = 1; k < (std::uint64_t{1} << n); ++k) {
        const auto i = static_cast<std::size_t>(std::countr_zero(k));
        const double before = v[i];
        v[i] = raw.type == vartype::binary ? static_cast<std::int8_t>(1 - v[i]) : static_cast<std::int8_t>(-v[i]);
        const double after = v[i];
        double change = raw.linear[i] * (after - before);
        for (const auto& t : touching[i]) {
            if (t.i == t.j) change += t.bias * (after * after - before * before);
            else change += t.bias * (after - before) * v[t.i == i ? t.j : t.i];
        }
        e = (k % 1024 == 0) ? raw.energy(v) : e + change;
        best = std::min(best, e);
    }
    return best;
}

/// Random models on 1..20 variables (both vartypes, integral and real biases), each with its
/// minimum by enumerate_minimum(); `seed` picks the draw.
inline std::vector<small_case> make_small_cases(std::uint64_t seed) {
    std::vector<small_case> out;
    {
        Rng rng(seed);
        const auto add = [&](vartype t, std::size_t n, bool integral) {
            small_case c{random_raw_model(t, n, 0.5, rng, integral), BinaryQuadraticModel(), 0.0};
            c.model = c.raw.build();
            c.minimum = enumerate_minimum(c.raw);
            out.push_back(std::move(c));
        };
        for (const vartype t : {vartype::binary, vartype::spin})
            for (const bool integral : {true, false})
                for (const std::size_t n : {1u, 2u, 3u, 7u, 12u, 16u}) add(t, n, integral);
        add(vartype::binary, 20, true);
        add(vartype::spin, 20, false);
    }
    return out;
}

/// Minimum of E over the samples x (original variables only) that satisfy every constraint,
/// by a plain loop over all 2^n assignments; the constraint rows are evaluated directly.
inline double feasible_minimum(const ConstrainedModel& cm) {
    const std::size_t n = cm.num_variables();
    double best = std::numeric_limits<double>::infinity();
    for (std::uint64_t bits = 0; bits < (std::uint64_t{1} << n); ++bits) {
        const auto x = sample_from_bits(vartype::binary, n, bits);
        bool ok = true;
        for (const Constraint& c : cm.constraints()) {
            std::int64_t lhs = 0;
            for (const int_term& t : c.terms()) lhs += t.coefficient * x[t.variable];
            ok = ok && (c.rel() == relation::equal ? lhs == c.rhs() : lhs <= c.rhs());
        }
        if (ok) best = std::min(best, cm.objective().energy(x));
    }
    return best;
}

/// Whether two sample sets hold the same samples, energies and counts in the same order.
inline bool same_samples(const SampleSet& a, const SampleSet& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t k = 0; k < a.size(); ++k) {
        const auto& x = a.entries()[k];
        const auto& y = b.entries()[k];
        if (x.sample != y.sample || x.energy != y.energy || x.count != y.count) return false;
    }
    return true;
}

} // namespace qcoach::test
