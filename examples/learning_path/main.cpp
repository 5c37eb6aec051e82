// learning_path: plan a learning path (modules into sessions, or one order of modules) with the
// QUBO solvers of qcoach and a dedicated classical method side by side; print the plan, whether
// it keeps every hard constraint, why each module is where it is, and the comparison of every
// solver that ran. Inputs: a small JSON file (default data/week.json), a SALBP-1 instance
// (--salbp), a TSPLIB SOP instance (--sop) or the Metacademy prerequisite graph (--metacademy).
// See README.md.
#include <qcoach/coaching/detail/learning_metacademy_reader.hpp>
#include <qcoach/coaching/detail/learning_salbp_reader.hpp>
#include <qcoach/coaching/detail/learning_salbp_search.hpp>
#include <qcoach/coaching/learning_path.hpp>
#include <qcoach/coaching/portfolio.hpp>
#include <qcoach/coaching/report.hpp>
#include <qcoach/coaching/sequencing.hpp>

#include "input.hpp"
#include "known_optima.hpp"
#include "progress_bar.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace cc = qcoach::coaching;
namespace qb = qcoach::qubo;
using json = nlohmann::ordered_json;

constexpr int exit_solver_error = 1; // no solver produced a plan
constexpr int exit_bad_input = 2;    // bad command line, unreadable or malformed input, impossible pin

struct settings {
    std::string input = LEARNING_PATH_DATA_DIR "/week.json";
    std::string mode = "sessions";
    std::string salbp;
    std::int64_t cycle_time = 0;
    std::string sop;
    std::string metacademy;
    std::string target;
    std::size_t sessions = 0;       // Metacademy: number of sessions (0: enough for the minutes, plus one)
    std::int64_t capacity = 120;    // Metacademy: minutes per session
    std::string precedence;         // Metacademy: override of the precedence rule
    std::string solver = "auto";
    std::uint64_t seed = 1;
    double time_limit = 0.0;
    int threads = 0;
    std::vector<std::string> pins, forbids;
    bool explain = false, repair = false, as_json = false, compare = true;
    std::string dot;
    std::optional<std::int64_t> optimum;
};

/// Everything the output needs, whatever the mode.
struct result {
    std::string mode, instance, description, objective_name = "objective";
    std::vector<cc::comparison_row> rows;
    std::size_t shown = cc::unplaced; // row whose plan is shown
    std::string shown_remark;         // why that row (when not the chosen one)
    std::string requested;
    std::string qubo_text;
    json qubo_json;
    std::string plan_text, check_text, objective_text, explanation;
    std::vector<std::string> repairs;
    json plan_json, parts_json, violations_json = json::array(), explanation_json = json::array();
    std::optional<learning_input::known_value> optimum;
    std::string dot;
    bool feasible = false;
    double objective = 0.0;
};

struct bad_input : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string fmt(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

/// A JSON number: an integer when it is one, else rounded to 9 decimals (the load imbalance
/// carries a division by the number of sessions; 99.19999999999999 reads better as 99.2).
json number(double v) {
    if (std::isfinite(v) && v == std::nearbyint(v) && std::abs(v) < 9e15) return static_cast<std::int64_t>(v);
    if (std::isfinite(v) && std::abs(v) < 1e6) return std::round(v * 1e9) / 1e9;
    return v;
}

/// The solver the portfolio is asked for; "dedicated" asks the portfolio for its automatic
/// choice and shows the dedicated plan instead.
cc::solver_kind portfolio_kind(const settings& s) {
    return s.solver == "dedicated" ? cc::solver_kind::automatic : cc::parse_solver_kind(s.solver);
}

/// The one place where the portfolio's options are built.
cc::portfolio_options make_portfolio_options(const settings& s, cc::solver_kind kind, qcoach_example::ProgressBar& bar) {
    cc::portfolio_options options;
    options.solver = kind;
    options.seed = s.seed;
    options.time_limit_s = s.time_limit;
    options.threads = s.threads;
    options.compare = s.compare;
    options.progress = [&bar](std::string_view solver, const qb::progress_info& p) {
        bar.update(solver, static_cast<double>(p.units_done), static_cast<double>(p.units_total),
                   std::isfinite(p.best_energy) ? "best energy " + fmt(p.best_energy) : "");
        return true;
    };
    // QAOA: the XY mixer on the feasible subspace where the one-hot rows partition the
    // variables (sessions mode: one session per module), else the X mixer on the full space;
    // both grow the depth to 2 by INTERP.
    options.qaoa_xy = cc::make_xy_qaoa_solver();
    options.qaoa = cc::make_qaoa_solver();
    return options;
}

/// "MODULE=SESSION" -> the two parts.
std::pair<std::string, std::string> split_rule(const std::string& text, const char* option) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        throw bad_input(std::string(option) + " " + text + ": expected MODULE=SESSION (or MODULE=POSITION in sequence mode)");
    return {text.substr(0, eq), text.substr(eq + 1)};
}

