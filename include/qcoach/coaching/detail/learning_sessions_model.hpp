#pragma once
/// @file
/// @brief The sessions mode of the learning path, as data: modules, sessions, the person's pins
/// and forbids, which session each module may take (and why not the others), a plan, its
/// feasibility check and its objective. Included by coaching/learning_path.hpp, which adds the
/// QUBO encoder, the explanation, the repair and the solvers.
///
/// Problem. Modules m = 1..n have a duration d_m (minutes), a cognitive load l_m and a weight
/// w_m (how much reaching it early matters); sessions s = 1..S have a time capacity C_s and an
/// optional load budget B_s. A plan puts every module in exactly one session so that
///   - every prerequisite p of m is in an earlier session (rule earlier_session) or in the
///     same or an earlier one (rule same_or_earlier: the SALBP-1 rule, order inside a session
///     follows the prerequisites);
///   - sum_{m in s} d_m <= C_s and sum_{m in s} l_m <= B_s;
///   - pinned modules are in their session, forbidden placements are not used;
/// and minimizes
///     lambda_c * sum_m w_m s(m)  +  lambda_b * ( sum_s L_s^2 - (sum_m l_m)^2 / S ),
/// with L_s the load of session s. The first term is a weighted completion time counted in
/// sessions (competency comes early); the second is sum_s (L_s - mean L)^2 on every complete
/// plan (sum_s L_s = sum_m l_m), the load imbalance. The same expression, evaluated over every
/// placement of a sample, is exactly the objective part of the QUBO (learning_path.hpp).
///
/// This is a relative of SALBP-1 (simple assembly line balancing, Scholl 1999, "Balancing and
/// sequencing of assembly lines"): tasks = modules, stations = sessions, cycle time = capacity.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qcoach/coaching/detail/learning_common.hpp"
#include "qcoach/core/error.hpp"

