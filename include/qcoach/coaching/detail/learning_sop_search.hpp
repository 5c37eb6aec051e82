#pragma once
/// @file
/// @brief Sequence mode without the QUBO: the repair of an infeasible order (only on request),
/// an exact dynamic program for small instances and an iterated local search for any size.
/// Both dedicated methods stand beside the QUBO solvers under their own names.
///
/// Dynamic program (solve_sequence_dp), after Held & Karp (1962) restricted to
/// precedence-closed sets: f(A, j) = least cost of an order of the set A (closed under
/// prerequisites) that ends with j; f(A + {j}, j) = min_i f(A, i) + c(i, j) + w(j) (|A| + 1)
/// over j whose prerequisites are all in A and whose domain allows position |A| + 1. O(2^k k^2)
/// time and 2^k k values: up to k = 18 free nodes by default (ESC07, ESC11, ESC12; ESC25 would
/// need 2^25 x 25 values).
///
/// Local search (search_sequence): start from a greedy order (at each position the allowed,
/// available module with the cheapest transition), then move blocks of 1 to 3 consecutive
/// modules to another place while the cost drops (an Or-opt neighbourhood; a block may not
/// jump over a module it is ordered with, and every module that shifts must stay in its
/// domain, so prerequisites, pins and forbids always hold); perturb the best order with a few
/// random valid block moves and search again (iterated local search, Lourenco, Martin and
/// Stuetzle 2003). Randomness from Rng::stream(seed, round).
///
/// Repair (repair_sequence): modules get a key, their first decoded position (unplaced ones go
/// last, in index order); positions are filled in turn with the pinned module, or else the
/// available module (all prerequisites placed) of smallest key that the position allows.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "qcoach/coaching/detail/learning_sequence_model.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/rng.hpp"