std::string qubo_summary(const qb::BinaryQuadraticModel& m, std::size_t assignment, const qb::ConstrainedModel& cm,
                         std::size_t pins, const std::string& weights, json& j) {
    std::size_t active = 0;
    for (const auto& c : cm.constraints()) active += c.redundant() ? 0 : 1;
    j["variables"] = m.num_variables();
    j["assignment_variables"] = assignment;
    j["slack_variables"] = m.num_variables() - assignment;
    j["constraints"] = cm.constraints().size();
    j["pinned_variables"] = pins;
    j["penalty_weights"] = weights;
    return "QUBO: " + std::to_string(m.num_variables()) + " variables (" + std::to_string(assignment) + " placement, " +
           std::to_string(m.num_variables() - assignment) + " slack), " + std::to_string(cm.constraints().size()) +
           " constraints (" + std::to_string(active) + " with a penalty), " + std::to_string(pins) + " pinned\n" + weights;
}

// ---- sessions mode -------------------------------------------------------------------------

void describe_sessions_plan(const cc::LearningPathProblem& p, const cc::session_domain& d, const cc::session_plan& plan,
                            const settings& s, result& r) {
    const auto check = cc::check_plan(p, plan);
    const auto obj = cc::evaluate(p, plan);
    r.feasible = check.feasible();
    r.check_text = check.summary();
    for (const auto& v : check.violations) r.violations_json.push_back({{"constraint", v.constraint}, {"amount", v.amount}, {"detail", v.detail}});
    r.repairs = plan.repairs;
    r.plan_json = json::array();
    for (std::size_t e = 0; e < p.num_sessions(); ++e) {
        const auto& ses = p.session(e);
        json mods = json::array();
        std::string line = "  " + ses.id;
        line += std::string(line.size() < 8 ? 8 - line.size() : 1, ' ');
        char buf[96];
        std::snprintf(buf, sizeof buf, "%4lld/%-4lld min", static_cast<long long>(obj.time_used[e]), static_cast<long long>(ses.capacity));
        line += buf;
        if (ses.load_budget) {
            std::snprintf(buf, sizeof buf, "  load %2lld/%-2lld", static_cast<long long>(obj.load_used[e]),
                          static_cast<long long>(*ses.load_budget));
            line += buf;
        }
        line += " :";
        for (std::size_t m = 0; m < p.num_modules(); ++m) {
            const auto& pl = plan.placements[m];
            if (std::find(pl.begin(), pl.end(), e) == pl.end()) continue;
            mods.push_back(p.module(m).id);
            line += " " + p.module(m).id;
            if (!p.module(m).title.empty()) line += " (" + p.module(m).title + ")";
            line += ",";
        }
        if (line.back() == ',') line.pop_back();
        r.plan_text += line + "\n";
        json sj = {{"session", ses.id}, {"modules", mods}, {"minutes", obj.time_used[e]}, {"capacity", ses.capacity},
                   {"load", obj.load_used[e]}};
        if (ses.load_budget) sj["load_budget"] = *ses.load_budget;
        r.plan_json.push_back(sj);
    }
    for (std::size_t m = 0; m < p.num_modules(); ++m)
        if (plan.placements[m].empty()) r.plan_text += "  (no session): " + p.module(m).id + "\n";
    if (p.weights().completion == 0 && p.weights().balance == 0)
        r.objective_text = std::to_string(obj.sessions_used) + " of " + std::to_string(p.num_sessions()) + " sessions used";
    else r.objective_text = "objective " + fmt(obj.total) + " = " + std::to_string(p.weights().completion) + " x completion " +
                       std::to_string(obj.completion) + " + " + std::to_string(p.weights().balance) + " x load imbalance " +
                       fmt(obj.imbalance) + "; " + std::to_string(obj.sessions_used) + " of " + std::to_string(p.num_sessions()) +
                       " sessions used";
    r.parts_json = {{"completion", obj.completion}, {"load_imbalance", number(obj.imbalance)}, {"sessions_used", obj.sessions_used}};
    if (s.explain) {
        for (const auto& ex : cc::explain(p, d, plan)) {
            r.explanation += ex.text();
            r.explanation_json.push_back({{"module", p.module(ex.module).id},
                                          {"session", ex.session == cc::unplaced ? json(nullptr) : json(p.session(ex.session).id)},
                                          {"reasons", ex.reasons},
                                          {"to_change", ex.to_change}});
        }
    }
    if (!s.dot.empty()) r.dot = cc::to_dot(p, plan);
}

cc::comparison_row session_row(const cc::session_outcome& o, bool sessions_objective) {
    cc::comparison_row row;
    row.solver = o.solver;
    row.time_s = o.time_s;
    row.note = o.note;
    if (o.ran) {
        row.objective = sessions_objective ? static_cast<double>(o.objective.sessions_used) : o.objective.total;
        row.feasible = o.feasible();
        if (std::isfinite(o.energy)) row.note = "energy " + fmt(o.energy) + (row.note.empty() ? "" : ", " + row.note);
    } else {
        row.note = "skipped: " + o.note;
    }
    if (o.chosen) row.note = row.note.empty() ? "chosen" : "chosen, " + row.note;
    return row;
}

