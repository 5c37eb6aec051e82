#pragma once
/// @file
/// @brief Greedy repair of an infeasible plan, used only when the person asks for it.
///
/// A solver's sample may break hard constraints (a client with no coach or two, a coach over
/// capacity). It is reported as infeasible; repair_plan makes a feasible plan from it when it
/// can, records every change in plan.repair_log and sets plan.repaired, so a repaired plan is
/// never mistaken for what the solver returned. Steps, in order:
///   1. pinned clients get their pinned coach;
///   2. excluded pairs are dropped;
///   3. a client with several coaches keeps the one of highest gain;
///   4. while a coach is over capacity, the one of its unpinned clients whose move costs least
///      leaves it: to its best other allowed coach with room, or to "unassigned" when that is
///      allowed and costs less; when no client can move anywhere, the client of least gain per
///      unit of load is taken off and placed in step 5;
///   5. each client without a coach that needs one (fewest allowed coaches first; when clients
///      may stay unassigned, only those step 4 took off) goes to its best allowed
///      coach with room; failing that, to a coach made room on by moving one other unpinned client
///      to a coach with room (a one-step ejection, best total gain); failing that it stays
///      unassigned: allowed, or logged as "could not place", and the plan stays infeasible.
/// Greedy and local: a repaired plan is feasible when step 5 places everyone, but not optimal.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "qcoach/coaching/detail/matching_problem.hpp"
#include "qcoach/qubo/detail/format.hpp"