namespace qcoach::coaching {

namespace detail {

/// Cost of a complete order (no checks).
inline std::int64_t order_cost(const SequencingProblem& p, const std::vector<std::size_t>& o) {
    std::int64_t c = p.start_cost(o.front()) + p.end_cost(o.back());
    for (std::size_t q = 0; q < o.size(); ++q) {
        c += p.position_weight(o[q]) * static_cast<std::int64_t>(q + 1);
        if (q + 1 < o.size()) c += p.transition(o[q], o[q + 1]);
    }
    return c;
}

/// Whether a complete order keeps every prerequisite and every item in its domain.
inline bool order_valid(const SequencingProblem& p, const sequence_domain& d, const std::vector<std::size_t>& o,
                        std::vector<std::size_t>& pos) {
    for (std::size_t q = 0; q < o.size(); ++q) {
        if (!d.allowed(o[q], q)) return false;
        pos[o[q]] = q;
    }
    for (std::size_t b = 0; b < o.size(); ++b)
        for (std::size_t a : p.graph().predecessors(b))
            if (pos[a] > pos[b]) return false;
    return true;
}

} // namespace detail

/// @brief Repair a decoded order (see the file comment).
inline sequence_plan repair_sequence(const SequencingProblem& p, const sequence_domain& d, const sequence_plan& broken) {
    const std::size_t k = p.size();
    if (broken.at_position.size() != k) throw value_error("the plan has the wrong number of positions");
    std::vector<std::size_t> key(k, unplaced);
    for (std::size_t q = 0; q < k; ++q)
        for (std::size_t a : broken.at_position[q]) key[a] = std::min(key[a], q);
    for (std::size_t a = 0; a < k; ++a)
        if (key[a] == unplaced) key[a] = k + a;
    std::vector<bool> placed(k, false);
    std::vector<std::size_t> order;
    for (std::size_t q = 0; q < k; ++q) {
        std::size_t pick = p.pinned_item(q);
        if (pick == unplaced || placed[pick]) {
            pick = unplaced;
            bool pick_allowed = false;
            for (std::size_t a = 0; a < k; ++a) {
                if (placed[a] || p.pinned_position(a) != unplaced) continue;
                bool ready = true;
                for (std::size_t b : p.graph().predecessors(a)) ready = ready && placed[b];
                if (!ready) continue;
                const bool ok = d.allowed(a, q);
                if (pick == unplaced || (ok && !pick_allowed) || (ok == pick_allowed && key[a] < key[pick])) {
                    pick = a;
                    pick_allowed = ok;
                }
            }
            if (pick == unplaced) // only pinned modules are left: take the first of them
                for (std::size_t a = 0; a < k && pick == unplaced; ++a)
                    if (!placed[a]) pick = a;
        }
        placed[pick] = true;
        order.push_back(pick);
    }
    sequence_plan out = sequence_plan::from_order(order);
    out.repaired = true;
    for (std::size_t q = 0; q < k; ++q) {
        const auto& was = broken.at_position[q];
        if (was.size() == 1 && was[0] == order[q]) continue;
        std::string who;
        for (std::size_t a : was) who += (who.empty() ? "" : ", ") + p.id(a);
        out.repairs.push_back("position " + std::to_string(q + 1) + ": " + p.id(order[q]) + " (the sample had " +
                              (who.empty() ? "nothing" : who) + ")");
    }
    return out;
}

/// Budget of the dedicated sequence methods.
struct sequence_search_options {
    std::uint64_t seed = 0;
    std::size_t rounds = 0;         ///< local search perturbation rounds; 0: 200 + 40 k
    double time_limit_s = 0.0;      ///< 0: none
    std::size_t dp_max_items = 18;  ///< the dynamic program refuses larger instances (at most 20)
    std::function<bool(std::size_t, std::size_t, double)> progress; ///< (done, total, best); false stops
};

struct sequence_search_result {
    std::vector<std::size_t> order; ///< empty when none was found
    std::int64_t cost = 0;
    double time_s = 0.0;
    bool proven_optimal = false;
    bool stopped_early = false;
};

/// @brief Exact dynamic program over precedence-closed sets (see the file comment). Throws
/// value_error above options.dp_max_items items.
inline sequence_search_result solve_sequence_dp(const SequencingProblem& p, const sequence_domain& d,
                                                const sequence_search_options& o = {}) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::size_t k = p.size();
    if (k > o.dp_max_items || k > 20)
        throw value_error("the dynamic program handles at most " + std::to_string(std::min<std::size_t>(o.dp_max_items, 20)) +
                          " modules; this sequence has " + std::to_string(k));
    constexpr std::int64_t inf = std::numeric_limits<std::int64_t>::max() / 4;
    const std::size_t states = std::size_t{1} << k;
    std::vector<std::int64_t> f(states * k, inf);
    std::vector<std::uint32_t> pred_mask(k, 0);
    for (std::size_t b = 0; b < k; ++b)
        for (std::size_t a : p.graph().predecessors(b)) pred_mask[b] |= std::uint32_t{1} << a;
    for (std::size_t j = 0; j < k; ++j)
        if (pred_mask[j] == 0 && d.allowed(j, 0)) f[(std::size_t{1} << j) * k + j] = p.start_cost(j) + p.position_weight(j);
    for (std::size_t A = 1; A < states; ++A) {
        const auto size = static_cast<std::size_t>(__builtin_popcountll(A));
        if (size == k) continue;
        for (std::size_t i = 0; i < k; ++i) {
            const std::int64_t fi = f[A * k + i];
            if (fi >= inf) continue;
            for (std::size_t j = 0; j < k; ++j) {
                if ((A >> j) & 1U) continue;
                if ((pred_mask[j] & A) != pred_mask[j] || !d.allowed(j, size)) continue;
                const std::int64_t v = fi + p.transition(i, j) + p.position_weight(j) * static_cast<std::int64_t>(size + 1);
                std::int64_t& slot = f[(A | (std::size_t{1} << j)) * k + j];
                if (v < slot) slot = v;
            }
        }
    }
    sequence_search_result r;
    const std::size_t full = states - 1;
    std::int64_t best = inf;
    std::size_t last = unplaced;
    for (std::size_t j = 0; j < k; ++j)
        if (f[full * k + j] < inf && f[full * k + j] + p.end_cost(j) < best) {
            best = f[full * k + j] + p.end_cost(j);
            last = j;
        }
    if (last != unplaced) {
        // Walk back: the predecessor i of j in A is one whose value plus the step gives f(A, j).
        std::vector<std::size_t> rev{last};
        std::size_t A = full, j = last;
        while (A != (std::size_t{1} << j)) {
            const std::size_t B = A & ~(std::size_t{1} << j);
            const auto pos = static_cast<std::int64_t>(__builtin_popcountll(B)) + 1;
            std::size_t found = unplaced;
            for (std::size_t i = 0; i < k && found == unplaced; ++i)
                if (((B >> i) & 1U) && f[B * k + i] < inf &&
                    f[B * k + i] + p.transition(i, j) + p.position_weight(j) * pos == f[A * k + j])
                    found = i;
            rev.push_back(found);
            A = B;
            j = found;
        }
        r.order.assign(rev.rbegin(), rev.rend());
        r.cost = best;
        r.proven_optimal = true;
    }
    r.time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

/// @brief The dedicated iterated local search (see the file comment).
inline sequence_search_result search_sequence(const SequencingProblem& p, const sequence_domain& d,
                                              const sequence_search_options& o = {}) {
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(clock::now() - t0).count(); };
    const std::size_t k = p.size();
    sequence_search_result r;
    // Greedy start.
    std::vector<std::size_t> order;
    {
        std::vector<bool> placed(k, false);
        for (std::size_t q = 0; q < k; ++q) {
            std::size_t pick = unplaced;
            std::int64_t best = 0;
            for (std::size_t a = 0; a < k; ++a) {
                if (placed[a] || !d.allowed(a, q)) continue;
                bool ready = true;
                for (std::size_t b : p.graph().predecessors(a)) ready = ready && placed[b];
                if (!ready) continue;
                const std::int64_t c = (q == 0 ? p.start_cost(a) : p.transition(order.back(), a)) +
                                       p.position_weight(a) * static_cast<std::int64_t>(q + 1);
                if (pick == unplaced || c < best) {
                    pick = a;
                    best = c;
                }
            }
            if (pick == unplaced) break;
            placed[pick] = true;
            order.push_back(pick);
        }
        if (order.size() < k) { // the greedy walked into a dead end: fall back to the repair order
            sequence_plan empty;
            empty.at_position.resize(k);
            order = repair_sequence(p, d, empty).order();
        }
    }
    std::vector<std::size_t> pos(k);
    if (order.size() != k || !detail::order_valid(p, d, order, pos)) {
        r.time_s = elapsed();
        return r; // no valid start: report nothing found
    }
    // Block move: take order[i..i+len) out and reinsert it so that it starts at index j of the
    // remaining sequence.
    std::vector<std::size_t> trial(k), rest;
    auto apply = [&](const std::vector<std::size_t>& src, std::size_t i, std::size_t len, std::size_t j) {
        rest.clear();
        for (std::size_t q = 0; q < k; ++q)
            if (q < i || q >= i + len) rest.push_back(src[q]);
        trial.clear();
        trial.insert(trial.end(), rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(j));
        trial.insert(trial.end(), src.begin() + static_cast<std::ptrdiff_t>(i), src.begin() + static_cast<std::ptrdiff_t>(i + len));
        trial.insert(trial.end(), rest.begin() + static_cast<std::ptrdiff_t>(j), rest.end());
    };
    auto descend = [&](std::vector<std::size_t>& cur, std::int64_t& cost) {
        for (bool improved = true; improved;) {
            improved = false;
            for (std::size_t len = 1; len <= 3 && len < k; ++len)
                for (std::size_t i = 0; i + len <= k; ++i)
                    for (std::size_t j = 0; j + len <= k; ++j) {
                        if (j == i) continue;
                        apply(cur, i, len, j);
                        if (!detail::order_valid(p, d, trial, pos)) continue;
                        const std::int64_t c = detail::order_cost(p, trial);
                        if (c < cost) {
                            cur = trial;
                            cost = c;
                            improved = true;
                        }
                    }
        }
    };
    std::int64_t cost = detail::order_cost(p, order);
    descend(order, cost);
    std::vector<std::size_t> best = order;
    std::int64_t best_cost = cost;
    const std::size_t rounds = o.rounds ? o.rounds : 200 + 40 * k;
    for (std::size_t round = 1; round <= rounds && k > 1; ++round) {
        if (o.time_limit_s > 0 && elapsed() >= o.time_limit_s) {
            r.stopped_early = true;
            break;
        }
        Rng rng = Rng::stream(o.seed, round);
        std::vector<std::size_t> cur = best;
        const std::size_t kicks = 2 + rng.below(3);
        for (std::size_t t = 0, done = 0; t < 20 * kicks && done < kicks; ++t) {
            const std::size_t len = 1 + rng.below(std::min<std::size_t>(3, k - 1));
            const std::size_t i = rng.below(k - len + 1), j = rng.below(k - len + 1);
            if (i == j) continue;
            apply(cur, i, len, j);
            if (!detail::order_valid(p, d, trial, pos)) continue;
            cur = trial;
            ++done;
        }
        std::int64_t c = detail::order_cost(p, cur);
        descend(cur, c);
        if (c <= best_cost) {
            best = cur;
            best_cost = c;
        }
        if (o.progress && !o.progress(round, rounds, static_cast<double>(best_cost))) {
            r.stopped_early = true;
            break;
        }
    }
    r.order = best;
    r.cost = best_cost;
    r.time_s = elapsed();
    return r;
}

} // namespace qcoach::coaching