/// Pick the row to show. A named solver: its own plan, feasible or not (the best plan of the
/// comparison only when it did not run). auto: the best feasible plan of the comparison,
/// preferring the portfolio's automatic choice when it is as good.
std::size_t pick_shown(const std::vector<cc::comparison_row>& rows, std::size_t requested, bool automatic, std::string& remark) {
    const bool requested_ran = requested < rows.size() && rows[requested].objective.has_value();
    std::size_t best = cc::unplaced;
    for (std::size_t k = 0; k < rows.size(); ++k) {
        if (!rows[k].objective) continue;
        const bool better = best == cc::unplaced || (rows[k].feasible && !rows[best].feasible) ||
                            (rows[k].feasible == rows[best].feasible && *rows[k].objective < *rows[best].objective);
        if (better) best = k;
    }
    if (requested_ran && (!automatic || best == cc::unplaced || !rows[best].feasible)) return requested;
    if (requested_ran && rows[requested].feasible && *rows[requested].objective <= *rows[best].objective) return requested;
    if (best == cc::unplaced) return best;
    if (!requested_ran) {
        remark = "the requested solver did not run (" + rows[requested].note + "); showing the best plan of the comparison";
    } else {
        remark = "auto shows the best feasible plan of the comparison; the automatic QUBO choice (" + rows[requested].solver +
                 ") returned " + (rows[requested].feasible ? "a costlier plan" : "an infeasible plan");
    }
    return best;
}

void run_sessions(cc::LearningPathProblem problem, const settings& s, qcoach_example::ProgressBar& bar, result& r) {
    for (const auto& text : s.pins) {
        const auto [m, e] = split_rule(text, "--pin");
        problem.pin(problem.module_index(m), problem.session_index(e));
    }
    for (const auto& text : s.forbids) {
        const auto [m, e] = split_rule(text, "--forbid");
        problem.forbid(problem.module_index(m), problem.session_index(e));
    }
    const cc::SessionQubo q(std::move(problem));
    const auto& p = q.problem();
    r.qubo_text = qubo_summary(q.model(), q.num_assignment_variables(), q.constrained(), q.pins().size(), q.weight_summary(), r.qubo_json);
    const std::size_t n_free = q.model().num_variables() - q.pins().size();
    if (s.solver == "exact" && n_free > 26)
        throw bad_input("--solver exact: the model has " + std::to_string(n_free) +
                        " free variables; exhaustive enumeration is limited to 26 here (use auto or tabu)");
    auto outcomes = cc::solve_sessions(q, make_portfolio_options(s, portfolio_kind(s), bar), s.repair);
    cc::plan_search_options so;
    so.seed = s.seed;
    so.time_limit_s = s.time_limit;
    so.progress = [&bar](std::size_t done, std::size_t total, double best) {
        bar.update("plan local search", static_cast<double>(done), static_cast<double>(total), "best " + fmt(best));
        return true;
    };
    outcomes.push_back(cc::solve_sessions_dedicated(q, so));
    if (s.solver == "dedicated") {
        for (auto& o : outcomes) o.chosen = false;
        outcomes.back().chosen = true;
    }
    std::size_t requested = 0;
    for (std::size_t k = 0; k < outcomes.size(); ++k) {
        r.rows.push_back(session_row(outcomes[k], false));
        if (outcomes[k].chosen) requested = k;
    }
    r.shown = pick_shown(r.rows, requested, s.solver == "auto", r.shown_remark);
    if (r.shown == cc::unplaced) return;
    r.objective = *r.rows[r.shown].objective;
    describe_sessions_plan(p, q.domain(), outcomes[r.shown].plan, s, r);
}

cc::LearningPathProblem week_problem(const learning_input::week& w, const std::string& source) {
    try {
        return cc::LearningPathProblem(w.modules, w.sessions, w.rule, w.weights);
    } catch (const qcoach::error& e) {
        throw bad_input(source + ": " + e.what());
    }
}

// ---- sequence mode -------------------------------------------------------------------------