namespace qcoach::coaching {

/// @brief The plan made feasible by the greedy steps of the file comment (or as close as they
/// get), with the pins kept and every change logged.
inline matching_plan repair_plan(const MatchingProblem& p, const matching_plan& plan, std::span<const matching_pin> pins = {}) {
    const std::vector<matching_pin> ps = check_pins(p, pins);
    if (plan.coaches.size() != p.num_clients()) {
        throw value_error("the plan has " + std::to_string(plan.coaches.size()) + " clients; the problem has " +
                          std::to_string(p.num_clients()));
    }
    const std::size_t n = p.num_clients(), m = p.num_coaches();
    const auto num = [](double v) { return qubo::detail::format_number(v); };
    matching_plan out = plan;
    std::vector<std::string>& log = out.repair_log;
    const std::size_t log_start = log.size();
    std::vector<bool> pinned(n, false);
    for (const matching_pin& pin : ps) {
        pinned[pin.client] = true;
        auto& ks = out.coaches[pin.client];
        if (ks.size() != 1 || ks[0] != pin.coach) {
            log.push_back(p.client_id(pin.client) + ": set to its pinned coach " + p.coach_id(pin.coach));
            ks.assign(1, pin.coach);
        }
    }
    for (std::size_t c = 0; c < n; ++c) {
        auto& ks = out.coaches[c];
        for (std::size_t i = 0; i < ks.size();) {
            if (ks[i] < m && p.allowed(c, ks[i])) {
                ++i;
                continue;
            }
            log.push_back(p.client_id(c) + ": dropped " + (ks[i] < m ? p.coach_id(ks[i]) + " (" + p.exclusion(c, ks[i]) + ")"
                                                                      : "coach index " + std::to_string(ks[i])));
            ks.erase(ks.begin() + static_cast<std::ptrdiff_t>(i));
        }
        if (ks.size() > 1) {
            const std::size_t keep = *std::max_element(ks.begin(), ks.end(), [&](std::size_t a, std::size_t b) {
                return p.gain(c, a) < p.gain(c, b);
            });
            log.push_back(p.client_id(c) + ": had " + std::to_string(ks.size()) + " coaches; kept " + p.coach_id(keep) + " (" +
                          num(p.value(c, keep)) + ")");
            ks.assign(1, keep);
        }
    }
    std::vector<std::int64_t> load(m, 0);
    for (std::size_t c = 0; c < n; ++c)
        for (std::size_t k : out.coaches[c]) load[k] += p.load(c, k);
    const auto room = [&](std::size_t c, std::size_t k) { return load[k] + p.load(c, k) <= p.capacity(k); };
    const bool may_skip = p.unassigned_value().has_value();
    const double none_gain = p.unassigned_gain();
    const auto move = [&](std::size_t c, std::optional<std::size_t> to) {
        for (std::size_t k : out.coaches[c]) load[k] -= p.load(c, k);
        out.coaches[c].clear();
        if (to) {
            out.coaches[c].push_back(*to);
            load[*to] += p.load(c, *to);
        }
    };

    std::vector<std::size_t> unplaced;
    for (std::size_t k = 0; k < m; ++k) {
        while (load[k] > p.capacity(k)) {
            double best_loss = std::numeric_limits<double>::infinity();
            std::optional<std::size_t> who, where;
            bool to_none = false;
            for (std::size_t c = 0; c < n; ++c) {
                if (pinned[c] || out.coach_of(c) != k) continue;
                for (std::size_t k2 = 0; k2 < m; ++k2) {
                    if (k2 == k || !p.allowed(c, k2) || !room(c, k2)) continue;
                    const double loss = p.gain(c, k) - p.gain(c, k2);
                    if (loss < best_loss) {
                        best_loss = loss;
                        who = c;
                        where = k2;
                        to_none = false;
                    }
                }
                if (may_skip && p.gain(c, k) - none_gain < best_loss) {
                    best_loss = p.gain(c, k) - none_gain;
                    who = c;
                    where.reset();
                    to_none = true;
                }
            }
            if (who) {
                move(*who, where);
                log.push_back(p.client_id(*who) + ": moved off over-full " + p.coach_id(k) + " to " +
                              (to_none ? std::string("unassigned") : p.coach_id(*where)) + " (loses " + num(best_loss) + ")");
                continue;
            }
            // Nobody can move: take off the client of least gain per unit of load.
            std::optional<std::size_t> victim;
            double worst = std::numeric_limits<double>::infinity();
            for (std::size_t c = 0; c < n; ++c) {
                if (pinned[c] || out.coach_of(c) != k) continue;
                const double per_unit = p.gain(c, k) / static_cast<double>(std::max<std::int64_t>(1, p.load(c, k)));
                if (per_unit < worst) {
                    worst = per_unit;
                    victim = c;
                }
            }
            if (!victim) break; // only pinned clients left: check_pins keeps them within capacity
            move(*victim, std::nullopt);
            unplaced.push_back(*victim);
            log.push_back(p.client_id(*victim) + ": taken off over-full " + p.coach_id(k));
        }
    }

    // Clients left without a coach: a broken row when clients may not stay unassigned, else only
    // those step 4 took off (an unassigned client of a plan that allows it breaks nothing).
    std::vector<std::size_t> todo;
    for (std::size_t c = 0; c < n; ++c) {
        const bool taken_off = std::find(unplaced.begin(), unplaced.end(), c) != unplaced.end();
        if (out.coaches[c].empty() && !pinned[c] && (!may_skip || taken_off)) todo.push_back(c);
    }
    std::stable_sort(todo.begin(), todo.end(),
                     [&](std::size_t a, std::size_t b) { return p.allowed_coaches(a).size() < p.allowed_coaches(b).size(); });
    for (std::size_t c : todo) {
        std::optional<std::size_t> best;
        for (std::size_t k : p.allowed_coaches(c))
            if (room(c, k) && (!best || p.gain(c, k) > p.gain(c, *best))) best = k;
        // Staying unassigned (when allowed) is better if no coach with room is worth more.
        if (best && may_skip && none_gain >= p.gain(c, *best)) best.reset();
        if (best) {
            move(c, *best);
            log.push_back(p.client_id(c) + ": placed on " + p.coach_id(*best) + " (" + num(p.value(c, *best)) + ")");
            continue;
        }
        // One-step ejection: move one unpinned client d from coach k to a coach k2 with room so
        // that c fits on k.
        double best_total = -std::numeric_limits<double>::infinity();
        std::size_t bk = 0, bd = 0, bk2 = 0;
        bool found = false;
        for (std::size_t k : p.allowed_coaches(c)) {
            for (std::size_t d = 0; d < n; ++d) {
                if (pinned[d] || out.coach_of(d) != k) continue;
                if (load[k] - p.load(d, k) + p.load(c, k) > p.capacity(k)) continue;
                for (std::size_t k2 = 0; k2 < m; ++k2) {
                    if (k2 == k || !p.allowed(d, k2) || !room(d, k2)) continue;
                    const double total = p.gain(c, k) + p.gain(d, k2) - p.gain(d, k);
                    if (total > best_total) {
                        best_total = total;
                        bk = k;
                        bd = d;
                        bk2 = k2;
                        found = true;
                    }
                }
            }
        }
        if (found && !(may_skip && none_gain >= best_total)) {
            move(bd, bk2);
            move(c, bk);
            log.push_back(p.client_id(bd) + ": moved from " + p.coach_id(bk) + " to " + p.coach_id(bk2) + " to make room");
            log.push_back(p.client_id(c) + ": placed on " + p.coach_id(bk) + " (" + num(p.value(c, bk)) + ")");
            continue;
        }
        log.push_back(p.client_id(c) + (may_skip ? ": left unassigned (no allowed coach with room)"
                                                 : ": could not place (no allowed coach with room); the plan stays infeasible"));
    }
    out.repaired = out.repaired || log.size() > log_start;
    return out;
}

} // namespace qcoach::coaching
