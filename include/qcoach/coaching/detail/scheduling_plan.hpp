#pragma once
/// @file
/// @brief Session scheduling, the plan: decode a sample into a timetable, check every hard
/// rule, report the preference score and the spread, repair an infeasible plan when asked, and
/// run the solver portfolio with one decoded plan per solver.
///
/// Repair (only on request, and the plan says so). Greedy, in three steps:
///   1. every session keeps its slot if the sample placed it exactly once; a session placed
///      zero or several times is taken out (pinned sessions always stay at their pin);
///   2. while a rule other than "scheduled once" is broken, the unpinned placed session that
///      appears in the most broken rules (ties: the lower score, then the later session) is
///      taken out;
///   3. the sessions taken out are put back one at a time, the one with the fewest possible
///      slots first (as DSATUR colours the most constrained vertex first), each at the slot
///      that adds the least violation, then has the highest score, then comes first.
/// Step 3 can leave violations when no slot is free; the plan then stays infeasible and its
/// report says which rules are still broken. Repair never moves a pinned session and never
/// uses a removed (unavailable or forbidden) placement.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "qcoach/coaching/detail/scheduling_encode.hpp"
#include "qcoach/coaching/portfolio.hpp"
#include "qcoach/coaching/report.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/qubo/constraints.hpp"

namespace qcoach::coaching {

/// How evenly a plan spreads the sessions.
struct spread_report {
    int max_coach_sessions_per_day = 0;   ///< most sessions one coach starts on one day
    std::string busiest_coach;            ///< that coach ("" when no coach has a session)
    int busiest_day = -1;                 ///< and that day
    std::optional<int> min_client_gap_days; ///< fewest days between two sessions of one client
    int days_used = 0;                    ///< distinct days with at least one session
};

/// A decoded schedule with its checks.
struct schedule_plan {
    /// Per session: the start slots where the sample has a 1 (exactly one in a feasible plan).
    std::vector<std::vector<std::size_t>> placements;
    /// Every broken hard rule by name and amount (empty: feasible).
    qubo::feasibility_report feasibility;
    long score = 0;            ///< preference score (sum over placements; higher is better)
    spread_report spread;
    bool repaired = false;     ///< the greedy repair changed this plan
    std::vector<std::string> repair_log; ///< what the repair did, one line per change