void run_sequence(cc::SequencingProblem problem, const settings& s, qcoach_example::ProgressBar& bar, result& r) {
    for (const auto& text : s.pins) {
        const auto [m, e] = split_rule(text, "--pin");
        problem.pin(problem.item_index(m), problem.position_index(e));
    }
    for (const auto& text : s.forbids) {
        const auto [m, e] = split_rule(text, "--forbid");
        problem.forbid(problem.item_index(m), problem.position_index(e));
    }
    const cc::SequenceQubo q(std::move(problem));
    const auto& p = q.problem();
    r.qubo_text = qubo_summary(q.model(), q.model().num_variables() - q.constrained().num_slack_variables(), q.constrained(),
                               q.pins().size(), q.weight_summary(), r.qubo_json);
    const std::size_t n_free = q.model().num_variables() - q.pins().size();
    if (s.solver == "exact" && n_free > 26)
        throw bad_input("--solver exact: the model has " + std::to_string(n_free) +
                        " free variables; exhaustive enumeration is limited to 26 here (use auto or tabu)");
    auto outcomes = cc::solve_sequence(q, make_portfolio_options(s, portfolio_kind(s), bar), s.repair);
    cc::sequence_search_options so;
    so.seed = s.seed;
    so.time_limit_s = s.time_limit;
    so.progress = [&bar](std::size_t done, std::size_t total, double best) {
        bar.update("sequence local search", static_cast<double>(done), static_cast<double>(total), "best " + fmt(best));
        return true;
    };
    const std::size_t first_dedicated = outcomes.size();
    for (auto& o : cc::solve_sequence_dedicated(q, so)) outcomes.push_back(std::move(o));
    if (s.solver == "dedicated") {
        for (auto& o : outcomes) o.chosen = false;
        outcomes[first_dedicated].chosen = true;
    }
    std::size_t requested = 0;
    for (std::size_t k = 0; k < outcomes.size(); ++k) {
        const auto& o = outcomes[k];
        cc::comparison_row row;
        row.solver = o.solver;
        row.time_s = o.time_s;
        row.note = o.ran ? o.note : "skipped: " + o.note;
        if (o.ran) {
            row.objective = static_cast<double>(o.objective.total);
            row.feasible = o.feasible();
            if (std::isfinite(o.energy)) row.note = "energy " + fmt(o.energy) + (row.note.empty() ? "" : ", " + row.note);
        }
        if (o.chosen) {
            row.note = row.note.empty() ? "chosen" : "chosen, " + row.note;
            requested = k;
        }
        r.rows.push_back(std::move(row));
    }
    r.shown = pick_shown(r.rows, requested, s.solver == "auto", r.shown_remark);
    if (r.shown == cc::unplaced) return;
    const auto& plan = outcomes[r.shown].plan;
    const auto check = cc::check_plan(p, plan);
    const auto obj = cc::evaluate(p, plan);
    r.objective = static_cast<double>(obj.total);
    r.feasible = check.feasible();
    r.check_text = check.summary();
    for (const auto& v : check.violations) r.violations_json.push_back({{"constraint", v.constraint}, {"amount", v.amount}, {"detail", v.detail}});
    r.repairs = plan.repairs;
    r.plan_json = json::array();
    for (std::size_t pos = 0; pos < plan.at_position.size(); ++pos) {
        // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) about "literal" + string here.
        std::string line = "  ";
        line += std::to_string(pos + 1);
        line += ".";
        json here = json::array();
        for (std::size_t a : plan.at_position[pos]) {
            line += ' ';
            line += p.label(a);
            here.push_back(p.id(a));
        }
        if (plan.at_position[pos].empty()) line += " (empty)";
        r.plan_text += line + "\n";
        r.plan_json.push_back(here.size() == 1 ? here[0] : here);
    }
    r.objective_text = "cost " + std::to_string(obj.total) + " = transitions " + std::to_string(obj.transitions) + " + position " +
                       std::to_string(obj.position);
    r.parts_json = {{"transitions", obj.transitions}, {"position", obj.position}};
    if (s.explain) {
        for (const auto& ex : cc::explain(p, q.domain(), plan)) {
            r.explanation += ex.text();
            r.explanation_json.push_back({{"module", ex.position == cc::unplaced ? json(nullptr) : json(p.id(ex.module))},
                                          {"position", ex.position == cc::unplaced ? json(nullptr) : json(ex.position + 1)},
                                          {"reasons", ex.reasons},
                                          {"to_change", ex.to_change}});
        }
    }
    if (!s.dot.empty()) r.dot = cc::to_dot(p, plan);
}

// ---- SALBP-1 -------------------------------------------------------------------------------

/// Sessions mode of a SALBP-1 instance with S sessions of capacity c; feasibility only (both
/// objective weights 0), prerequisites in the same or an earlier session.
cc::LearningPathProblem salbp_problem(const cc::detail::salbp_instance& inst, std::int64_t c, std::size_t S) {
    std::vector<cc::learning_module> mods(inst.times.size());
    for (std::size_t j = 0; j < mods.size(); ++j) {
        mods[j].id = std::to_string(j + 1);
        mods[j].duration = inst.times[j];
        mods[j].weight = 0;
    }
    for (const auto& [a, b] : inst.arcs) mods[b].prerequisites.push_back(std::to_string(a + 1));
    std::vector<cc::learning_session> ses(S);
    for (std::size_t e = 0; e < S; ++e) {
        ses[e].id = std::to_string(e + 1);
        ses[e].capacity = c;
    }
    return cc::LearningPathProblem(std::move(mods), std::move(ses), cc::precedence_rule::same_or_earlier, cc::session_weights{0, 0});
}