namespace qcoach::coaching {

/// One module (micro-skill) of a learning path. Only what the decision needs.
struct learning_module {
    std::string id;                         ///< unique, short ("M3", "sql_joins")
    std::string title;                      ///< optional, for display
    std::int64_t duration = 0;              ///< minutes, >= 0
    std::int64_t load = 0;                  ///< cognitive load units, >= 0
    std::int64_t weight = 1;                ///< importance of reaching it early, >= 0
    std::string topic;                      ///< optional; sequence mode charges topic switches
    std::vector<std::string> prerequisites; ///< ids of modules that must come before
};

/// One session of a learning path.
struct learning_session {
    std::string id;                          ///< unique ("Mon", "week 1")
    std::int64_t capacity = 0;               ///< minutes available, > 0
    std::optional<std::int64_t> load_budget; ///< cognitive load budget; empty: no limit
};

/// Where a prerequisite must be placed relative to the module that needs it.
enum class precedence_rule : std::uint8_t {
    earlier_session, ///< in an earlier session (default: a session is one sitting)
    same_or_earlier, ///< in the same or an earlier session (SALBP-1)
};

constexpr std::string_view to_string(precedence_rule r) noexcept {
    return r == precedence_rule::earlier_session ? "earlier" : "same-or-earlier";
}

/// @brief Parse "earlier" or "same-or-earlier"; throws value_error naming the word.
inline precedence_rule parse_precedence_rule(std::string_view s) {
    if (s == "earlier") return precedence_rule::earlier_session;
    if (s == "same-or-earlier") return precedence_rule::same_or_earlier;
    throw value_error("unknown precedence rule '" + std::string(s) + "' (expected earlier or same-or-earlier)");
}

/// Integer weights of the two objective terms (integers keep the penalty margin exact).
struct session_weights {
    std::int64_t completion = 1; ///< lambda_c
    std::int64_t balance = 1;    ///< lambda_b
};

/// A pin or a forbid: module `module` in (or never in) session/position `slot`.
struct placement_rule {
    std::size_t module;
    std::size_t slot;
};

/// @brief A validated sessions-mode problem with the person's pins and forbids.
class LearningPathProblem {
public:
    /// @brief Validate and index the data; throws value_error naming the bad module, session or
    /// field (duplicate id, unknown prerequisite, cycle, negative duration, ...).
    LearningPathProblem(std::vector<learning_module> modules, std::vector<learning_session> sessions,
                        precedence_rule rule = precedence_rule::earlier_session, session_weights weights = {})
        : modules_(std::move(modules)), sessions_(std::move(sessions)), rule_(rule), weights_(weights) {
        if (modules_.empty()) throw value_error("a learning path needs at least one module");
        if (sessions_.empty()) throw value_error("a learning path needs at least one session");
        if (weights_.completion < 0 || weights_.balance < 0)
            throw value_error("objective weights must be >= 0 (completion " + std::to_string(weights_.completion) +
                              ", balance " + std::to_string(weights_.balance) + ")");
        for (std::size_t m = 0; m < modules_.size(); ++m) {
            const auto& x = modules_[m];
            const std::string where = "module " + std::to_string(m + 1) + (x.id.empty() ? "" : " (" + x.id + ")");
            if (x.id.empty()) throw value_error(where + ": the id is empty");
            if (x.duration < 0) throw value_error(where + ": duration " + std::to_string(x.duration) + " is negative");
            if (x.load < 0) throw value_error(where + ": load " + std::to_string(x.load) + " is negative");
            if (x.weight < 0) throw value_error(where + ": weight " + std::to_string(x.weight) + " is negative");
            for (std::size_t k = 0; k < m; ++k)
                if (modules_[k].id == x.id) throw value_error("module id '" + x.id + "' is used twice");
        }
        for (std::size_t s = 0; s < sessions_.size(); ++s) {
            const auto& x = sessions_[s];
            const std::string where = "session " + std::to_string(s + 1) + (x.id.empty() ? "" : " (" + x.id + ")");
            if (x.id.empty()) throw value_error(where + ": the id is empty");
            if (x.capacity <= 0) throw value_error(where + ": capacity " + std::to_string(x.capacity) + " must be > 0");
            if (x.load_budget && *x.load_budget < 0)
                throw value_error(where + ": load budget " + std::to_string(*x.load_budget) + " is negative");
            for (std::size_t k = 0; k < s; ++k)
                if (sessions_[k].id == x.id) throw value_error("session id '" + x.id + "' is used twice");
        }
        graph_ = detail::precedence_graph(modules_.size());
        for (std::size_t m = 0; m < modules_.size(); ++m) {
            for (const auto& p : modules_[m].prerequisites) {
                const std::size_t k = find_module(p);
                if (k == unplaced)
                    throw value_error("module " + modules_[m].id + ": prerequisite '" + p + "' is not a module");
                if (k == m) throw value_error("module " + modules_[m].id + " lists itself as a prerequisite");
                graph_.add_arc(k, m);
            }
        }
        topo_ = graph_.topological_order([this](std::size_t m) { return modules_[m].id; });
    }

    std::size_t num_modules() const noexcept { return modules_.size(); }
    std::size_t num_sessions() const noexcept { return sessions_.size(); }
    const std::vector<learning_module>& modules() const noexcept { return modules_; }
    const std::vector<learning_session>& sessions() const noexcept { return sessions_; }
    const learning_module& module(std::size_t m) const { return modules_.at(m); }
    const learning_session& session(std::size_t s) const { return sessions_.at(s); }
    precedence_rule rule() const noexcept { return rule_; }
    const session_weights& weights() const noexcept { return weights_; }
    const detail::precedence_graph& graph() const noexcept { return graph_; }
    /// Modules in a topological order of the prerequisites (deterministic).
    const std::vector<std::size_t>& topological_order() const noexcept { return topo_; }
    /// Sessions a prerequisite must lead by: 1 (earlier_session) or 0 (same_or_earlier).
    std::size_t gap() const noexcept { return rule_ == precedence_rule::earlier_session ? 1 : 0; }

    /// @brief Index of the module with this id, or unplaced.
    std::size_t find_module(std::string_view id) const noexcept {
        for (std::size_t m = 0; m < modules_.size(); ++m)
            if (modules_[m].id == id) return m;
        return unplaced;
    }
    /// @brief Index of the module with this id; throws value_error listing a few ids.
    std::size_t module_index(std::string_view id) const {
        const std::size_t m = find_module(id);
        if (m == unplaced) throw value_error("unknown module '" + std::string(id) + "'");
        return m;
    }
    /// @brief Index of a session given by its id or by its 1-based number.
    std::size_t session_index(std::string_view text) const {
        for (std::size_t s = 0; s < sessions_.size(); ++s)
            if (sessions_[s].id == text) return s;
        if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
            text.size() < 9) {
            const std::size_t k = std::stoul(std::string(text));
            if (k >= 1 && k <= sessions_.size()) return k - 1;
        }
        throw value_error("unknown session '" + std::string(text) + "' (give a session id or a number 1.." +
                          std::to_string(sessions_.size()) + ")");
    }

