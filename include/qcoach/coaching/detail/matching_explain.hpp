#pragma once
/// @file
/// @brief Why each client got its coach: the scores and constraints that decided it, and what
/// would change it.
///
/// For client c on coach k the explanation gives
///   - its value v_ck, and the next-best allowed coach with its value (the margin of the choice);
///   - whether a person pinned it (then the pin, not capacity or scores, decided: no what-if);
///   - every allowed coach with a better value, split into those that are full (their load plus
///     c's load would exceed their capacity: capacity bound the choice) and those with room (then
///     moving c there alone improves the plan: the plan is not locally optimal, which a heuristic
///     solver's plan can be);
///   - the excluded coaches with the reason (no shared language, forbidden, ...);
///   - for the best full coach k', a what-if: with e = load_k' + r_ck' - b_k' more units of
///     capacity on k', moving c there and changing nothing else gives a feasible plan better by
///     exactly g_ck' - g_ck. That is a local argument: it holds for this plan whatever solver made
///     it. With unit loads the explanation also re-solves exactly (min-cost flow, with the pins)
///     with and without the extra capacity and reports the change of the optimum and whether c
///     is on k' in the new optimal plan: a re-solve may give the new room to another client.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "qcoach/coaching/detail/matching_flow.hpp"
#include "qcoach/coaching/detail/matching_problem.hpp"
#include "qcoach/qubo/detail/format.hpp"