void run_salbp(const settings& s, qcoach_example::ProgressBar& bar, result& r) {
    if (!s.pins.empty() || !s.forbids.empty()) throw bad_input("--pin and --forbid do not apply to --salbp instances");
    if (s.cycle_time <= 0) throw bad_input("--salbp needs --cycle-time C (a positive integer)");
    const auto inst = cc::detail::read_salbp_in2(s.salbp);
    const std::int64_t c = s.cycle_time;
    r.instance = inst.name + " c=" + std::to_string(c);
    r.objective_name = "sessions";
    r.optimum = learning_input::salbp_optimum(inst.name, c);
    cc::detail::precedence_graph g(inst.times.size());
    for (const auto& [a, b] : inst.arcs) g.add_arc(a, b);
    std::int64_t total = 0;
    for (auto t : inst.times) total += t;
    r.description = "SALBP-1 instance " + inst.name + ": " + std::to_string(inst.times.size()) + " tasks (modules), " +
                    std::to_string(inst.arcs.size()) + " precedence arcs, total time " + std::to_string(total) +
                    ", cycle time (session capacity) " + std::to_string(c) + "; prerequisites in the same or an earlier session";

    cc::detail::salbp_options bo;
    bo.time_limit_s = s.time_limit > 0 ? s.time_limit : 10.0;
    bo.seed = s.seed;
    bo.progress = [&bar](std::size_t m, std::size_t lb, std::size_t ub) {
        bar.update("station branch-and-bound", 0, 0, "trying " + std::to_string(m) + " (bounds " + std::to_string(lb) + ".." + std::to_string(ub) + ")");
        return true;
    };
    const auto bb = cc::detail::solve_salbp1(inst.times, g, c, bo);

    // QUBO solvers: the smallest number of sessions S (from the proven lower bound up to two
    // more than the dedicated result) at which each finds a feasible plan.
    const std::size_t s_lo = bb.lower_bound, s_hi = bb.stations + 2;
    std::map<std::size_t, std::optional<cc::SessionQubo>> qubos;
    auto qubo_for = [&](std::size_t S) -> const cc::SessionQubo* {
        auto it = qubos.find(S);
        if (it == qubos.end()) {
            std::optional<cc::SessionQubo> q;
            try {
                q.emplace(salbp_problem(inst, c, S));
            } catch (const qcoach::value_error&) {
                // S sessions cannot hold some prerequisite chain: no plan, no model.
            }
            it = qubos.emplace(S, std::move(q)).first;
        }
        return it->second ? &*it->second : nullptr;
    };
    const cc::solver_kind requested = portfolio_kind(s);
    std::vector<cc::solver_kind> kinds;
    {
        const cc::SessionQubo* q0 = nullptr;
        for (std::size_t S = s_lo; S <= s_hi && !q0; ++S) q0 = qubo_for(S);
        const std::size_t n_free = q0 ? q0->model().num_variables() : 0;
        cc::portfolio_options probe;
        const cc::solver_kind chosen = requested == cc::solver_kind::automatic ? cc::automatic_choice(n_free, probe) : requested;
        if (chosen == cc::solver_kind::exact && n_free > 26)
            throw bad_input("--solver exact: the model has " + std::to_string(n_free) +
                            " free variables; exhaustive enumeration is limited to 26 here (use auto or tabu)");
        kinds.push_back(chosen);
        if (s.compare)
            for (auto k : {cc::solver_kind::exact, cc::solver_kind::qaoa, cc::solver_kind::anneal, cc::solver_kind::tabu})
                if (k != chosen) kinds.push_back(k);
    }
    struct attempt {
        cc::session_outcome outcome;
        std::size_t sessions = 0; // S of the model the outcome comes from
        double time = 0.0;
        std::string note;
        bool found = false;
    };
    std::vector<attempt> attempts(kinds.size());
    for (std::size_t k = 0; k < kinds.size(); ++k) {
        for (std::size_t S = s_lo; S <= s_hi && !attempts[k].found; ++S) {
            const cc::SessionQubo* q = qubo_for(S);
            if (!q) continue;
            const std::size_t n_free = q->model().num_variables();
            if (kinds[k] == cc::solver_kind::exact && n_free > 26) {
                attempts[k].note = "skipped: " + std::to_string(n_free) + " variables exceed the exact limit of 26";
                break;
            }
            auto options = make_portfolio_options(s, kinds[k], bar);
            options.compare = false;
            auto outs = cc::solve_sessions(*q, options, s.repair);
            auto& o = outs.front();
            if (!o.ran) {
                attempts[k].outcome = o;
                attempts[k].note = "skipped: " + o.note;
                break;
            }
            attempts[k].time += o.time_s;
            attempts[k].outcome = o;
            attempts[k].sessions = S;
            attempts[k].found = o.feasible();
        }
    }
    std::vector<cc::session_plan> plans;
    std::vector<std::size_t> plan_sessions;
    std::size_t requested_row = 0;
    for (std::size_t k = 0; k < kinds.size(); ++k) {
        const auto& a = attempts[k];
        cc::comparison_row row;
        row.solver = a.outcome.solver.empty() ? std::string(cc::to_string(kinds[k])) : a.outcome.solver;
        row.time_s = a.time;
        if (a.note.rfind("skipped", 0) == 0 || a.sessions == 0) {
            row.note = a.note.empty() ? "skipped: no model" : a.note;
        } else {
            row.objective = static_cast<double>(a.outcome.objective.sessions_used);
            row.feasible = a.found;
            row.note = a.found ? "feasible with " + std::to_string(a.sessions) + " sessions" + (a.outcome.note.empty() ? "" : ", " + a.outcome.note)
                               : "no feasible plan with " + std::to_string(s_lo) + ".." + std::to_string(s_hi) + " sessions";
        }
        if (k == 0 && s.solver != "dedicated") {
            row.note = "chosen, " + row.note;
            requested_row = k;
        }
        r.rows.push_back(row);
        plans.push_back(a.outcome.plan);
        plan_sessions.push_back(a.sessions);
    }
    {
        cc::comparison_row row;
        row.solver = "station branch-and-bound (dedicated)";
        row.time_s = bb.time_s;
        row.objective = static_cast<double>(bb.stations);
        const auto p = salbp_problem(inst, c, bb.stations);
        cc::session_plan plan = cc::session_plan::from_sessions(bb.station_of);
        row.feasible = cc::check_plan(p, plan).feasible();
        row.note = bb.proven_optimal ? "proven optimal" : "time limit: lower bound " + std::to_string(bb.lower_bound);
        row.note += ", heuristic " + std::to_string(bb.heuristic_stations);
        if (s.solver == "dedicated") {
            row.note = "chosen, " + row.note;
            requested_row = r.rows.size();
        }
        r.rows.push_back(row);
        plans.push_back(plan);
        plan_sessions.push_back(bb.stations);
    }
    r.shown = pick_shown(r.rows, requested_row, s.solver == "auto", r.shown_remark);
    if (r.shown == cc::unplaced) return;
    r.objective = *r.rows[r.shown].objective;
    const std::size_t S = plan_sessions[r.shown];
    const auto p = salbp_problem(inst, c, S);
    const auto d = cc::analyse_domain(p);
    if (const cc::SessionQubo* q = qubo_for(S))
        r.qubo_text = "with " + std::to_string(S) + " sessions: " +
                      qubo_summary(q->model(), q->num_assignment_variables(), q->constrained(), 0, q->weight_summary(), r.qubo_json);
    describe_sessions_plan(p, d, plans[r.shown], s, r);
}