    /// @brief Pin module m to session s (every solver must respect it).
    void pin(std::size_t m, std::size_t s) {
        check_cell(m, s);
        for (const auto& p : pins_)
            if (p.module == m && p.slot != s)
                throw value_error("module " + modules_[m].id + " is pinned to both session " + sessions_[p.slot].id +
                                  " and session " + sessions_[s].id);
        pins_.push_back({m, s});
    }
    /// @brief Forbid session s for module m (its variable is removed from the QUBO).
    void forbid(std::size_t m, std::size_t s) {
        check_cell(m, s);
        forbids_.push_back({m, s});
    }
    const std::vector<placement_rule>& pins() const noexcept { return pins_; }
    const std::vector<placement_rule>& forbids() const noexcept { return forbids_; }
    /// @brief The session module m is pinned to, or unplaced.
    std::size_t pinned_session(std::size_t m) const noexcept {
        for (const auto& p : pins_)
            if (p.module == m) return p.slot;
        return unplaced;
    }
    bool forbidden(std::size_t m, std::size_t s) const noexcept {
        for (const auto& f : forbids_)
            if (f.module == m && f.slot == s) return true;
        return false;
    }

private:
    void check_cell(std::size_t m, std::size_t s) const {
        if (m >= modules_.size())
            throw index_error("module index " + std::to_string(m) + " is out of range; there are " +
                              std::to_string(modules_.size()) + " modules");
        if (s >= sessions_.size())
            throw index_error("session index " + std::to_string(s) + " is out of range; there are " +
                              std::to_string(sessions_.size()) + " sessions");
    }

    std::vector<learning_module> modules_;
    std::vector<learning_session> sessions_;
    precedence_rule rule_;
    session_weights weights_;
    detail::precedence_graph graph_;
    std::vector<std::size_t> topo_;
    std::vector<placement_rule> pins_, forbids_;
};

/// Why a module cannot take a session.
enum class exclusion : std::uint8_t {
    none,              ///< allowed
    forbidden,         ///< a person forbade it
    pinned_elsewhere,  ///< a person pinned the module to another session
    too_long,          ///< its duration exceeds the session's capacity
    too_heavy,         ///< its load exceeds the session's load budget
    after_prerequisite, ///< a chain of prerequisites cannot fit before this session
    before_successor,  ///< a module that needs it cannot be placed after this session
};

/// A few words for an exclusion ("forbidden", "too long for the session", ...).
constexpr std::string_view exclusion_text(exclusion e) noexcept {
    switch (e) {
    case exclusion::none: return "allowed";
    case exclusion::forbidden: return "forbidden";
    case exclusion::pinned_elsewhere: return "pinned to another session";
    case exclusion::too_long: return "too long for the session";
    case exclusion::too_heavy: return "over the session's load budget";
    case exclusion::after_prerequisite: return "too early for its prerequisite chain";
    case exclusion::before_successor: return "too late for the modules that need it";
    }
    return "?";
}

/// @brief The sessions each module may take, with the reason for each one it may not.
struct session_domain {
    std::vector<std::vector<exclusion>> why;   ///< [module][session]
    std::vector<std::vector<std::size_t>> cause; ///< [module][session]: the module whose chain excludes it
    std::vector<std::size_t> earliest, latest; ///< per module: first and last allowed session

    bool allowed(std::size_t m, std::size_t s) const { return why[m][s] == exclusion::none; }
};

namespace detail {

inline bool own_allowed(const LearningPathProblem& p, std::size_t m, std::size_t s) {
    const auto& mod = p.module(m);
    const auto& ses = p.session(s);
    const std::size_t pin = p.pinned_session(m);
    return !p.forbidden(m, s) && (pin == unplaced || pin == s) && mod.duration <= ses.capacity &&
           (!ses.load_budget || mod.load <= *ses.load_budget);
}

inline exclusion own_exclusion(const LearningPathProblem& p, std::size_t m, std::size_t s) {
    const auto& mod = p.module(m);
    const auto& ses = p.session(s);
    const std::size_t pin = p.pinned_session(m);
    if (p.forbidden(m, s)) return exclusion::forbidden;
    if (pin != unplaced && pin != s) return exclusion::pinned_elsewhere;
    if (mod.duration > ses.capacity) return exclusion::too_long;
    if (ses.load_budget && mod.load > *ses.load_budget) return exclusion::too_heavy;
    return exclusion::none;
}

} // namespace detail

