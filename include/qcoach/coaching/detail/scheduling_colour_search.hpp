#pragma once
/// @file
/// @brief Graph colouring as session scheduling, and the search for the fewest colours.
///
/// A graph maps to a scheduling problem: vertices are sessions of length 1 ("v1".."vn"), the
/// k colours are time slots ("c1".."ck"), edges are explicit conflicts (two sessions not in one
/// slot). Its QUBO for k colours is the scheduling encoding: one-hot per vertex and one
/// at-most-one pair per edge and colour, every weight 1 (the objective is zero, so the
/// objective-range bound of penalty.hpp is 0 and the weight is 1). The energy of a sample is
/// the number of broken rows, so energy 0 means a proper k-colouring.
///
/// Search (minimize_colours). DSATUR gives an upper bound U, a greedy clique (and the pins) a
/// lower bound L (the pins may need more: a pin on c5 needs k >= 5). For k = U, U - 1, ... down to L, every member tries to find a proper
/// k-colouring within its budget: the QUBO solvers of the portfolio (target energy 0, so they
/// stop when they find one) and, unless turned off, TabuCol on the graph itself, named
/// "tabucol" in every report. The search stops at the first k no member solves. Which member
/// reached which k is kept, so what the QUBO solvers alone reach is always visible beside the
/// dedicated method. TabuCol at k starts from the best colouring found so far (colours >= k
/// reassigned); at k = U it starts from the DSATUR colouring and so succeeds at once.
///
/// Symmetry breaking (only without pins and forbids, which make colours distinguishable): the
/// clique's vertices are fixed to colours c1..cq. Any proper colouring can be relabelled so,
/// so a k-colouring exists with the pins iff it exists without them; the pins shrink the QUBO
/// and are applied to every member alike.
///
/// Colours are counted as distinct colours used; k is the palette c1..ck (with a colour
/// forbidden for everyone, k colours offer fewer than k). Proofs: the result is optimal when the
/// colours used equal the clique size, or (without pins and forbids) when the exact solver
/// enumerated the whole model for k - 1 (not stopped early) and found no state of energy 0.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qcoach/coaching/detail/scheduling_colouring.hpp"
#include "qcoach/coaching/detail/scheduling_dimacs.hpp"
#include "qcoach/coaching/detail/scheduling_encode.hpp"
#include "qcoach/coaching/detail/scheduling_plan.hpp"
#include "qcoach/coaching/portfolio.hpp"
#include "qcoach/coaching/report.hpp"
#include "qcoach/core/error.hpp"

namespace qcoach::coaching {

/// @brief The scheduling problem of colouring g with k colours (see the file comment).
inline scheduling_problem colouring_problem(const graph& g, int k) {
    if (k < 1) throw value_error("a colouring needs at least 1 colour, got " + std::to_string(k));
    if (g.num_vertices == 0) throw value_error("the graph has no vertices");
    scheduling_problem p;
    // Ids built with += ("c" + to_string trips a false GCC 12 warning, PR 105329).
    for (int c = 0; c < k; ++c) {
        std::string id = "c";
        id += std::to_string(c + 1);
        p.slots.push_back({std::move(id), 0, c, "colour"});
    }
    for (std::size_t v = 0; v < g.num_vertices; ++v) {
        std::string id = "v";
        id += std::to_string(v + 1);
        p.sessions.push_back({std::move(id), {}, {}, 1, {}});
    }
    for (const auto& [u, v] : g.edges) p.conflicts.emplace_back(u, v);
    p.weights = {0, 0};
    return p;
}

/// @brief The decisions of colour rules for k colours (pins need colours < k; forbids of
/// colours >= k have nothing to forbid).
inline schedule_decisions colouring_decisions(const colour_rules& rules, int k) {
    schedule_decisions d;
    for (const auto& [v, c] : rules.pins) {
        if (c >= k) throw value_error("v" + std::to_string(v + 1) + " is pinned to c" + std::to_string(c + 1) + " but only " + std::to_string(k) + " colours are tried");
        d.pins.push_back({v, static_cast<std::size_t>(c)});
    }
    for (const auto& [v, c] : rules.forbids) {
        if (c >= k) continue;
        if (v) d.forbids.push_back({forbid_scope::session, *v, static_cast<std::size_t>(c)});
        else d.forbids.push_back({forbid_scope::everyone, 0, static_cast<std::size_t>(c)});
    }
    return d;
}

/// Options of the colour search.
struct colour_search_options {
    /// The QUBO solvers: choice, seed, threads, QAOA, comparison runs, and the time limit of
    /// each solver at each k (time_limit_s; 0: the solvers' defaults). The search sets the
    /// target energy to 0 (a proper colouring ends a run).
    portfolio_options portfolio;
    bool use_tabucol = true;
    /// TabuCol's budget; a zero seed or time limit takes the portfolio's.
    tabucol_options tabucol;
    bool break_symmetry = true;
    /// Progress of the member running now ("k=7 tabu", "k=7 tabucol"); return false to stop it.
    std::function<bool(std::string_view what, const qubo::progress_info&)> progress;
};

/// One member's try at one k.
struct colour_member {
    std::string name;        ///< "exact", "tabu", "simulated_annealing", "qaoa", "tabucol"
    bool ran = false;
    bool found = false;      ///< a proper k-colouring
    int colours = 0;         ///< distinct colours of that colouring (0 when none)
    double residual = 0.0;   ///< QUBO energy (broken rows) or TabuCol's conflicting edges
    double time_s = 0.0;
    std::string note;
};

/// One k of the search.
struct colour_attempt {
    int k = 0;
    std::size_t variables = 0;      ///< QUBO variables
    std::size_t free_variables = 0; ///< after the symmetry/person pins
    std::vector<colour_member> members;
    bool found = false;
    std::string found_by;
    bool proved_infeasible = false; ///< the exact solver enumerated everything: no proper k-colouring
};

/// What the colour search found.
struct colour_search_result {
    std::string graph_name;
    std::size_t vertices = 0, edges = 0;
    int dsatur_colours = 0;
    double dsatur_time_s = 0.0;
    int clique_size = 0;
    int lower_bound = 0;               ///< max(clique, pins, 1)
    std::vector<std::uint32_t> symmetry_clique; ///< vertices fixed to c1..cq (empty: none)
    int colours = 0;                   ///< distinct colours of the best colouring
    int palette = 0;                   ///< its largest colour + 1 (differs with forbidden colours)
    std::vector<int> colouring;        ///< best colouring (0-based colours)
    std::string found_by;              ///< member that found it ("dsatur" when no k below helped)
    bool proved_optimal = false;
    std::string proof;                 ///< why it is optimal, or "not proved"
    std::vector<colour_attempt> attempts;
    double time_s = 0.0;