// ---- Metacademy ----------------------------------------------------------------------------

learning_input::week metacademy_week(const settings& s, std::string& description) {
    if (s.target.empty()) throw bad_input("--metacademy needs --target CONCEPT");
    const auto g = cc::detail::read_metacademy(s.metacademy);
    std::vector<std::size_t> keep;
    try {
        keep = cc::detail::ancestors(g, s.target);
    } catch (const qcoach::error& e) {
        throw bad_input(s.metacademy + ": " + e.what());
    }
    std::vector<std::size_t> local(g.tags.size(), cc::unplaced);
    for (std::size_t k = 0; k < keep.size(); ++k) local[keep[k]] = k;
    learning_input::week w;
    w.title = "Path to " + g.titles[keep.back()];
    w.rule = s.precedence.empty() ? cc::precedence_rule::same_or_earlier : cc::parse_precedence_rule(s.precedence);
    // Synthetic durations and loads (the graph has none): 30 minutes per concept; load 1 plus
    // the number of direct prerequisites, at most 4 (concepts that combine more ideas are
    // heavier); the target weighs 3, the others 1.
    for (std::size_t v : keep) {
        cc::learning_module m;
        m.id = g.tags[v];
        m.title = g.titles[v];
        std::string plain = m.id;
        std::replace(plain.begin(), plain.end(), '_', ' ');
        if (plain == m.title) m.title.clear(); // the title adds nothing to the tag
        m.duration = 30;
        m.weight = v == keep.back() ? 3 : 1;
        std::int64_t pre = 0;
        for (std::size_t k = 0; k < g.arcs.size(); ++k)
            if (g.arcs[k].second == v && local[g.arcs[k].first] != cc::unplaced) {
                m.prerequisites.push_back(g.tags[g.arcs[k].first]);
                ++pre;
            }
        m.load = 1 + std::min<std::int64_t>(3, pre);
        w.modules.push_back(std::move(m));
    }
    std::size_t S = s.sessions;
    if (S == 0) {
        const std::int64_t minutes = 30 * static_cast<std::int64_t>(keep.size());
        S = static_cast<std::size_t>((minutes + s.capacity - 1) / s.capacity) + 1;
        if (w.rule == cc::precedence_rule::earlier_session) {
            // At least one session per level of the longest prerequisite chain.
            std::vector<std::size_t> level(keep.size(), 0);
            std::size_t depth = 0;
            for (std::size_t k = 0; k < keep.size(); ++k)
                for (const auto& pre : w.modules[k].prerequisites)
                    for (std::size_t j = 0; j < k; ++j)
                        if (w.modules[j].id == pre) level[k] = std::max(level[k], level[j] + 1);
            for (auto l : level) depth = std::max(depth, l);
            S = std::max(S, depth + 1);
        }
    }
    for (std::size_t e = 0; e < S; ++e) w.sessions.push_back({"S" + std::to_string(e + 1), s.capacity, std::nullopt});
    description = "Metacademy path to '" + s.target + "': " + std::to_string(keep.size()) + " concepts (the target and its prerequisites), " +
                  std::to_string(S) + " sessions of " + std::to_string(s.capacity) +
                  " min; 30 min per concept (synthetic), prerequisites in " +
                  (w.rule == cc::precedence_rule::same_or_earlier ? "the same or an earlier session" : "an earlier session");
    return w;
}

// ---- output --------------------------------------------------------------------------------

