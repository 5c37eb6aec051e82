#pragma once
/// @file
/// @brief Why each module of a sessions-mode plan is where it is, and the prerequisite graph
/// with the plan drawn on it (Graphviz DOT).
///
/// For a module in session s the explanation goes through every other session e and names
/// the first thing that keeps the module out of e, in this order: a person's pin or forbid;
/// the module does not fit the session at all (duration, load); a prerequisite chain rules e
/// out whatever the other modules do; a prerequisite (for e < s) or a module that needs it
/// (for e > s) sits where it does in this plan; the session is full (time or load); and
/// otherwise the move is allowed and the explanation gives the change of the objective, split
/// into completion and balance, which is why the plan keeps the module in s. "What would
/// change it" names what would have to move for the module to go one session earlier.

#include <cstdint>
#include <string>
#include <vector>

#include "qcoach/coaching/detail/learning_common.hpp"
#include "qcoach/coaching/detail/learning_sessions_model.hpp"

namespace qcoach::coaching {

/// The explanation of one module's placement.
struct module_explanation {
    std::size_t module = 0;
    std::size_t session = unplaced;      ///< unplaced when the plan holds it in none or several
    std::string headline;                ///< "M7 \"pandas groupby\" is in Wed (session 3)"
    std::vector<std::string> reasons;    ///< one line per other session
    std::vector<std::string> to_change;  ///< what would move it earlier