/// @brief Which sessions each module may take. Forbids and pins always remove sessions; with
/// `structural` also the sessions a module cannot fit (duration, load) and those a chain of
/// prerequisites rules out (a module with a chain of k prerequisites under the earlier-session
/// rule cannot be in the first k sessions; symmetrically for what must follow it). Removing
/// them never removes a feasible plan. Throws value_error when some module has no session
/// left, naming the module and what rules each session out, and when a pin is impossible.
inline session_domain analyse_domain(const LearningPathProblem& p, bool structural = true) {
    const std::size_t n = p.num_modules(), S = p.num_sessions(), gap = p.gap();
    for (const auto& pin : p.pins()) {
        const exclusion e = detail::own_exclusion(p, pin.module, pin.slot);
        const auto& mod = p.module(pin.module);
        const auto& ses = p.session(pin.slot);
        if (e == exclusion::forbidden)
            throw value_error("module " + mod.id + " is both pinned to and forbidden from session " + ses.id);
        if (e == exclusion::too_long)
            throw value_error("pin " + mod.id + " in " + ses.id + " is impossible: " + mod.id + " takes " +
                              std::to_string(mod.duration) + " min, session " + ses.id + " holds " +
                              std::to_string(ses.capacity));
        if (e == exclusion::too_heavy)
            throw value_error("pin " + mod.id + " in " + ses.id + " is impossible: its load " +
                              std::to_string(mod.load) + " exceeds the budget " + std::to_string(*ses.load_budget));
    }
    session_domain d;
    d.why.assign(n, std::vector<exclusion>(S, exclusion::none));
    d.cause.assign(n, std::vector<std::size_t>(S, unplaced));
    d.earliest.assign(n, 0);
    d.latest.assign(n, S - 1);
    std::vector<std::size_t> lo_cause(n, unplaced), hi_cause(n, unplaced), lo(n, 0), hi(n, S - 1);
    auto describe_failure = [&](std::size_t m) {
        std::string why = "module " + p.module(m).id + " has no possible session:";
        if (lo_cause[m] != unplaced)
            why += " it must come after " + p.module(lo_cause[m]).id + " (so in session " + std::to_string(lo[m] + 1) +
                   " or later);";
        if (hi_cause[m] != unplaced)
            why += " it must come before " + p.module(hi_cause[m]).id + " (so in session " +
                   std::to_string(hi[m] + 1) + " or earlier);";
        for (std::size_t s = 0; s < S; ++s) {
            const exclusion e = detail::own_exclusion(p, m, s);
            if (e == exclusion::forbidden) why += " " + p.session(s).id + " is forbidden;";
            if (e == exclusion::too_long) why += " it does not fit in " + p.session(s).id + ";";
            if (e == exclusion::too_heavy) why += " its load exceeds the budget of " + p.session(s).id + ";";
        }
        if (p.pinned_session(m) != unplaced) why += " it is pinned to " + p.session(p.pinned_session(m)).id + ";";
        why.pop_back();
        return why;
    };
    // Earliest sessions forward along a topological order, latest ones backward. A bound that
    // falls on a session the module cannot take moves on to the next one it can.
    for (std::size_t m : p.topological_order()) {
        for (std::size_t q : p.graph().predecessors(m)) {
            if (d.earliest[q] + gap > lo[m]) {
                lo[m] = d.earliest[q] + gap;
                lo_cause[m] = q;
            }
        }
        std::size_t s = lo[m];
        while (s < S && !detail::own_allowed(p, m, s)) ++s;
        if (s >= S) throw value_error(describe_failure(m));
        d.earliest[m] = s;
    }
    const auto& topo = p.topological_order();
    for (std::size_t k = n; k-- > 0;) {
        const std::size_t m = topo[k];
        for (std::size_t q : p.graph().successors(m)) {
            if (d.latest[q] < gap)
                throw value_error("module " + p.module(m).id + " has no possible session: " + p.module(q).id +
                                  ", which needs it in an earlier session, can only be in the first session");
            if (d.latest[q] - gap < hi[m]) {
                hi[m] = d.latest[q] - gap;
                hi_cause[m] = q;
            }
        }
        std::size_t s = hi[m] + 1;
        while (s > 0 && !detail::own_allowed(p, m, s - 1)) --s;
        if (s == 0 || s - 1 < d.earliest[m]) throw value_error(describe_failure(m));
        d.latest[m] = s - 1;
    }
    for (std::size_t m = 0; m < n; ++m) {
        for (std::size_t s = 0; s < S; ++s) {
            exclusion e = detail::own_exclusion(p, m, s);
            if (e == exclusion::none && s < lo[m]) {
                e = exclusion::after_prerequisite;
                d.cause[m][s] = lo_cause[m];
            } else if (e == exclusion::none && s > hi[m]) {
                e = exclusion::before_successor;
                d.cause[m][s] = hi_cause[m];
            }
            const bool structural_reason = e == exclusion::too_long || e == exclusion::too_heavy ||
                                           e == exclusion::after_prerequisite || e == exclusion::before_successor;
            d.why[m][s] = (!structural && structural_reason) ? exclusion::none : e;
        }
    }
    return d;
}