    /// @brief Fewest colours each member reached (empty when it found none), in first-seen order.
    std::vector<std::pair<std::string, std::optional<int>>> reach() const {
        std::vector<std::pair<std::string, std::optional<int>>> out;
        for (const colour_attempt& a : attempts) {
            for (const colour_member& m : a.members) {
                auto it = std::find_if(out.begin(), out.end(), [&](const auto& r) { return r.first == m.name; });
                if (it == out.end()) {
                    out.emplace_back(m.name, std::nullopt);
                    it = out.end() - 1;
                }
                if (m.found && (!it->second || m.colours < *it->second)) it->second = m.colours;
            }
        }
        return out;
    }

    /// @brief One comparison row per member: objective = fewest colours it reached (feasible),
    /// or the smallest k it tried when it reached none (infeasible); time = over all k.
    std::vector<comparison_row> rows() const {
        std::vector<comparison_row> out;
        out.push_back({"dsatur", static_cast<double>(dsatur_colours), true, dsatur_time_s, "upper bound, greedy"});
        for (const auto& [name, k] : reach()) {
            comparison_row r;
            r.solver = name;
            int tried = 0;
            std::string skipped;
            for (const colour_attempt& a : attempts) {
                for (const colour_member& m : a.members) {
                    if (m.name != name) continue;
                    r.time_s += m.time_s;
                    if (m.ran) tried = tried ? std::min(tried, a.k) : a.k;
                    else skipped = m.note;
                }
            }
            if (k) {
                r.objective = *k;
                r.feasible = true;
            } else if (tried) {
                r.objective = tried;
                r.note = "no proper colouring found (smallest k tried: " + std::to_string(tried) + ")";
            } else {
                r.note = "skipped: " + skipped;
            }
            if (name == found_by) r.note = r.note.empty() ? "best" : r.note + "; best";
            out.push_back(std::move(r));
        }
        return out;
    }
};

/// @brief Search for the fewest colours (see the file comment).
inline colour_search_result minimize_colours(const graph& g, const colour_rules& rules = {},
                                             const colour_search_options& options = {}) {
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    auto since = [](clock::time_point a) { return std::chrono::duration<double>(clock::now() - a).count(); };
    if (g.num_vertices == 0) throw value_error("the graph has no vertices");
    validate(g, rules);

    colour_search_result res;
    res.graph_name = g.name;
    res.vertices = g.num_vertices;
    res.edges = g.edges.size();
    const auto td = clock::now();
    res.colouring = dsatur(g, rules);
    res.dsatur_time_s = since(td);
    res.dsatur_colours = res.colours = distinct_colours(res.colouring);
    res.palette = colours_used(res.colouring);
    res.found_by = "dsatur";
    const std::vector<std::uint32_t> clique = greedy_clique(g);
    res.clique_size = static_cast<int>(clique.size());
    res.lower_bound = std::max({res.clique_size, rules.min_colours(), 1});
    if (options.break_symmetry && rules.empty() && clique.size() > 1) {
        res.symmetry_clique = clique;
        // Relabel the DSATUR colours so that clique vertex i has colour i (the clique's colours
        // are distinct in any proper colouring), so every later start respects the same pins.
        std::vector<int> map(static_cast<std::size_t>(res.palette), -1);
        for (std::size_t i = 0; i < clique.size(); ++i) map[static_cast<std::size_t>(res.colouring[clique[i]])] = static_cast<int>(i);
        int next = static_cast<int>(clique.size());
        for (int& m : map)
            if (m < 0) m = next++;
        for (int& c : res.colouring) c = map[static_cast<std::size_t>(c)];
    }

    portfolio_options po = options.portfolio;
    po.base.target_energy = 0.5; // energies are integers: below 0.5 means 0, a proper colouring
    tabucol_options to = options.tabucol;
    if (to.seed == 0) to.seed = po.seed;
    if (to.time_limit_s == 0) to.time_limit_s = po.time_limit_s;

    bool proved_below = false;
    for (int k = res.palette; k >= res.lower_bound; --k) {
        colour_attempt at;
        at.k = k;
        schedule_decisions d = colouring_decisions(rules, k);
        for (std::size_t i = 0; i < res.symmetry_clique.size(); ++i) d.pins.push_back({res.symmetry_clique[i], i});
        const schedule_encoding enc = encode(colouring_problem(g, k), d);
        at.variables = enc.model().num_variables();
        at.free_variables = at.variables - enc.pins().size();
        const std::string tag = "k=" + std::to_string(k) + " ";
        std::optional<std::vector<int>> found;

        if (at.free_variables > 0) {
            portfolio_options pk = po;
            if (options.progress) {
                pk.progress = [&options, tag](std::string_view name, const qubo::progress_info& p) {
                    return options.progress(tag + std::string(name), p);
                };
            }
            for (const solver_run& r : run_portfolio(enc.model(), enc.pins(), pk, &enc.constrained())) {
                colour_member m;
                m.name = r.solver;
                m.ran = r.ran;
                m.note = r.note;
                m.time_s = r.time_s;
                if (r.ran) {
                    m.residual = r.energy;
                    const schedule_plan plan = decode(enc, r.sample);
                    m.found = plan.feasible();
                    if (m.found) {
                        std::vector<int> c(g.num_vertices);
                        for (std::size_t v = 0; v < g.num_vertices; ++v) c[v] = static_cast<int>(*plan.slot_of(v));
                        m.colours = distinct_colours(c);
                        if (!found) {
                            found = std::move(c);
                            at.found_by = m.name;
                        }
                    }
                    if (r.kind == solver_kind::exact && !r.stopped_early && !m.found) at.proved_infeasible = true;
                }
                at.members.push_back(std::move(m));
            }
        } else {
            // Every vertex is pinned (a clique that is the whole graph): the pins are the colouring.
            std::vector<int> c(g.num_vertices, 0);
            for (const qubo::pin& p : enc.pins())
                if (p.value) c[enc.variable(p.variable).session] = static_cast<int>(enc.variable(p.variable).slot);
            if (is_proper(g, c)) {
                found = c;
                at.found_by = "pins";
            }
        }
        if (options.use_tabucol) {
            tabucol_options tk = to;
            colour_rules rk = rules;
            for (std::size_t i = 0; i < res.symmetry_clique.size(); ++i) rk.pins.emplace_back(res.symmetry_clique[i], static_cast<int>(i));
            if (options.progress) {
                tk.progress = [&options, tag](const qubo::progress_info& p) { return options.progress(tag + "tabucol", p); };
            }
            const tabucol_result tr = tabucol(g, k, rk, tk, res.colouring);
            colour_member m{"tabucol", true, tr.found(), tr.found() ? distinct_colours(tr.colours) : 0,
                            static_cast<double>(tr.conflicts), tr.time_s, std::to_string(tr.iterations) + " moves"};
            if (m.found && !found) {
                found = tr.colours;
                at.found_by = "tabucol";
            }
            at.members.push_back(std::move(m));
        }
        at.found = found.has_value();
        const bool proved = at.proved_infeasible;
        res.attempts.push_back(std::move(at));
        if (!found) {
            proved_below = proved;
            break;
        }
        res.colouring = std::move(*found);
        res.colours = distinct_colours(res.colouring);
        res.palette = colours_used(res.colouring);
        res.found_by = res.attempts.back().found_by;
        if (res.palette < k) k = res.palette + 1; // a member used fewer colours than asked
    }
    if (res.colours == res.clique_size) {
        res.proved_optimal = true;
        res.proof = "a clique of " + std::to_string(res.clique_size) + " vertices needs as many colours";
    } else if (proved_below && rules.empty()) {
        res.proved_optimal = true;
        res.proof = "the exact solver found no proper " + std::to_string(res.colours - 1) + "-colouring";
    } else {
        res.proof = "not proved (lower bound " + std::to_string(res.lower_bound) + ")";
    }
    res.time_s = since(t0);
    return res;
}

} // namespace qcoach::coaching