    std::string text() const {
        std::string s = headline + "\n";
        for (const auto& r : reasons) s += "    " + r + "\n";
        for (const auto& c : to_change) s += "    to change: " + c + "\n";
        return s;
    }
};

namespace detail {

inline std::string module_label(const LearningPathProblem& p, std::size_t m) {
    const auto& mod = p.module(m);
    return mod.title.empty() ? mod.id : mod.id + " \"" + mod.title + "\"";
}

/// Objective change of moving module m from session s to e in a complete plan with the given
/// session loads: (completion part, balance part), both already multiplied by their weights.
inline std::pair<double, double> move_delta(const LearningPathProblem& p, const session_objective_report& r,
                                            std::size_t m, std::size_t s, std::size_t e) {
    const auto& mod = p.module(m);
    const double dc = static_cast<double>(p.weights().completion) * static_cast<double>(mod.weight) *
                      (static_cast<double>(e) - static_cast<double>(s));
    const double l = static_cast<double>(mod.load), le = static_cast<double>(r.load_used[e]),
                 ls = static_cast<double>(r.load_used[s]);
    const double db = static_cast<double>(p.weights().balance) * ((le + l) * (le + l) - le * le + (ls - l) * (ls - l) - ls * ls);
    return {dc, db};
}

} // namespace detail

/// @brief Explain every module's placement in `plan` (see the file comment).
inline std::vector<module_explanation> explain(const LearningPathProblem& p, const session_domain& d,
                                               const session_plan& plan) {
    detail::check_plan_size(p, plan);
    const std::size_t n = p.num_modules(), S = p.num_sessions(), gap = p.gap();
    const auto r = evaluate(p, plan);
    std::vector<module_explanation> out;
    for (std::size_t m : p.topological_order()) {
        module_explanation ex;
        ex.module = m;
        const auto& mod = p.module(m);
        const std::string name = detail::module_label(p, m);
        const std::size_t s = plan.session_of(m);
        ex.session = s;
        if (s == unplaced) {
            ex.headline = name + " is not in exactly one session: the plan is infeasible";
            out.push_back(std::move(ex));
            continue;
        }
        ex.headline = name + " is in " + p.session(s).id + " (session " + std::to_string(s + 1) + ")";
        if (p.pinned_session(m) == s) ex.reasons.push_back("pinned there by a person");
        std::string block_earlier; // the reason it is not one session earlier
        for (std::size_t e = 0; e < S; ++e) {
            if (e == s) continue;
            const auto& ses = p.session(e);
            std::string why;
            switch (d.why[m][e]) {
            case exclusion::forbidden: why = "forbidden by a person"; break;
            case exclusion::pinned_elsewhere: why = "the module is pinned to " + p.session(s).id; break;
            case exclusion::too_long:
                why = "it takes " + std::to_string(mod.duration) + " min, the session holds " + std::to_string(ses.capacity);
                break;
            case exclusion::too_heavy:
                why = "its load " + std::to_string(mod.load) + " exceeds the budget " + std::to_string(*ses.load_budget);
                break;
            case exclusion::after_prerequisite:
                why = "ruled out: its prerequisite " + p.module(d.cause[m][e]).id +
                      (gap ? " must come in an earlier session" : " must not come later") + " and cannot be placed before " +
                      p.session(d.earliest[d.cause[m][e]]).id;
                break;
            case exclusion::before_successor:
                why = "ruled out: " + p.module(d.cause[m][e]).id + ", which needs it, cannot be placed after " +
                      p.session(d.latest[d.cause[m][e]]).id;
                break;
            case exclusion::none: break;
            }
            if (why.empty() && e < s) {
                for (std::size_t q : p.graph().predecessors(m)) {
                    const std::size_t sq = plan.placements[q].empty() ? unplaced : plan.placements[q].back();
                    if (sq != unplaced && sq + gap > e) {
                        why = "its prerequisite " + p.module(q).id + " is in " + p.session(sq).id;
                        break;
                    }
                }
            }
            if (why.empty() && e > s) {
                for (std::size_t q : p.graph().successors(m)) {
                    const std::size_t sq = plan.placements[q].empty() ? unplaced : plan.placements[q].front();
                    if (sq != unplaced && e + gap > sq) {
                        why = p.module(q).id + ", which needs it, is in " + p.session(sq).id;
                        break;
                    }
                }
            }
            if (why.empty() && r.time_used[e] + mod.duration > ses.capacity) {
                why = "full: " + std::to_string(r.time_used[e]) + " of " + std::to_string(ses.capacity) +
                      " min used, it needs " + std::to_string(mod.duration);
            }
            if (why.empty() && ses.load_budget && r.load_used[e] + mod.load > *ses.load_budget) {
                why = "load budget: " + std::to_string(r.load_used[e]) + " of " + std::to_string(*ses.load_budget) +
                      " used, it adds " + std::to_string(mod.load);
            }
            if (why.empty()) {
                const auto [dc, db] = detail::move_delta(p, r, m, s, e);
                why = "allowed, but the objective would change by " + detail::signed_text(dc + db) + " (completion " +
                      detail::signed_text(dc) + ", balance " + detail::signed_text(db) + ")";
            }
            ex.reasons.push_back(ses.id + ": " + why);
            if (e + 1 == s) block_earlier = why;
        }
        // What would move it one session earlier.
        if (s > 0) {
            const std::size_t e = s - 1;
            const auto& ses = p.session(e);
            switch (d.why[m][e]) {
            case exclusion::forbidden: ex.to_change.push_back("lift the forbid on " + ses.id); break;
            case exclusion::pinned_elsewhere: ex.to_change.push_back("lift the pin"); break;
            case exclusion::too_long:
            case exclusion::too_heavy: ex.to_change.push_back("a larger " + ses.id + " session, or a shorter module"); break;
            case exclusion::after_prerequisite:
                ex.to_change.push_back("shorten the prerequisite chain through " + p.module(d.cause[m][e]).id);
                break;
            case exclusion::before_successor: break;
            case exclusion::none:
                if (block_earlier.rfind("its prerequisite", 0) == 0) {
                    ex.to_change.push_back("move that prerequisite to an earlier session first");
                } else if (block_earlier.rfind("full", 0) == 0) {
                    const std::int64_t need = r.time_used[e] + mod.duration - ses.capacity;
                    std::string who;
                    for (std::size_t q = 0; q < n; ++q)
                        if (plan.session_of(q) == e && p.module(q).duration >= need && p.pinned_session(q) != e) {
                            who = " (e.g. move " + p.module(q).id + ", " + std::to_string(p.module(q).duration) +
                                  " min, elsewhere)";
                            break;
                        }
                    ex.to_change.push_back("free " + std::to_string(need) + " min in " + ses.id + who);
                } else if (block_earlier.rfind("load budget", 0) == 0) {
                    ex.to_change.push_back("lower the load in " + ses.id + " by " +
                                           std::to_string(r.load_used[e] + mod.load - *ses.load_budget));
                } else if (block_earlier.rfind("allowed", 0) == 0) {
                    ex.to_change.push_back("weigh early completion more (raise its weight or the completion weight)");
                }
                break;
            }
        }
        out.push_back(std::move(ex));
    }
    return out;
}

/// @brief All explanations as text, in a topological order of the modules.
inline std::string explain_text(const LearningPathProblem& p, const session_domain& d, const session_plan& plan) {
    std::string s;
    for (const auto& e : explain(p, d, plan)) s += e.text();
    return s;
}

/// @brief Graphviz DOT of the prerequisite graph with one cluster per session of the plan.
/// Modules placed in no session or in several are drawn outside the clusters in red; a broken
/// prerequisite arc is red and bold.
inline std::string to_dot(const LearningPathProblem& p, const session_plan& plan) {
    detail::check_plan_size(p, plan);
    const auto r = evaluate(p, plan);
    const std::size_t n = p.num_modules(), gap = p.gap();
    auto node = [&](std::size_t m, bool bad) {
        const auto& mod = p.module(m);
        std::string label = mod.id;
        if (!mod.title.empty()) label += "\n" + mod.title;
        label += "\n" + std::to_string(mod.duration) + " min, load " + std::to_string(mod.load);
        if (p.pinned_session(m) != unplaced) label += ", pinned";
        return "    " + detail::dot_quote(mod.id) + " [label=" + detail::dot_quote(label) +
               (bad ? ", color=red, fontcolor=red" : "") + "];\n";
    };
    std::string s = "digraph learning_path {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontsize=10];\n";
    for (std::size_t e = 0; e < p.num_sessions(); ++e) {
        const auto& ses = p.session(e);
        std::string label = ses.id + " (" + std::to_string(r.time_used[e]) + "/" + std::to_string(ses.capacity) + " min";
        if (ses.load_budget) label += ", load " + std::to_string(r.load_used[e]) + "/" + std::to_string(*ses.load_budget);
        label += ")";
        s += "  subgraph cluster_" + std::to_string(e) + " {\n    label=" + detail::dot_quote(label) + ";\n";
        for (std::size_t m = 0; m < n; ++m)
            if (plan.session_of(m) == e) s += node(m, false);
        s += "  }\n";
    }
    for (std::size_t m = 0; m < n; ++m)
        if (plan.session_of(m) == unplaced) s += node(m, true);
    for (std::size_t b = 0; b < n; ++b) {
        for (std::size_t a : p.graph().predecessors(b)) {
            const auto& pa = plan.placements[a];
            const auto& pb = plan.placements[b];
            const bool broken = !pa.empty() && !pb.empty() && pa.back() + gap > pb.front();
            s += "  " + detail::dot_quote(p.module(a).id) + " -> " + detail::dot_quote(p.module(b).id) +
                 (broken ? " [color=red, penwidth=2, label=\"broken\"]" : "") + ";\n";
        }
    }
    return s + "}\n";
}

} // namespace qcoach::coaching