/// @brief A plan: the sessions each module was placed in (exactly one in a valid plan; a
/// decoded sample may hold none or several), and whether a repair changed it.
struct session_plan {
    std::vector<std::vector<std::size_t>> placements; ///< [module] -> sessions, ascending
    bool repaired = false;
    std::vector<std::string> repairs; ///< what the repair changed, one line each

    /// @brief A plan from one session per module (unplaced: not placed).
    static session_plan from_sessions(const std::vector<std::size_t>& session_of) {
        session_plan p;
        p.placements.resize(session_of.size());
        for (std::size_t m = 0; m < session_of.size(); ++m)
            if (session_of[m] != unplaced) p.placements[m].push_back(session_of[m]);
        return p;
    }
    /// The single session of module m, or unplaced when it has none or several.
    std::size_t session_of(std::size_t m) const {
        return placements.at(m).size() == 1 ? placements[m][0] : unplaced;
    }
};

/// @brief What a plan achieves: the objective and its parts, and each session's use.
struct session_objective_report {
    std::int64_t completion = 0;   ///< sum_m w_m s(m), sessions numbered from 1
    double imbalance = 0.0;        ///< sum_s L_s^2 - (sum_m l_m)^2 / S
    double total = 0.0;            ///< lambda_c completion + lambda_b imbalance
    std::size_t sessions_used = 0; ///< sessions holding at least one module
    std::vector<std::int64_t> time_used, load_used; ///< per session
};

namespace detail {
inline void check_plan_size(const LearningPathProblem& p, const session_plan& plan) {
    if (plan.placements.size() != p.num_modules())
        throw value_error("the plan has " + std::to_string(plan.placements.size()) + " modules; the problem has " +
                          std::to_string(p.num_modules()));
    for (const auto& pl : plan.placements)
        for (std::size_t s : pl)
            if (s >= p.num_sessions())
                throw index_error("the plan uses session index " + std::to_string(s) + "; there are " +
                                  std::to_string(p.num_sessions()) + " sessions");
}
} // namespace detail

/// @brief The objective of a plan, counting every placement (so that, for any decoded sample,
/// it equals the objective part of the QUBO energy).
inline session_objective_report evaluate(const LearningPathProblem& p, const session_plan& plan) {
    detail::check_plan_size(p, plan);
    const std::size_t S = p.num_sessions();
    session_objective_report r;
    r.time_used.assign(S, 0);
    r.load_used.assign(S, 0);
    std::int64_t total_load = 0;
    for (std::size_t m = 0; m < p.num_modules(); ++m) {
        const auto& mod = p.module(m);
        total_load += mod.load;
        for (std::size_t s : plan.placements[m]) {
            r.completion += mod.weight * static_cast<std::int64_t>(s + 1);
            r.time_used[s] += mod.duration;
            r.load_used[s] += mod.load;
        }
    }
    double sq = 0.0;
    for (std::size_t s = 0; s < S; ++s) {
        sq += static_cast<double>(r.load_used[s]) * static_cast<double>(r.load_used[s]);
        r.sessions_used += r.time_used[s] > 0 || r.load_used[s] > 0 ? 1 : 0;
    }
    // Modules of zero duration and zero load still make a session "used".
    for (std::size_t s = 0; s < S; ++s) {
        if (r.time_used[s] > 0 || r.load_used[s] > 0) continue;
        for (const auto& pl : plan.placements)
            if (std::find(pl.begin(), pl.end(), s) != pl.end()) {
                ++r.sessions_used;
                break;
            }
    }
    r.imbalance = sq - static_cast<double>(total_load) * static_cast<double>(total_load) / static_cast<double>(S);
    r.total = static_cast<double>(p.weights().completion) * static_cast<double>(r.completion) +
              static_cast<double>(p.weights().balance) * r.imbalance;
    return r;
}