void print_text(const result& r, const settings& s) {
    std::cout << r.description << "\n" << r.qubo_text;
    if (r.shown == cc::unplaced) {
        std::cout << "\nno solver produced a plan\n\n" << cc::format_comparison(r.rows, false, r.objective_name);
        return;
    }
    std::cout << "\nPlan from " << r.rows[r.shown].solver;
    if (!r.shown_remark.empty()) std::cout << " (" << r.shown_remark << ")";
    std::cout << ":\n" << r.plan_text;
    if (!r.repairs.empty()) {
        std::cout << "Repaired (--repair): the solver's sample broke hard constraints; changes:\n";
        for (const auto& line : r.repairs) std::cout << "  " << line << "\n";
    }
    std::cout << "Feasibility: " << r.check_text << "\n" << r.objective_text << "\n";
    if (r.optimum) {
        std::cout << (r.optimum->proven ? "Optimum " : "Best known ") << r.optimum->value << "; this plan's gap: "
                  << fmt(cc::gap_percent(r.objective, static_cast<double>(r.optimum->value))) << " %\n";
    }
    if (s.explain) std::cout << "\nWhy each module is where it is:\n" << r.explanation;
    std::cout << "\nComparison (" << r.objective_name << ", lower is better):\n" << cc::format_comparison(r.rows, false, r.objective_name);
    if (!s.dot.empty()) std::cout << "\nGraphviz drawing written to " << s.dot << "\n";
}

void print_json(const result& r) {
    json j;
    j["mode"] = r.mode;
    j["instance"] = r.instance;
    j["requested_solver"] = r.requested;
    j["solver"] = r.shown == cc::unplaced ? json(nullptr) : json(r.rows[r.shown].solver);
    j["feasible"] = r.shown != cc::unplaced && r.feasible;
    j["objective"] = r.shown == cc::unplaced ? json(nullptr) : number(r.objective);
    j["objective_name"] = r.objective_name;
    j["time_s"] = r.shown == cc::unplaced ? 0.0 : r.rows[r.shown].time_s;
    j["repaired"] = !r.repairs.empty();
    if (!r.shown_remark.empty()) j["remark"] = r.shown_remark;
    if (r.optimum) {
        j["optimum"] = r.optimum->value;
        j["optimum_proven"] = r.optimum->proven;
        j["gap_percent"] = r.shown == cc::unplaced ? json(nullptr) : json(cc::gap_percent(r.objective, static_cast<double>(r.optimum->value)));
    }
    const auto best = cc::best_feasible(r.rows, false);
    if (best) {
        j["best_objective"] = number(*best);
        for (const auto& row : r.rows)
            if (row.feasible && row.objective && *row.objective == *best) {
                j["best_solver"] = row.solver;
                break;
            }
        if (r.optimum) j["best_gap_percent"] = cc::gap_percent(*best, static_cast<double>(r.optimum->value));
    }
    j["plan"] = r.plan_json;
    j["objective_parts"] = r.parts_json;
    j["violations"] = r.violations_json;
    if (!r.repairs.empty()) j["repairs"] = r.repairs;
    j["qubo"] = r.qubo_json;
    json rows = json::array();
    for (const auto& row : r.rows) {
        json x = {{"solver", row.solver},
                  {"ran", row.objective.has_value()},
                  {"objective", row.objective ? number(*row.objective) : json(nullptr)},
                  {"feasible", row.feasible},
                  {"time_s", row.time_s},
                  {"note", row.note}};
        x["gap_percent"] = (row.feasible && row.objective && best) ? json(cc::gap_percent(*row.objective, *best)) : json(nullptr);
        if (r.optimum && row.feasible && row.objective)
            x["gap_to_optimum_percent"] = cc::gap_percent(*row.objective, static_cast<double>(r.optimum->value));
        rows.push_back(std::move(x));
    }
    j["comparison"] = rows;
    if (!r.explanation_json.empty()) j["explanation"] = r.explanation_json;
    std::cout << j.dump() << "\n";
}

} // namespace

