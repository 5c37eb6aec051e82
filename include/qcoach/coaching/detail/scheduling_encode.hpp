#pragma once
/// @file
/// @brief Session scheduling as a constrained binary model: one variable x_{s,t} per session s
/// and start slot t that the hard data allow, named constraints, preference objective.
///
/// Variables. x_{s,t} = 1 means session s starts at slot t. A placement gets no variable when
/// the session does not fit there (a needed consecutive slot is missing), when its client or
/// coach is unavailable at one of the occupied slots, or when a person forbade it: removing the
/// variable is the strongest way to make every solver respect it. A pinned session keeps its
/// variables, and all of them are pinned (1 at the pinned slot, 0 elsewhere) through
/// qubo::fix_variables in the portfolio.
///
/// Objective (minimized): -sum_{s,t} score(s,t) x_{s,t}, with score from preference_weights.
///
/// Constraints (qubo/constraints.hpp; their names are what a feasibility report shows):
///   "session s-3 is scheduled once"                  one-hot over the session's variables
///   "coach coach-2 not double-booked at mon-09"      at-most-one over every x_{s,t} of the coach
///   "client client-07 not double-booked at mon-09"   whose session occupies mon-09 (lengths
///                                                    > 1 included); same for clients
///   "sessions s-1 and s-2 not both at mon-09"        explicit conflicts, at-most-one
///   "client client-07 sessions s-1 at mon-09 and s-4 at mon-14 too close"
///                                                    spacing, one pairwise penalty per pair of
///                                                    placements that are too close
///   "coach coach-2 at most 3 sessions on wed"        caps per day and per week, at-most-k with
///   "client client-07 at most 1 session in week 2"   slack bits (at-most-one when k = 1)
/// Rows that can never be violated given the one-hot rows (fewer distinct sessions than the
/// cap allows, a slot covered by one session only) are not added.
///
/// Penalty weights. By default ConstrainedModel::weights (penalty.hpp) picks them. Every row
/// here shares variables with a one-hot row, so the objective-range bound applies: P = R + 1
/// with R = sum of |score(s,t)| (the scores are integers), which makes every minimizer of the
/// penalized model a feasible schedule with the best score. The chosen weight and its reason
/// are reported per constraint (schedule_encoding::weights()). A caller may set one weight for
/// all rows instead (encode_options), without the guarantee.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "qcoach/coaching/detail/scheduling_problem.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/qubo/constraints.hpp"
#include "qcoach/qubo/fix.hpp"
#include "qcoach/qubo/model.hpp"
#include "qcoach/qubo/penalty.hpp"

namespace qcoach::coaching {

/// Why a session can or cannot start at a slot.
enum class placement_status : std::uint8_t {
    candidate,          ///< a variable of the model
    pinned_elsewhere,   ///< a variable, pinned to 0 because the session is pinned to another slot
    does_not_fit,       ///< a consecutive slot the session needs is missing
    client_unavailable, ///< the client cannot attend an occupied slot
    coach_unavailable,  ///< the coach cannot attend an occupied slot
    forbidden,          ///< a person forbade it
};

/// The status of one (session, slot) pair and what caused it.
struct placement_info {
    placement_status status = placement_status::candidate;
    /// The unavailable occupied slot, the forbid's index in the decisions, or the pinned slot.
    std::size_t cause = no_index;
    /// Variable index in the model, when the placement has one.
    std::optional<qubo::var_t> variable;
    int score = 0; ///< preference score of the placement (see preference_weights)
};

/// What a constraint stands for (a category per row, for explanations and reports).
enum class rule_kind : std::uint8_t {
    scheduled_once,
    coach_double_booking,
    client_double_booking,
    session_conflict,
    spacing,
    coach_cap,
    client_cap,
};

/// One variable: session s starts at slot t.
struct schedule_variable {
    std::size_t session = 0;
    std::size_t slot = 0;
};

/// Options of the encoder.
struct encode_options {
    /// One penalty weight for every row instead of the library's proven default (no guarantee
    /// that minimizers are feasible; for experiments with annealers and QAOA).
    std::optional<double> penalty_weight;
};

/// @brief The encoded problem: the constrained model, the variable map, the status of every
/// placement, the pins, and the one-hot groups for an XY-mixer QAOA.
class schedule_encoding {
public:
    const scheduling_problem& problem() const noexcept { return problem_; }
    const schedule_decisions& decisions() const noexcept { return decisions_; }
    /// Objective plus named constraints.
    const qubo::ConstrainedModel& constrained() const noexcept { return *constrained_; }
    /// The penalized model the solvers minimize (placement variables, then slack variables).
    const qubo::BinaryQuadraticModel& model() const noexcept { return model_; }
    /// The weight of each constraint (same order as constrained().constraints()) and its reason.
    const std::vector<qubo::penalty_weight>& weights() const noexcept { return weights_; }
    /// Category of each constraint (same order).
    const std::vector<rule_kind>& rules() const noexcept { return rules_; }