/// @brief Every hard constraint a plan breaks, by name and amount: "module M3 in one session",
/// "pin M3 in Mon", "forbid M3 in Wed", "session Tue time capacity" (minutes over),
/// "session Tue load budget" (load over), "prerequisite M1 before M3" (sessions short).
inline plan_check check_plan(const LearningPathProblem& p, const session_plan& plan) {
    detail::check_plan_size(p, plan);
    plan_check c;
    const std::size_t n = p.num_modules(), S = p.num_sessions();
    auto list = [&](const std::vector<std::size_t>& ss) {
        std::string t;
        for (std::size_t k = 0; k < ss.size(); ++k) t += (k ? (k + 1 == ss.size() ? " and " : ", ") : "") + p.session(ss[k]).id;
        return t;
    };
    for (std::size_t m = 0; m < n; ++m) {
        const auto& pl = plan.placements[m];
        if (pl.size() != 1) {
            c.violations.push_back({"module " + p.module(m).id + " in one session",
                                    static_cast<std::int64_t>(pl.empty() ? 1 : pl.size() - 1),
                                    pl.empty() ? "placed in no session" : "placed in " + list(pl)});
        }
    }
    for (const auto& pin : p.pins()) {
        const auto& pl = plan.placements[pin.module];
        if (pl.size() != 1 || pl[0] != pin.slot)
            c.violations.push_back({"pin " + p.module(pin.module).id + " in " + p.session(pin.slot).id, 1,
                                    pl.empty() ? "placed in no session" : "placed in " + list(pl)});
    }
    for (const auto& f : p.forbids()) {
        const auto& pl = plan.placements[f.module];
        if (std::find(pl.begin(), pl.end(), f.slot) != pl.end())
            c.violations.push_back({"forbid " + p.module(f.module).id + " in " + p.session(f.slot).id, 1, "placed there"});
    }
    const auto r = evaluate(p, plan);
    for (std::size_t s = 0; s < S; ++s) {
        const auto& ses = p.session(s);
        if (r.time_used[s] > ses.capacity)
            c.violations.push_back({"session " + ses.id + " time capacity", r.time_used[s] - ses.capacity,
                                    std::to_string(r.time_used[s]) + " min planned, " + std::to_string(ses.capacity) +
                                        " available"});
        if (ses.load_budget && r.load_used[s] > *ses.load_budget)
            c.violations.push_back({"session " + ses.id + " load budget", r.load_used[s] - *ses.load_budget,
                                    "load " + std::to_string(r.load_used[s]) + ", budget " +
                                        std::to_string(*ses.load_budget)});
    }
    const auto gap = static_cast<std::int64_t>(p.gap());
    for (std::size_t b = 0; b < n; ++b) {
        for (std::size_t a : p.graph().predecessors(b)) {
            const auto& pa = plan.placements[a];
            const auto& pb = plan.placements[b];
            if (pa.empty() || pb.empty()) continue; // the missing placement is reported above
            const auto last_a = static_cast<std::int64_t>(pa.back());
            const auto first_b = static_cast<std::int64_t>(pb.front());
            const std::int64_t short_by = last_a + gap - first_b;
            if (short_by > 0)
                c.violations.push_back({"prerequisite " + p.module(a).id + " before " + p.module(b).id, short_by,
                                        p.module(a).id + " in " + list(pa) + ", " + p.module(b).id + " in " + list(pb)});
        }
    }
    return c;
}

} // namespace qcoach::coaching