namespace qcoach::coaching {

/// @brief What extra capacity on a better coach would do (see the file comment).
struct capacity_what_if {
    std::size_t coach = 0;        ///< the better, full coach
    std::int64_t extra = 0;       ///< units of capacity it lacks for the client
    double local_gain = 0.0;      ///< gain of moving the client alone (exact for this plan)
    /// Exact re-solve (unit loads): optimum with the extra capacity minus optimum without.
    std::optional<double> resolved_gain;
    /// Whether the client is on that coach in the re-solved optimal plan.
    std::optional<bool> moves_in_resolve;
};

/// @brief The explanation of one client's assignment.
struct client_explanation {
    std::size_t client = 0;
    std::optional<std::size_t> coach;       ///< empty: unassigned or several (see `conflict`)
    bool conflict = false;                  ///< the plan gives the client several coaches
    bool pinned = false;
    double value = 0.0;                     ///< value of the chosen pair (or of staying unassigned)
    std::optional<std::size_t> runner_up;   ///< best other allowed coach
    double runner_up_value = 0.0;
    std::vector<std::size_t> better_full;   ///< better coaches without room (capacity decided)
    std::vector<std::size_t> better_with_room; ///< better coaches with room (not locally optimal)
    std::optional<capacity_what_if> what_if;
    std::vector<std::pair<std::size_t, std::string>> excluded; ///< coach and reason
    std::string text;                       ///< the explanation for a person
};

/// @brief Options of explain_plan.
struct explain_options {
    /// Optional text for a pair's value, e.g. its score breakdown (matching_features.hpp).
    std::function<std::string(std::size_t client, std::size_t coach)> describe_pair;
    /// Re-solve exactly when every allowed pair has load 1 (min-cost flow per what-if).
    bool resolve = true;
};

/// @brief Explain every client's assignment in `plan` (see the file comment).
inline std::vector<client_explanation> explain_plan(const MatchingProblem& p, const matching_plan& plan,
                                                    std::span<const matching_pin> pins = {},
                                                    const explain_options& options = {}) {
    const std::vector<matching_pin> ps = check_pins(p, pins);
    const objective_report rep = report_objective(p, plan);
    const std::size_t n = p.num_clients(), m = p.num_coaches();
    const bool maximize = p.maximize();
    const auto num = [](double v) { return qubo::detail::format_number(v); };
    // "gain 4 points" / "save 4": the size of an improvement in the problem's own terms.
    const auto improve = [&](double gain) {
        return maximize ? "gain " + num(gain) + " point" + (gain == 1.0 ? "" : "s") : "save " + num(gain) + " in cost";
    };
    const bool exact = options.resolve && p.unit_loads();
    std::optional<double> optimum;
    if (exact) {
        const flow_result f = solve_min_cost_flow(p, ps);
        if (f.all_placed) optimum = f.objective;
    }
    std::vector<std::int64_t> load(m);
    for (std::size_t k = 0; k < m; ++k) load[k] = rep.loads[k].load;

    std::vector<client_explanation> out;
    for (std::size_t c = 0; c < n; ++c) {
        client_explanation e;
        e.client = c;
        const auto& ks = plan.coaches[c];
        e.conflict = ks.size() > 1;
        if (ks.size() == 1) e.coach = ks[0];
        for (const matching_pin& pin : ps) e.pinned = e.pinned || pin.client == c;
        for (std::size_t k = 0; k < m; ++k)
            if (!p.allowed(c, k)) e.excluded.emplace_back(k, p.exclusion(c, k));
        const std::string& cid = p.client_id(c);
        std::string t = cid + " -> ";
        if (e.conflict) {
            for (std::size_t i = 0; i < ks.size(); ++i) t += (i ? " + " : "") + p.coach_id(ks[i]);
            t += ": several coaches; the plan breaks \"" + client_constraint_name(cid) + "\".";
            e.text = t;
            out.push_back(std::move(e));
            continue;
        }
        const double own_gain = e.coach ? p.gain(c, *e.coach) : p.unassigned_gain();
        e.value = e.coach ? p.value(c, *e.coach) : p.unassigned_value().value_or(0.0);
        for (std::size_t k = 0; k < m; ++k) {
            if (!p.allowed(c, k) || (e.coach && k == *e.coach)) continue;
            if (!e.runner_up || p.gain(c, k) > p.gain(c, *e.runner_up)) e.runner_up = k;
            if (!(p.gain(c, k) > own_gain)) continue;
            (load[k] + p.load(c, k) > p.capacity(k) ? e.better_full : e.better_with_room).push_back(k);
        }
        if (e.runner_up) e.runner_up_value = p.value(c, *e.runner_up);
        const auto by_gain = [&](std::size_t a, std::size_t b) { return p.gain(c, a) > p.gain(c, b); };
        std::sort(e.better_full.begin(), e.better_full.end(), by_gain);
        std::sort(e.better_with_room.begin(), e.better_with_room.end(), by_gain);

        if (e.coach) {
            t += p.coach_id(*e.coach) + " (" + num(e.value);
            if (options.describe_pair) t += ": " + options.describe_pair(c, *e.coach);
            t += ")";
        } else {
            t += "unassigned";
            if (p.unassigned_value()) t += " (" + num(e.value) + ")";
        }
        t += e.pinned ? ": pinned by a person." : ".";
        if (e.coach) {
            t += " " + p.coach_id(*e.coach) + " carries " + std::to_string(load[*e.coach]) + " of " +
                 std::to_string(p.capacity(*e.coach)) + " units.";
        }
        if (e.pinned) {
            // The pin decided; capacity and scores did not, so no what-if is offered.
            std::vector<std::size_t> better = e.better_full;
            better.insert(better.end(), e.better_with_room.begin(), e.better_with_room.end());
            std::sort(better.begin(), better.end(), by_gain);
            if (!better.empty()) {
                t += " Without the pin its best allowed coach is " + p.coach_id(better.front()) + " (" +
                     num(p.value(c, better.front())) + ").";
            }
            e.better_full.clear();
            e.better_with_room.clear();
        } else if (e.better_full.empty() && e.better_with_room.empty()) {
            if (e.coach) t += " It is " + cid + "'s best allowed coach";
            else t += " No allowed coach is worth more than staying unassigned";
            if (e.runner_up) {
                t += "; next best " + p.coach_id(*e.runner_up) + " (" + num(e.runner_up_value) + ", " +
                     num(std::abs(own_gain - p.gain(c, *e.runner_up))) + (maximize ? " lower)." : " costlier).");
            } else {
                t += "; no other coach is allowed.";
            }
        }
        if (!e.better_full.empty()) {
            t += " Better but full: ";
            for (std::size_t i = 0; i < e.better_full.size(); ++i) {
                const std::size_t k = e.better_full[i];
                t += (i ? ", " : "") + p.coach_id(k) + " (" + num(p.value(c, k)) + "; " + std::to_string(load[k]) + " of " +
                     std::to_string(p.capacity(k)) + " units used, " + cid + " needs " + std::to_string(p.load(c, k)) + ")";
            }
            t += ": capacity decided this choice.";
            const std::size_t k = e.better_full.front();
            capacity_what_if w;
            w.coach = k;
            // Moving c off its own coach frees nothing on k, so k needs exactly this much more.
            w.extra = load[k] + p.load(c, k) - p.capacity(k);
            w.local_gain = p.gain(c, k) - own_gain;
            t += " If " + p.coach_id(k) + " had " + std::to_string(w.extra) + " more unit" + (w.extra == 1 ? "" : "s") +
                 " of capacity, moving " + cid + " there (nothing else changes) would " + improve(w.local_gain);
            if (optimum) {
                MatchingProblem bigger = p;
                bigger.set_capacity(k, p.capacity(k) + w.extra);
                const flow_result f = solve_min_cost_flow(bigger, ps);
                const double delta = maximize ? f.objective - *optimum : *optimum - f.objective;
                w.resolved_gain = delta;
                w.moves_in_resolve = f.plan.coach_of(c) == k;
                t += "; re-solved exactly with that capacity, the best plan would " + improve(delta) +
                     (*w.moves_in_resolve ? " with " + cid + " on " + p.coach_id(k)
                                          : " but " + cid + " would not be the one to move to " + p.coach_id(k));
            }
            t += ".";
            e.what_if = w;
        }
        if (!e.better_with_room.empty()) {
            const std::size_t k = e.better_with_room.front();
            t += " " + p.coach_id(k) + " is better (" + num(p.value(c, k)) + ") and has room: moving " + cid +
                 " there would " + improve(p.gain(c, k) - own_gain) + " (this plan is not locally optimal).";
        }
        if (!e.excluded.empty()) {
            t += " Excluded: ";
            for (std::size_t i = 0; i < e.excluded.size(); ++i) {
                t += (i ? ", " : "") + p.coach_id(e.excluded[i].first) + " (" + e.excluded[i].second + ")";
            }
            t += ".";
        }
        e.text = std::move(t);
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace qcoach::coaching