    bool feasible() const noexcept { return feasibility.feasible(); }
    /// The start slot of session s when it is placed exactly once.
    std::optional<std::size_t> slot_of(std::size_t s) const {
        if (s >= placements.size() || placements[s].size() != 1) return std::nullopt;
        return placements[s].front();
    }
};

namespace detail {

inline spread_report compute_spread(const schedule_encoding& e, const std::vector<std::vector<std::size_t>>& placements) {
    const scheduling_problem& p = e.problem();
    spread_report r;
    std::map<std::pair<std::size_t, int>, int> per_coach_day;
    std::map<std::size_t, std::vector<int>> client_days;
    std::set<int> days;
    for (std::size_t s = 0; s < placements.size(); ++s) {
        for (std::size_t t : placements[s]) {
            const int day = p.slots[t].day;
            days.insert(day);
            if (p.sessions[s].coach) {
                const int n = ++per_coach_day[{*p.sessions[s].coach, day}];
                if (n > r.max_coach_sessions_per_day) {
                    r.max_coach_sessions_per_day = n;
                    r.busiest_coach = p.coaches[*p.sessions[s].coach].id;
                    r.busiest_day = day;
                }
            }
            if (p.sessions[s].client) client_days[*p.sessions[s].client].push_back(day);
        }
    }
    for (auto& [c, list] : client_days) {
        std::sort(list.begin(), list.end());
        for (std::size_t k = 1; k < list.size(); ++k) {
            const int gap = list[k] - list[k - 1];
            if (!r.min_client_gap_days || gap < *r.min_client_gap_days) r.min_client_gap_days = gap;
        }
    }
    r.days_used = static_cast<int>(days.size());
    return r;
}

} // namespace detail

/// @brief The placement sample (one value per placement variable) of a plan.
inline std::vector<std::int8_t> plan_sample(const schedule_encoding& e, const std::vector<std::vector<std::size_t>>& placements) {
    const scheduling_problem& p = e.problem();
    if (placements.size() != p.sessions.size()) {
        throw value_error("a plan needs one placement list per session: got " + std::to_string(placements.size()) + " for " +
                          std::to_string(p.sessions.size()) + " sessions");
    }
    std::vector<std::int8_t> x(e.num_placement_variables(), 0);
    for (std::size_t s = 0; s < placements.size(); ++s) {
        for (std::size_t t : placements[s]) {
            if (t >= p.slots.size()) throw index_error("session " + p.sessions[s].id + ": slot index " + std::to_string(t) + " is out of range");
            const auto v = e.variable_of(s, t);
            if (!v) {
                throw value_error("session " + p.sessions[s].id + " cannot start at " + p.slots[t].id + ": " + e.reason(s, t));
            }
            x[*v] = 1;
        }
    }
    return x;
}

/// @brief Check and score given placements (per session, its start slots).
inline schedule_plan evaluate_plan(const schedule_encoding& e, std::vector<std::vector<std::size_t>> placements) {
    const std::vector<std::int8_t> x = plan_sample(e, placements);
    schedule_plan plan;
    plan.feasibility = e.constrained().check(x);
    for (std::size_t s = 0; s < placements.size(); ++s) {
        std::sort(placements[s].begin(), placements[s].end());
        for (std::size_t t : placements[s]) plan.score += e.placement(s, t).score;
    }
    plan.spread = detail::compute_spread(e, placements);
    plan.placements = std::move(placements);
    return plan;
}

/// @brief Decode a sample of the model (placement variables, optionally followed by the
/// slack variables, which are ignored) into a checked plan.
inline schedule_plan decode(const schedule_encoding& e, std::span<const std::int8_t> sample) {
    const std::span<const std::int8_t> x = e.constrained().original(sample);
    std::vector<std::vector<std::size_t>> placements(e.problem().sessions.size());
    for (qubo::var_t v = 0; v < x.size(); ++v)
        if (x[v]) placements[e.variable(v).session].push_back(e.variable(v).slot);
    return evaluate_plan(e, std::move(placements));
}

/// @brief Repair an infeasible plan with the greedy of the file comment. A feasible plan is
/// returned unchanged (repaired = false).
inline schedule_plan repair(const schedule_encoding& e, const schedule_plan& plan) {
    if (plan.feasible()) return plan;
    const scheduling_problem& p = e.problem();
    const std::size_t S = p.sessions.size();
    const auto cons = e.constrained().constraints();
    const auto& rules = e.rules();
    // Constraints (other than the one-hot rows) each placement variable appears in.
    std::vector<std::vector<std::size_t>> member(e.num_placement_variables());
    for (std::size_t c = 0; c < cons.size(); ++c) {
        if (rules[c] == rule_kind::scheduled_once) continue;
        for (const qubo::int_term& t : cons[c].terms()) member[t.variable].push_back(c);
    }
    std::vector<std::int64_t> lhs(cons.size(), 0);
    std::vector<std::optional<std::size_t>> at(S);
    std::vector<std::string> log;
    auto place = [&](std::size_t s, std::size_t t, int sign) {
        for (std::size_t c : member[*e.variable_of(s, t)]) lhs[c] += sign;
    };
    auto broken = [&](std::size_t c) { return lhs[c] > cons[c].rhs(); };

    // Step 1.
    for (std::size_t s = 0; s < S; ++s) {
        if (const auto pin = e.pinned_slot(s)) {
            at[s] = *pin;
        } else if (plan.placements[s].size() == 1) {
            at[s] = plan.placements[s].front();
        } else if (plan.placements[s].empty()) {
            log.push_back(p.sessions[s].id + ": was not scheduled");
        } else {
            std::string where;
            for (std::size_t t : plan.placements[s]) where += (where.empty() ? "" : ", ") + p.slots[t].id;
            log.push_back(p.sessions[s].id + ": was scheduled " + std::to_string(plan.placements[s].size()) + " times (" + where + ")");
        }
        if (at[s]) place(s, *at[s], +1);
    }
    std::vector<std::optional<std::size_t>> before(S); // where the plan had each session (once)
    for (std::size_t s = 0; s < S; ++s)
        if (plan.placements[s].size() == 1) before[s] = plan.placements[s].front();
    // Step 2.
    while (true) {
        std::size_t worst = no_index;
        std::size_t worst_count = 0;
        for (std::size_t s = 0; s < S; ++s) {
            if (!at[s] || e.pinned_slot(s)) continue;
            std::size_t count = 0;
            for (std::size_t c : member[*e.variable_of(s, *at[s])]) count += broken(c) ? 1 : 0;
            if (count == 0) continue;
            const bool better = count > worst_count ||
                                (count == worst_count && e.placement(s, *at[s]).score <= e.placement(worst, *at[worst]).score);
            if (better) {
                worst = s;
                worst_count = count;
            }
        }
        if (worst == no_index) break;
        place(worst, *at[worst], -1);
        at[worst].reset();
    }
    // Step 3: most constrained first.
    std::vector<std::size_t> out;
    for (std::size_t s = 0; s < S; ++s)
        if (!at[s]) out.push_back(s);
    std::stable_sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) {
        return e.one_hot_groups()[a].size() < e.one_hot_groups()[b].size();
    });
    for (std::size_t s : out) {
        std::size_t best = no_index;
        std::int64_t best_added = 0;
        int best_score = 0;
        for (qubo::var_t v : e.one_hot_groups()[s]) {
            const std::size_t t = e.variable(v).slot;
            std::int64_t added = 0;
            for (std::size_t c : member[v]) added += lhs[c] >= cons[c].rhs() ? 1 : 0;
            const int score = e.placement(s, t).score;
            if (best == no_index || added < best_added || (added == best_added && score > best_score)) {
                best = t;
                best_added = added;
                best_score = score;
            }
        }
        at[s] = best;
        place(s, best, +1);
    }
    std::vector<std::vector<std::size_t>> placements(S);
    for (std::size_t s = 0; s < S; ++s) {
        placements[s].push_back(*at[s]);
        if (before[s] == at[s]) continue;
        if (before[s]) log.push_back(p.sessions[s].id + ": moved from " + p.slots[*before[s]].id + " to " + p.slots[*at[s]].id);
        else log.push_back(p.sessions[s].id + ": placed at " + p.slots[*at[s]].id);
    }
    schedule_plan fixed = evaluate_plan(e, std::move(placements));
    fixed.repaired = true;
    fixed.repair_log = std::move(log);
    if (!fixed.feasible()) fixed.repair_log.push_back("the repair could not satisfy every rule (see the violations)");
    return fixed;
}