    /// Placement variables (slack variables of the caps follow them in model()).
    std::size_t num_placement_variables() const noexcept { return variables_.size(); }
    std::span<const schedule_variable> variables() const noexcept { return variables_; }
    const schedule_variable& variable(qubo::var_t v) const {
        if (v >= variables_.size()) {
            throw index_error("variable " + std::to_string(v) + " is not a placement variable (" +
                              std::to_string(variables_.size()) + " of them)");
        }
        return variables_[v];
    }
    /// The variable of (session, slot), if the placement has one.
    std::optional<qubo::var_t> variable_of(std::size_t s, std::size_t t) const { return placement(s, t).variable; }
    /// Status of (session, slot).
    const placement_info& placement(std::size_t s, std::size_t t) const {
        if (s >= problem_.sessions.size() || t >= problem_.slots.size()) {
            throw index_error("placement (session " + std::to_string(s) + ", slot " + std::to_string(t) + ") is out of range");
        }
        return info_[s * problem_.slots.size() + t];
    }
    /// Slots occupied by session s when it starts at t (empty when it does not fit).
    std::vector<std::size_t> occupied(std::size_t s, std::size_t t) const {
        return occupied_slots(next_, t, problem_.sessions[s].length);
    }
    /// For each slot, the slot one start later on the same day (no_index at a day's end).
    const std::vector<std::size_t>& next_slots() const noexcept { return next_; }
    /// The pinned slot of session s, if it is pinned.
    std::optional<std::size_t> pinned_slot(std::size_t s) const {
        return pinned_[s] == no_index ? std::nullopt : std::optional<std::size_t>(pinned_[s]);
    }

    /// One group per session: its variables (model indices). Exactly one of each group is 1 in
    /// a feasible sample; an XY mixer on each group keeps that true (see qubo::groups_after_pins for
    /// the indices after pinning).
    const std::vector<std::vector<qubo::var_t>>& one_hot_groups() const noexcept { return groups_; }
    /// The pins for the portfolio (qubo::fix_variables): every variable of a pinned session.
    const std::vector<qubo::pin>& pins() const noexcept { return pins_; }

    /// @brief Why session s cannot start at t, as a phrase ("coach-2 is not available at
    /// tue-10"); "" for a candidate.
    std::string reason(std::size_t s, std::size_t t) const {
        const placement_info& pi = placement(s, t);
        const scheduling_problem& p = problem_;
        switch (pi.status) {
        case placement_status::candidate: return "";
        case placement_status::pinned_elsewhere: return "pinned at " + p.slots[pi.cause].id;
        case placement_status::does_not_fit:
            return "needs " + std::to_string(p.sessions[s].length) + " consecutive slots from " + p.slots[t].id;
        case placement_status::client_unavailable:
            return p.clients[*p.sessions[s].client].id + " is not available at " + p.slots[pi.cause].id;
        case placement_status::coach_unavailable:
            return p.coaches[*p.sessions[s].coach].id + " is not available at " + p.slots[pi.cause].id;
        case placement_status::forbidden: return "forbidden (" + describe(p, decisions_.forbids[pi.cause]) + ")";
        }
        return "";
    }