int main(int argc, char** argv) {
    settings s;
    CLI::App app{"Plan a learning path with QUBO solvers and a dedicated classical method side by side."};
    app.add_option("input", s.input, "learning week as JSON (default: the bundled data/week.json)");
    app.add_option("--mode", s.mode, "sessions (modules into sessions) or sequence (one order of modules)")
        ->check(CLI::IsMember({"sessions", "sequence"}));
    app.add_option("--salbp", s.salbp, "SALBP-1 instance in Scholl's .IN2 format (sessions mode)");
    app.add_option("--cycle-time", s.cycle_time, "cycle time (session capacity) of the --salbp instance");
    app.add_option("--sop", s.sop, "TSPLIB sequential ordering instance (sequence mode)");
    app.add_option("--metacademy", s.metacademy, "directory with the Metacademy concepts.tsv and prerequisites.tsv");
    app.add_option("--target", s.target, "Metacademy concept to build a path to");
    app.add_option("--sessions", s.sessions, "Metacademy: number of sessions (default: enough for the minutes, plus one)");
    app.add_option("--capacity", s.capacity, "Metacademy: minutes per session (default 120)")->check(CLI::PositiveNumber);
    app.add_option("--precedence", s.precedence, "Metacademy: earlier or same-or-earlier (default same-or-earlier)")
        ->check(CLI::IsMember({"earlier", "same-or-earlier"}));
    app.add_option("--solver", s.solver, "auto, exact, qaoa, anneal, tempering, tabu or dedicated (default auto)")
        ->check(CLI::IsMember({"auto", "exact", "qaoa", "anneal", "tempering", "tabu", "dedicated"}));
    app.add_option("--seed", s.seed, "seed of every randomized solver (default 1)");
    app.add_option("--time-limit", s.time_limit, "seconds per solver run (default: each solver's own budget)")->check(CLI::NonNegativeNumber);
    app.add_option("--threads", s.threads, "OpenMP threads (0 = all available)")->check(CLI::Range(0, 4096));
    app.add_option("--pin", s.pins, "MODULE=SESSION (sequence mode: MODULE=POSITION, first or a number); repeatable");
    app.add_option("--forbid", s.forbids, "MODULE=SESSION never (sequence mode: MODULE=POSITION); repeatable");
    app.add_flag("--explain", s.explain, "explain why each module is where it is");
    app.add_flag("--repair", s.repair, "repair an infeasible solver sample into a feasible plan (marked as repaired)");
    app.add_flag("!--no-compare", s.compare, "run only the chosen solver (and the dedicated method)");
    app.add_flag("--json", s.as_json, "print one JSON object instead of text");
    app.add_option("--dot", s.dot, "write the prerequisite graph with the plan as Graphviz DOT to FILE");
    app.add_option("--optimum", s.optimum, "known optimum of the instance, for the gap (default: from the bundled tables)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : exit_bad_input;
    }
    const int sources = (!s.salbp.empty()) + (!s.sop.empty()) + (!s.metacademy.empty());
    if (sources > 1) {
        std::cerr << "learning_path: give at most one of --salbp, --sop and --metacademy\n";
        return exit_bad_input;
    }

    qcoach_example::ProgressBar bar;
    result r;
    r.requested = s.solver;
    try {
        if (!s.salbp.empty()) {
            if (s.mode == "sequence") throw bad_input("--salbp instances are solved in sessions mode");
            r.mode = "sessions";
            run_salbp(s, bar, r);
        } else if (!s.sop.empty()) {
            const auto inst = cc::detail::read_sop(s.sop);
            r.mode = "sequence";
            r.instance = inst.name;
            r.objective_name = "cost";
            r.optimum = learning_input::sop_optimum(inst.name);
            auto problem = cc::SequencingProblem::from_sop(inst);
            r.description = "SOP instance " + inst.name + ": " + std::to_string(problem.size()) + " nodes to order between start and end, " +
                            std::to_string(problem.graph().num_arcs()) + " precedence arcs";
            run_sequence(std::move(problem), s, bar, r);
        } else {
            learning_input::week w;
            std::string source = s.input;
            if (!s.metacademy.empty()) {
                w = metacademy_week(s, r.description);
                source = s.metacademy;
                r.instance = s.target;
            } else {
                w = learning_input::read_week(s.input);
                r.instance = w.title.empty() ? s.input : w.title;
                r.description = "Learning path \"" + r.instance + "\": " + std::to_string(w.modules.size()) + " modules, " +
                                std::to_string(w.sessions.size()) + " sessions; prerequisites in " +
                                (w.rule == cc::precedence_rule::same_or_earlier ? "the same or an earlier session" : "an earlier session");
            }
            r.mode = s.mode;
            if (s.mode == "sequence") {
                r.objective_name = "cost";
                cc::SequencingProblem problem = [&] {
                    try {
                        (void)week_problem(w, source); // the same validation as sessions mode
                        return cc::SequencingProblem::from_modules(w.modules, w.switch_cost, w.early_weight);
                    } catch (const qcoach::error& e) {
                        throw bad_input(e.what());
                    }
                }();
                r.description += "\nsequence mode: one order of all modules; a topic change costs " + std::to_string(w.switch_cost) +
                                 ", each module adds " + std::to_string(w.early_weight) + " x weight x position";
                run_sequence(std::move(problem), s, bar, r);
            } else {
                run_sessions(week_problem(w, source), s, bar, r);
            }
        }
    } catch (const learning_input::input_error& e) {
        bar.finish();
        std::cerr << e.what() << "\n";
        return exit_bad_input;
    } catch (const bad_input& e) {
        bar.finish();
        std::cerr << "learning_path: " << e.what() << "\n";
        return exit_bad_input;
    } catch (const qcoach::parse_error& e) {
        bar.finish();
        std::cerr << e.what() << "\n";
        return exit_bad_input;
    } catch (const qcoach::error& e) {
        // Impossible pins, unknown module or session names, a problem without any plan.
        bar.finish();
        std::cerr << "learning_path: " << e.what() << "\n";
        return exit_bad_input;
    }
    bar.finish();
    if (s.optimum) r.optimum = learning_input::known_value{*s.optimum, true};
    if (!s.dot.empty() && !r.dot.empty()) {
        std::ofstream out(s.dot);
        if (!out) {
            std::cerr << "learning_path: cannot write " << s.dot << "\n";
            return exit_bad_input;
        }
        out << r.dot;
    }
    if (s.as_json) print_json(r);
    else print_text(r, s);
    return r.shown == cc::unplaced ? exit_solver_error : 0;
}