// ---- solving ---------------------------------------------------------------------------------

/// One solver's result on a schedule: the portfolio run and its decoded (maybe repaired) plan.
struct schedule_run {
    solver_run run;
    std::optional<schedule_plan> plan; ///< empty when the solver did not run
    bool was_infeasible = false;       ///< the decoded sample broke a rule (before any repair)
};

/// @brief Run the portfolio on the encoded schedule with the encoding's pins and decode every
/// sample. With `repair_infeasible`, an infeasible plan is repaired (and marked so).
inline std::vector<schedule_run> solve_schedule(const schedule_encoding& e, const portfolio_options& options,
                                                bool repair_infeasible = false) {
    std::vector<schedule_run> out;
    for (solver_run& r : run_portfolio(e.model(), e.pins(), options, &e.constrained())) {
        schedule_run sr;
        if (r.ran) {
            schedule_plan plan = decode(e, r.sample);
            sr.was_infeasible = !plan.feasible();
            if (sr.was_infeasible && repair_infeasible) plan = repair(e, plan);
            sr.plan = std::move(plan);
        }
        sr.run = std::move(r);
        out.push_back(std::move(sr));
    }
    return out;
}

/// @brief The comparison rows of schedule runs: objective = preference score (maximized).
inline std::vector<comparison_row> comparison_rows(const std::vector<schedule_run>& runs) {
    std::vector<comparison_row> rows;
    for (const schedule_run& r : runs) {
        comparison_row row;
        row.solver = r.run.solver;
        row.time_s = r.run.time_s;
        if (r.plan) {
            row.objective = static_cast<double>(r.plan->score);
            row.feasible = r.plan->feasible();
        }
        std::string note = r.run.chosen ? "chosen" : "";
        auto add = [&](const std::string& s) { note += (note.empty() ? "" : "; ") + s; };
        if (!r.run.ran) add("skipped: " + r.run.note);
        else if (!r.run.note.empty()) add(r.run.note);
        if (r.plan && r.plan->repaired) add("repaired");
        if (r.plan && !r.plan->feasible()) add(std::to_string(r.plan->feasibility.violations.size()) + " rule(s) broken");
        if (r.run.stopped_early) add("stopped early");
        row.note = note;
        rows.push_back(std::move(row));
    }
    return rows;
}

} // namespace qcoach::coaching
