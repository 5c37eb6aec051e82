#pragma once
// Independent references for the matching tests: random small problems and brute force over
// every assignment, written from the problem's definition and not from the library's plan code.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "qcoach/coaching/matching.hpp"
#include "qcoach/core/rng.hpp"

namespace qcoach::test {

/// A random problem of n clients and m coaches: values in 1..30, loads in 1..max_load,
/// capacities around the mean load, about `exclude` of the pairs excluded.
inline coaching::MatchingProblem random_matching(std::size_t n, std::size_t m, std::int64_t max_load, double exclude,
                                                 Rng& rng, bool allow_unassigned = false,
                                                 coaching::objective_sense sense = coaching::objective_sense::maximize) {
    std::vector<std::string> clients, coaches;
    std::vector<std::int64_t> caps;
    for (std::size_t c = 0; c < n; ++c) clients.push_back("client-" + std::to_string(c + 1));
    for (std::size_t k = 0; k < m; ++k) {
        coaches.push_back("coach-" + std::to_string(k + 1));
        // Room for about n/m clients of mean load, give or take one.
        const auto mean = static_cast<double>(n) / static_cast<double>(m) * (1.0 + static_cast<double>(max_load)) / 2.0;
        const auto base = static_cast<std::int64_t>(mean) + static_cast<std::int64_t>(rng.below(3)) - 1;
        caps.push_back(base > 0 ? base : 1);
    }
    coaching::MatchingProblem p(clients, coaches, caps, sense);
    for (std::size_t c = 0; c < n; ++c) {
        for (std::size_t k = 0; k < m; ++k) {
            p.set_value(c, k, static_cast<double>(1 + rng.below(30)));
            p.set_load(c, k, 1 + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(max_load))));
            if (rng.uniform() < exclude) p.exclude(c, k, "test exclusion");
        }
    }
    if (allow_unassigned) p.allow_unassigned(static_cast<double>(rng.below(5)));
    return p;
}

/// Every assignment (each client: one coach, or none when allowed), excluded pairs skipped.
/// Calls f(assignment) for each.
inline void for_each_assignment(const coaching::MatchingProblem& p,
                                const std::function<void(const std::vector<std::optional<std::size_t>>&)>& f) {
    std::vector<std::optional<std::size_t>> a(p.num_clients());
    std::function<void(std::size_t)> rec = [&](std::size_t c) {
        if (c == p.num_clients()) {
            f(a);
            return;
        }
        for (std::size_t k = 0; k < p.num_coaches(); ++k) {
            if (!p.allowed(c, k)) continue;
            a[c] = k;
            rec(c + 1);
        }
        if (p.unassigned_value()) {
            a[c].reset();
            rec(c + 1);
        }
    };
    rec(0);
}

/// Capacities hold (pins given as client -> coach must hold too).
inline bool assignment_feasible(const coaching::MatchingProblem& p, const std::vector<std::optional<std::size_t>>& a,
                                const std::vector<coaching::matching_pin>& pins = {}) {
    std::vector<std::int64_t> load(p.num_coaches(), 0);
    for (std::size_t c = 0; c < a.size(); ++c)
        if (a[c]) load[*a[c]] += p.load(c, *a[c]);
    for (std::size_t k = 0; k < p.num_coaches(); ++k)
        if (load[k] > p.capacity(k)) return false;
    for (const auto& pin : pins)
        if (a[pin.client] != pin.coach) return false;
    return true;
}

/// Total value of an assignment, summed directly.
inline double assignment_value(const coaching::MatchingProblem& p, const std::vector<std::optional<std::size_t>>& a) {
    double v = 0.0;
    for (std::size_t c = 0; c < a.size(); ++c) v += a[c] ? p.value(c, *a[c]) : p.unassigned_value().value_or(0.0);
    return v;
}

/// The best feasible value (max or min by the problem's sense), if any plan is feasible.
inline std::optional<double> brute_force_optimum(const coaching::MatchingProblem& p,
                                                 const std::vector<coaching::matching_pin>& pins = {}) {
    std::optional<double> best;
    for_each_assignment(p, [&](const std::vector<std::optional<std::size_t>>& a) {
        if (!assignment_feasible(p, a, pins)) return;
        const double v = assignment_value(p, a);
        if (!best || (p.maximize() ? v > *best : v < *best)) best = v;
    });
    return best;
}

} // namespace qcoach::test