    /// @brief The preference score of (s, t) with its parts ("preferred by client-07 +3,
    /// earlier in the week +2").
    std::string score_detail(std::size_t s, std::size_t t) const {
        const scheduling_problem& p = problem_;
        std::string out;
        auto add = [&](const std::string& part, int v) {
            if (v == 0) return;
            if (!out.empty()) out += ", ";
            out += part + " +" + std::to_string(v);
        };
        const session& ss = p.sessions[s];
        auto has = [t](const std::vector<std::size_t>& v) { return std::find(v.begin(), v.end(), t) != v.end(); };
        if (has(ss.preferred)) add("preferred for " + ss.id, p.weights.preferred);
        if (ss.client && has(p.clients[*ss.client].preferred)) add("preferred by " + p.clients[*ss.client].id, p.weights.preferred);
        if (ss.coach && has(p.coaches[*ss.coach].preferred)) add("preferred by " + p.coaches[*ss.coach].id, p.weights.preferred);
        add("earlier in the week", p.weights.earlier * (last_day_ - p.slots[t].day));
        return out.empty() ? "no preference" : out;
    }

private:
    friend schedule_encoding encode(const scheduling_problem&, const schedule_decisions&, const encode_options&);
    schedule_encoding() = default;

    scheduling_problem problem_;
    schedule_decisions decisions_;
    std::optional<qubo::ConstrainedModel> constrained_;
    qubo::BinaryQuadraticModel model_;
    std::vector<qubo::penalty_weight> weights_;
    std::vector<rule_kind> rules_;
    std::vector<schedule_variable> variables_;
    std::vector<placement_info> info_; // session-major, sessions x slots
    std::vector<std::size_t> next_;
    std::vector<std::size_t> pinned_; // per session: pinned slot or no_index
    std::vector<std::vector<qubo::var_t>> groups_;
    std::vector<qubo::pin> pins_;
    int last_day_ = 0;
};

/// @brief Encode a scheduling problem with a person's decisions (see the file comment).
/// @throws value_error / index_error, before any model is built, when the data are invalid, a
/// pin names a placement that availability or a forbid rules out, a session is pinned to two
/// slots, the pins alone break a hard rule, or a session has no possible slot at all.
inline schedule_encoding encode(const scheduling_problem& problem, const schedule_decisions& decisions = {},
                                const encode_options& options = {}) {
    validate(problem);
    validate(problem, decisions);
    schedule_encoding e;
    e.problem_ = problem;
    e.decisions_ = decisions;
    const scheduling_problem& p = e.problem_;
    const std::size_t S = p.sessions.size(), T = p.slots.size();
    e.next_ = next_slots(p);
    for (const time_slot& t : p.slots) e.last_day_ = std::max(e.last_day_, t.day);

    auto flags = [T](const std::vector<std::size_t>& list) {
        std::vector<bool> f(T, false);
        for (std::size_t t : list) f[t] = true;
        return f;
    };
    std::vector<std::vector<bool>> coach_off, client_off, coach_pref, client_pref;
    for (const person& q : p.coaches) {
        coach_off.push_back(flags(q.unavailable));
        coach_pref.push_back(flags(q.preferred));
    }
    for (const person& q : p.clients) {
        client_off.push_back(flags(q.unavailable));
        client_pref.push_back(flags(q.preferred));
    }

    // ---- status of every placement --------------------------------------------------------
    e.info_.assign(S * T, placement_info{});
    for (std::size_t s = 0; s < S; ++s) {
        const session& ss = p.sessions[s];
        const std::vector<bool> own_pref = flags(ss.preferred);
        for (std::size_t t = 0; t < T; ++t) {
            placement_info& pi = e.info_[s * T + t];
            const std::vector<std::size_t> occ = occupied_slots(e.next_, t, ss.length);
            auto first_off = [&](const std::vector<bool>& off) {
                for (std::size_t u : occ)
                    if (off[u]) return u;
                return no_index;
            };
            if (occ.empty()) {
                pi.status = placement_status::does_not_fit;
            } else if (std::size_t u = ss.client ? first_off(client_off[*ss.client]) : no_index; u != no_index) {
                pi.status = placement_status::client_unavailable;
                pi.cause = u;
            } else if (u = ss.coach ? first_off(coach_off[*ss.coach]) : no_index; u != no_index) {
                pi.status = placement_status::coach_unavailable;
                pi.cause = u;
            } else {
                for (std::size_t f = 0; f < decisions.forbids.size() && pi.status == placement_status::candidate; ++f) {
                    const slot_forbid& fb = decisions.forbids[f];
                    const bool applies = fb.scope == forbid_scope::everyone ||
                                         (fb.scope == forbid_scope::session && fb.who == s) ||
                                         (fb.scope == forbid_scope::coach && ss.coach && *ss.coach == fb.who) ||
                                         (fb.scope == forbid_scope::client && ss.client && *ss.client == fb.who);
                    if (applies && std::find(occ.begin(), occ.end(), fb.slot) != occ.end()) {
                        pi.status = placement_status::forbidden;
                        pi.cause = f;
                    }
                }
            }
            int score = p.weights.earlier * (e.last_day_ - p.slots[t].day);
            if (own_pref[t]) score += p.weights.preferred;
            if (ss.client && client_pref[*ss.client][t]) score += p.weights.preferred;
            if (ss.coach && coach_pref[*ss.coach][t]) score += p.weights.preferred;
            pi.score = score;
        }
    }

    // ---- pins -----------------------------------------------------------------------------
    e.pinned_.assign(S, no_index);
    for (const session_pin& pin : decisions.pins) {
        const std::string what = "cannot pin " + describe(p, pin) + ": ";
        if (e.pinned_[pin.session] != no_index && e.pinned_[pin.session] != pin.slot) {
            throw value_error(what + "it is already pinned at " + p.slots[e.pinned_[pin.session]].id);
        }
        if (e.info_[pin.session * T + pin.slot].status != placement_status::candidate) {
            throw value_error(what + e.reason(pin.session, pin.slot));
        }
        e.pinned_[pin.session] = pin.slot;
    }
    for (std::size_t s = 0; s < S; ++s) {
        if (e.pinned_[s] == no_index) continue;
        for (std::size_t t = 0; t < T; ++t) {
            placement_info& pi = e.info_[s * T + t];
            if (t != e.pinned_[s] && pi.status == placement_status::candidate) {
                pi.status = placement_status::pinned_elsewhere;
                pi.cause = e.pinned_[s];
            }
        }
    }

    // ---- variables ------------------------------------------------------------------------
    qubo::BinaryQuadraticModel objective(qubo::vartype::binary);
    e.groups_.assign(S, {});
    for (std::size_t s = 0; s < S; ++s) {
        std::size_t ruled_out[6] = {0, 0, 0, 0, 0, 0};
        for (std::size_t t = 0; t < T; ++t) {
            placement_info& pi = e.info_[s * T + t];
            if (pi.status != placement_status::candidate && pi.status != placement_status::pinned_elsewhere) {
                ++ruled_out[static_cast<int>(pi.status)];
                continue;
            }
            const qubo::var_t v = objective.add_variable(p.sessions[s].id + "@" + p.slots[t].id);
            if (pi.score != 0) objective.set_linear(v, -static_cast<double>(pi.score));
            pi.variable = v;
            e.variables_.push_back({s, t});
            e.groups_[s].push_back(v);
            if (e.pinned_[s] != no_index) e.pins_.push_back({v, static_cast<std::int8_t>(t == e.pinned_[s] ? 1 : 0)});
        }
        if (e.groups_[s].empty()) {
            std::string why;
            const char* names[6] = {"", "", "too long for", "client unavailable at", "coach unavailable at", "forbidden at"};
            for (int k = 2; k < 6; ++k) {
                if (ruled_out[k] == 0) continue;
                if (!why.empty()) why += ", ";
                why += std::string(names[k]) + " " + std::to_string(ruled_out[k]) + " slot(s)";
            }
            throw value_error("session " + detail::quoted(p.sessions[s].id) + " has no possible slot (" + why + ")");
        }
    }

    // ---- constraints ----------------------------------------------------------------------
    qubo::ConstrainedModel cm(std::move(objective));
    const std::optional<double> w = options.penalty_weight;
    auto at_most = [&](std::string name, const std::vector<qubo::var_t>& vars, int k, rule_kind kind) {
        if (k == 1) cm.add_at_most_one(std::move(name), vars, w);
        else cm.add_at_most_k(std::move(name), vars, k, w);
        e.rules_.push_back(kind);
    };
    auto distinct_sessions = [&](const std::vector<qubo::var_t>& vars) {
        std::set<std::size_t> ss;
        for (qubo::var_t v : vars) ss.insert(e.variables_[v].session);
        return ss.size();
    };

    for (std::size_t s = 0; s < S; ++s) {
        cm.add_one_hot("session " + p.sessions[s].id + " is scheduled once", e.groups_[s], w);
        e.rules_.push_back(rule_kind::scheduled_once);
    }

    // Who occupies each slot: per coach and per client, the variables covering slot u.
    std::vector<std::vector<std::vector<qubo::var_t>>> coach_at(p.coaches.size(), std::vector<std::vector<qubo::var_t>>(T));
    std::vector<std::vector<std::vector<qubo::var_t>>> client_at(p.clients.size(), std::vector<std::vector<qubo::var_t>>(T));
    std::vector<std::vector<std::vector<qubo::var_t>>> session_at(S, std::vector<std::vector<qubo::var_t>>(T));
    for (qubo::var_t v = 0; v < e.variables_.size(); ++v) {
        const auto [s, t] = e.variables_[v];
        for (std::size_t u : e.occupied(s, t)) {
            if (p.sessions[s].coach) coach_at[*p.sessions[s].coach][u].push_back(v);
            if (p.sessions[s].client) client_at[*p.sessions[s].client][u].push_back(v);
            session_at[s][u].push_back(v);
        }
    }
    for (std::size_t c = 0; c < p.coaches.size(); ++c)
        for (std::size_t u = 0; u < T; ++u)
            if (distinct_sessions(coach_at[c][u]) >= 2)
                at_most("coach " + p.coaches[c].id + " not double-booked at " + p.slots[u].id, coach_at[c][u], 1,
                        rule_kind::coach_double_booking);
    for (std::size_t c = 0; c < p.clients.size(); ++c)
        for (std::size_t u = 0; u < T; ++u)
            if (distinct_sessions(client_at[c][u]) >= 2)
                at_most("client " + p.clients[c].id + " not double-booked at " + p.slots[u].id, client_at[c][u], 1,
                        rule_kind::client_double_booking);

    // Explicit conflicts (pairs that share a person are already covered above).
    std::set<std::pair<std::size_t, std::size_t>> pairs;
    for (auto [a, b] : problem.conflicts) {
        if (a > b) std::swap(a, b);
        const session &sa = p.sessions[a], &sb = p.sessions[b];
        if ((sa.coach && sa.coach == sb.coach) || (sa.client && sa.client == sb.client)) continue;
        pairs.emplace(a, b);
    }
    for (const auto& [a, b] : pairs) {
        for (std::size_t u = 0; u < T; ++u) {
            if (session_at[a][u].empty() || session_at[b][u].empty()) continue;
            std::vector<qubo::var_t> vars = session_at[a][u];
            vars.insert(vars.end(), session_at[b][u].begin(), session_at[b][u].end());
            std::sort(vars.begin(), vars.end());
            at_most("sessions " + p.sessions[a].id + " and " + p.sessions[b].id + " not both at " + p.slots[u].id, vars, 1,
                    rule_kind::session_conflict);
        }
    }

    // Spacing: pairs of placements of one client's sessions that do not overlap (overlaps are
    // double-booking) but start fewer than min_gap_days days apart, or on the same day with
    // fewer than min_gap_slots slots between the end of the first and the start of the second.
    for (std::size_t c = 0; c < p.clients.size(); ++c) {
        const spacing_rule rule = client_spacing(p, c);
        if (rule.min_gap_days == 0 && rule.min_gap_slots == 0) continue;
        std::vector<std::size_t> mine;
        for (std::size_t s = 0; s < S; ++s)
            if (p.sessions[s].client == c) mine.push_back(s);
        for (std::size_t i = 0; i < mine.size(); ++i) {
            for (std::size_t j = i + 1; j < mine.size(); ++j) {
                const std::size_t a = mine[i], b = mine[j];
                for (qubo::var_t va : e.groups_[a]) {
                    for (qubo::var_t vb : e.groups_[b]) {
                        const time_slot& ta = p.slots[e.variables_[va].slot];
                        const time_slot& tb = p.slots[e.variables_[vb].slot];
                        bool close = std::abs(ta.day - tb.day) < rule.min_gap_days;
                        if (!close && ta.day == tb.day && rule.min_gap_slots > 0) {
                            const bool a_first = ta.start < tb.start;
                            const int gap = a_first ? tb.start - (ta.start + p.sessions[a].length)
                                                    : ta.start - (tb.start + p.sessions[b].length);
                            close = gap >= 0 && gap < rule.min_gap_slots;
                        }
                        if (!close) continue;
                        const auto oa = e.occupied(a, e.variables_[va].slot), ob = e.occupied(b, e.variables_[vb].slot);
                        const bool overlap = std::any_of(oa.begin(), oa.end(), [&](std::size_t u) {
                            return std::find(ob.begin(), ob.end(), u) != ob.end();
                        });
                        if (overlap) continue;
                        at_most("client " + p.clients[c].id + " sessions " + p.sessions[a].id + " at " + ta.id + " and " +
                                    p.sessions[b].id + " at " + tb.id + " too close",
                                {va, vb}, 1, rule_kind::spacing);
                    }
                }
            }
        }
    }

    // Caps: sessions counted on the day / week they start.
    auto caps = [&](const std::vector<person>& people, bool coaches) {
        for (std::size_t c = 0; c < people.size(); ++c) {
            const person& q = people[c];
            for (int period = 0; period < 2; ++period) {
                const int cap = period == 0 ? q.max_per_day : q.max_per_week;
                if (cap <= 0) continue;
                std::map<int, std::vector<qubo::var_t>> by;
                for (qubo::var_t v = 0; v < e.variables_.size(); ++v) {
                    const session& ss = p.sessions[e.variables_[v].session];
                    if ((coaches ? ss.coach : ss.client) != c) continue;
                    const int day = p.slots[e.variables_[v].slot].day;
                    by[period == 0 ? day : day / 7].push_back(v);
                }
                for (const auto& [key, vars] : by) {
                    if (distinct_sessions(vars) <= static_cast<std::size_t>(cap)) continue;
                    std::string name = std::string(coaches ? "coach " : "client ") + q.id + " at most " + std::to_string(cap) +
                                       (cap == 1 ? " session " : " sessions ") +
                                       (period == 0 ? "on " + day_name(p, key) : "in week " + std::to_string(key + 1));
                    at_most(std::move(name), vars, cap, coaches ? rule_kind::coach_cap : rule_kind::client_cap);
                }
            }
        }
    };
    caps(p.coaches, true);
    caps(p.clients, false);

    // The pins alone must not break a rule: that plan would be infeasible whatever a solver did.
    std::vector<std::int8_t> pinned_sample(e.variables_.size(), 0);
    for (const qubo::pin& pin : e.pins_) pinned_sample[pin.variable] = pin.value;
    for (const qubo::Constraint& c : cm.constraints()) {
        if (c.rel() != qubo::relation::less_equal) continue;
        if (c.lhs(pinned_sample) > c.rhs()) {
            throw value_error("the pins alone break the rule \"" + c.name() + "\"");
        }
    }

    e.model_ = cm.to_model();
    e.weights_ = cm.weights();
    e.constrained_.emplace(std::move(cm));
    return e;
}

} // namespace qcoach::coaching
