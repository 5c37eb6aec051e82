// session_scheduling: place coaching sessions into time slots (a JSON file), or colour a
// DIMACS graph with as few colours as possible (--col), with the QUBO solvers of the coaching
// portfolio and classical baselines side by side. See README.md.
#include <qcoach/coaching/portfolio.hpp>
#include <qcoach/coaching/report.hpp>
#include <qcoach/coaching/scheduling.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "progress_bar.hpp"
#include "schedule_json.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace {

namespace cc = qcoach::coaching;
using ojson = nlohmann::ordered_json;

constexpr int exit_no_result = 1; // no solver produced a plan
constexpr int exit_bad_input = 2; // bad command line, unreadable or malformed input, bad pin/forbid

struct settings {
    std::string file;
    std::string col;
    std::optional<int> optimum;
    std::string solver = "auto";
    std::uint64_t seed = 1;
    double time_limit = 0.0;
    int threads = 0;
    std::vector<std::string> pins;
    std::vector<std::string> forbids;
    std::vector<std::string> forbid_slots;
    bool explain = false;
    bool repair = false;
    bool json = false;
    bool no_compare = false;
    bool no_tabucol = false;
};

void complain(const std::string& message) { std::cerr << "session_scheduling: " << message << '\n'; }

/// Chromatic numbers of the bundled DIMACS graphs (README.md, "Colouring benchmarks"; from
/// M. Trick's COLOR page table, as copied in benchmarks/data/coloring_dimacs/README.md).
std::optional<int> known_chromatic_number(const std::string& name) {
    static const std::map<std::string, int> table = {
        {"myciel3", 4}, {"myciel4", 5},  {"myciel5", 6},  {"myciel6", 7}, {"queen5_5", 5}, {"queen6_6", 7}, {"queen7_7", 7},
        {"queen8_8", 9}, {"jean", 10}, {"huck", 11}, {"david", 11}, {"anna", 11}, {"games120", 9}, {"miles250", 8}};
    const auto it = table.find(name);
    if (it == table.end()) return std::nullopt;
    return it->second;
}

/// A JSON number: an integer when the double holds one exactly.
ojson number(double v) {
    if (std::isfinite(v) && v == std::nearbyint(v) && std::abs(v) < 9007199254740992.0) return static_cast<std::int64_t>(v);
    return v;
}

std::string fixed(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

// ---- progress and interruption ------------------------------------------------------------

// The first Ctrl-C asks the running solver to stop (its best so far is used); the second one
// ends the program, because the handler restores the default action.
volatile std::sig_atomic_t interrupted = 0;
extern "C" void on_interrupt(int) {
    interrupted = 1;
    std::signal(SIGINT, SIG_DFL);
}

bool show_progress(qcoach_example::ProgressBar& bar, std::string_view what, const qcoach::qubo::progress_info& p) {
    std::string detail;
    const bool colouring = what.size() >= 7 && what.substr(what.size() - 7) == "tabucol";
    if (std::isfinite(p.best_energy)) detail = (colouring ? "conflicts " : "best energy ") + fixed(p.best_energy, 0);
    bar.update(what, static_cast<double>(p.units_done), static_cast<double>(p.units_total), detail);
    return interrupted == 0;
}

// ---- the portfolio ------------------------------------------------------------------------

/// The solver portfolio of this run: choice, seed, budget, threads, comparison runs.
cc::portfolio_options make_portfolio_options(const settings& s) {
    cc::portfolio_options options;
    options.solver = cc::parse_solver_kind(s.solver);
    options.seed = s.seed;
    options.time_limit_s = s.time_limit;
    options.threads = s.threads;
    options.compare = !s.no_compare;
    // QAOA: the XY mixer on the feasible subspace (one-hot rows: one slot per session), the
    // X mixer on the full space where it does not apply; both grow the depth to 2 by INTERP.
    options.qaoa_xy = cc::make_xy_qaoa_solver();
    options.qaoa = cc::make_qaoa_solver();
    return options;
}

// ---- scheduling: text output ----------------------------------------------------------------

/// Timetables: one grid per coach (rows: starts, columns: days). A cell shows the session and
/// its client; "|" continues a multi-slot session, "-" the coach is unavailable, "." free,
/// "!" more than one session (a broken rule).
std::string timetable(const cc::schedule_encoding& e, const cc::schedule_plan& plan) {
    const cc::scheduling_problem& p = e.problem();
    std::set<int> days, starts;
    std::map<std::pair<int, int>, std::size_t> at;
    for (std::size_t t = 0; t < p.slots.size(); ++t) {
        days.insert(p.slots[t].day);
        starts.insert(p.slots[t].start);
        at[{p.slots[t].day, p.slots[t].start}] = t;
    }
    std::size_t width = 6;
    for (const cc::session& s : p.sessions)
        width = std::max(width, s.id.size() + 1 + (s.client ? p.clients[*s.client].id.size() : 0));
    width = std::min<std::size_t>(width + 2, 24);
    auto pad = [width](std::string s) {
        if (s.size() > width - 1) s = s.substr(0, width - 2) + "~";
        return s + std::string(width - s.size(), ' ');
    };

    std::string out;
    const std::size_t groups = p.coaches.size() + 1; // the last group: sessions without a coach
    for (std::size_t c = 0; c < groups; ++c) {
        const bool none = c == p.coaches.size();
        std::vector<std::vector<std::string>> cell(p.slots.size());
        bool any = false;
        for (std::size_t s = 0; s < p.sessions.size(); ++s) {
            const cc::session& ss = p.sessions[s];
            if (none ? ss.coach.has_value() : ss.coach != c) continue;
            any = true;
            for (std::size_t t : plan.placements[s]) {
                const auto occ = e.occupied(s, t);
                for (std::size_t k = 0; k < occ.size(); ++k)
                    cell[occ[k]].push_back(k == 0 ? ss.id + (ss.client ? " " + p.clients[*ss.client].id : "") : "| " + ss.id);
            }
        }
        if (!any) continue;
        std::vector<bool> off(p.slots.size(), false);
        if (!none)
            for (std::size_t t : p.coaches[c].unavailable) off[t] = true;
        out += none ? std::string("sessions without a coach\n") : p.coaches[c].id + "\n";
        out += "      ";
        for (int d : days) out += pad(cc::day_name(p, d));
        while (!out.empty() && out.back() == ' ') out.pop_back();
        out += "\n";
        for (int st : starts) {
            char label[24];
            std::snprintf(label, sizeof label, "  %02d  ", st);
            out += label;
            for (int d : days) {
                const auto it = at.find({d, st});
                if (it == at.end()) {
                    out += pad("");
                    continue;
                }
                const auto& here = cell[it->second];
                if (here.empty()) out += pad(off[it->second] ? "-" : ".");
                else if (here.size() == 1) out += pad(here.front());
                else {
                    std::string all = "!";
                    for (const auto& h : here) {
                        all += ' ';
                        all.append(h, 0, h.find(' ')); // (not " " + substr: GCC 12 warns falsely, PR 105329)
                    }
                    out += pad(all);
                }
            }
            while (!out.empty() && out.back() == ' ') out.pop_back();
            out += "\n";
        }
        out += "\n";
    }
    return out;
}

std::string weights_summary(const cc::schedule_encoding& e) {
    std::map<std::string, std::size_t> by;
    for (const auto& w : e.weights()) {
        if (w.bound == qcoach::qubo::penalty_bound::none) continue;
        by[qcoach::qubo::detail::format_number(w.value) + " (" + w.reason + ")"]++;
    }
    std::string s;
    for (const auto& [text, n] : by) s += "\n  " + std::to_string(n) + " rule(s) with weight " + text;
    return s;
}

// ---- scheduling ----------------------------------------------------------------------------

int run_schedule(const settings& s) {
    const cc::scheduling_problem problem = session_scheduling::read_schedule_json(s.file);
    cc::schedule_decisions decisions;
    try {
        for (const auto& t : s.pins) decisions.pins.push_back(cc::parse_pin(problem, t));
        for (const auto& t : s.forbids) decisions.forbids.push_back(cc::parse_forbid(problem, t));
        for (const auto& t : s.forbid_slots) decisions.forbids.push_back(cc::parse_forbid(problem, "*=" + t));
    } catch (const qcoach::error& e) {
        complain(e.what());
        return exit_bad_input;
    }
    std::optional<cc::schedule_encoding> enc;
    try {
        enc.emplace(cc::encode(problem, decisions));
    } catch (const qcoach::error& e) {
        complain(s.file + ": " + e.what());
        return exit_bad_input;
    }
    const cc::schedule_encoding& e = *enc;

    cc::portfolio_options options = make_portfolio_options(s);
    qcoach_example::ProgressBar bar;
    options.progress = [&bar](std::string_view name, const qcoach::qubo::progress_info& p) { return show_progress(bar, name, p); };
    const auto started = std::chrono::steady_clock::now();
    std::vector<cc::schedule_run> runs = cc::solve_schedule(e, options, s.repair);
    bar.finish();
    const double total_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    // The plan shown: the chosen solver's; if it did not run, the best plan of the others.
    const cc::schedule_run* shown = nullptr;
    std::string fallback;
    if (runs.front().plan) {
        shown = &runs.front();
    } else {
        for (const auto& r : runs) {
            if (!r.plan) continue;
            const bool better = !shown || (r.plan->feasible() && !shown->plan->feasible()) ||
                                (r.plan->feasible() == shown->plan->feasible() && r.plan->score > shown->plan->score);
            if (better) shown = &r;
        }
        fallback = runs.front().run.solver + " did not run (" + runs.front().run.note + ")";
    }
    if (!shown) {
        complain("no solver produced a plan: " + runs.front().run.note);
        return exit_no_result;
    }
    const cc::schedule_plan& plan = *shown->plan;
    const auto rows = cc::comparison_rows(runs);
    const std::size_t free_vars = e.model().num_variables() - e.pins().size();

    if (s.json) {
        ojson out;
        out["input"] = s.file;
        out["feasible"] = plan.feasible();
        out["objective"] = plan.score;
        out["objective_name"] = "preference score";
        out["maximize"] = true;
        out["solver"] = shown->run.solver;
        if (!fallback.empty()) out["note"] = fallback + "; showing " + shown->run.solver;
        out["time_s"] = shown->run.time_s;
        out["total_time_s"] = total_s;
        out["sessions"] = problem.sessions.size();
        out["slots"] = problem.slots.size();
        out["variables"] = e.num_placement_variables();
        out["slack_variables"] = e.model().num_variables() - e.num_placement_variables();
        out["free_variables"] = free_vars;
        out["rules"] = e.constrained().constraints().size();
        ojson weights = ojson::array();
        for (std::size_t c = 0; c < e.weights().size(); ++c) {
            if (c > 0 && e.weights()[c].value == e.weights()[c - 1].value && e.weights()[c].bound == e.weights()[c - 1].bound) continue;
            weights.push_back({{"value", number(e.weights()[c].value)},
                               {"bound", std::string(qcoach::qubo::penalty_bound_name(e.weights()[c].bound))},
                               {"reason", e.weights()[c].reason}});
        }
        out["penalty_weights"] = weights;
        ojson pins = ojson::array(), forbids = ojson::array();
        for (const auto& p : decisions.pins) pins.push_back(cc::describe(problem, p));
        for (const auto& f : decisions.forbids) forbids.push_back(cc::describe(problem, f));
        out["pins"] = pins;
        out["forbids"] = forbids;
        out["repaired"] = plan.repaired;
        out["repair_log"] = plan.repair_log;
        ojson viol = ojson::array();
        for (const auto& v : plan.feasibility.violations) viol.push_back({{"rule", v.name}, {"amount", v.amount}});
        out["violations"] = viol;
        ojson spread;
        spread["max_coach_sessions_per_day"] = plan.spread.max_coach_sessions_per_day;
        spread["busiest_coach"] = plan.spread.busiest_coach;
        spread["days_used"] = plan.spread.days_used;
        spread["min_client_gap_days"] = plan.spread.min_client_gap_days ? ojson(*plan.spread.min_client_gap_days) : ojson(nullptr);
        out["spread"] = spread;
        ojson items = ojson::array();
        for (std::size_t k = 0; k < problem.sessions.size(); ++k) {
            const cc::session& ss = problem.sessions[k];
            ojson it;
            it["session"] = ss.id;
            it["client"] = ss.client ? ojson(problem.clients[*ss.client].id) : ojson(nullptr);
            it["coach"] = ss.coach ? ojson(problem.coaches[*ss.coach].id) : ojson(nullptr);
            it["length"] = ss.length;
            ojson slots = ojson::array();
            for (std::size_t t : plan.placements[k]) slots.push_back(problem.slots[t].id);
            it["slot"] = plan.slot_of(k) ? ojson(problem.slots[*plan.slot_of(k)].id) : ojson(nullptr);
            if (plan.placements[k].size() > 1) it["slots"] = slots;
            it["score"] = plan.slot_of(k) ? ojson(e.placement(k, *plan.slot_of(k)).score) : ojson(nullptr);
            it["pinned"] = e.pinned_slot(k).has_value();
            items.push_back(it);
        }
        out["plan"] = items;
        const auto best = cc::best_feasible(rows, true);
        ojson jr = ojson::array();
        for (const auto& r : rows) {
            ojson row;
            row["solver"] = r.solver;
            row["objective"] = r.objective ? number(*r.objective) : ojson(nullptr);
            row["feasible"] = r.feasible;
            row["gap_percent"] = (r.feasible && r.objective && best) ? ojson(cc::gap_percent(*r.objective, *best)) : ojson(nullptr);
            row["time_s"] = r.time_s;
            row["note"] = r.note;
            jr.push_back(row);
        }
        out["rows"] = jr;
        if (s.explain) {
            ojson ex = ojson::array();
            for (std::size_t k = 0; k < problem.sessions.size(); ++k) {
                const auto x = cc::explain(e, plan, k);
                ex.push_back({{"session", problem.sessions[k].id},
                              {"summary", x.summary},
                              {"decided_by", x.decided_by},
                              {"would_change", x.would_change},
                              {"text", x.text(problem)}});
            }
            out["explanations"] = ex;
        }
        std::cout << out.dump() << '\n';
        return 0;
    }

    std::cout << "Schedule " << s.file << ": " << problem.sessions.size() << " sessions, " << problem.coaches.size() << " coaches, "
              << problem.clients.size() << " clients, " << problem.slots.size() << " slots\n";
    std::cout << "Model: " << e.num_placement_variables() << " placement variables";
    if (e.model().num_variables() > e.num_placement_variables())
        std::cout << " + " << e.model().num_variables() - e.num_placement_variables() << " slack";
    std::cout << " (" << free_vars << " free after pins), " << e.constrained().constraints().size() << " rules" << weights_summary(e)
              << "\n";
    for (const auto& p : decisions.pins) std::cout << "Pinned: " << cc::describe(problem, p) << "\n";
    for (const auto& f : decisions.forbids) std::cout << "Forbidden: " << cc::describe(problem, f) << "\n";
    std::cout << "Plan by " << shown->run.solver;
    if (!fallback.empty()) std::cout << " (" << fallback << ")";
    if (plan.repaired) std::cout << ", REPAIRED (the solver's sample broke a rule)";
    std::cout << "\n\n" << timetable(e, plan);
    std::vector<std::string> missing;
    for (std::size_t k = 0; k < problem.sessions.size(); ++k)
        if (plan.placements[k].size() != 1) missing.push_back(problem.sessions[k].id);
    if (!missing.empty()) {
        std::cout << "Not placed exactly once:";
        for (const auto& m : missing) std::cout << " " << m;
        std::cout << "\n";
    }
    std::cout << "Feasible: " << (plan.feasible() ? "yes, every rule holds" : "NO - " + plan.feasibility.summary()) << "\n";
    for (const auto& line : plan.repair_log) std::cout << "  repair: " << line << "\n";
    std::cout << "Preference score: " << plan.score << "\n";
    std::cout << "Spread: " << plan.spread.days_used << " days used";
    if (!plan.spread.busiest_coach.empty())
        std::cout << "; busiest coach day: " << plan.spread.busiest_coach << " on " << cc::day_name(problem, plan.spread.busiest_day)
                  << " (" << plan.spread.max_coach_sessions_per_day << " sessions)";
    if (plan.spread.min_client_gap_days)
        std::cout << "; closest sessions of one client: " << *plan.spread.min_client_gap_days << " day(s) apart";
    std::cout << "\n\nComparison (same model, same pins)\n" << cc::format_comparison(rows, true, "preference score");
    if (s.explain) {
        std::cout << "\nWhy each session is where it is\n";
        for (std::size_t k = 0; k < problem.sessions.size(); ++k) std::cout << cc::explain(e, plan, k).text(problem);
    }
    return 0;
}

// ---- colouring -----------------------------------------------------------------------------

int run_colouring(const settings& s) {
    const cc::graph g = cc::read_dimacs_col_file(s.col);
    cc::colour_rules rules;
    try {
        for (const auto& t : s.pins) cc::add_colour_pin(rules, g, t);
        for (const auto& t : s.forbids) cc::add_colour_forbid(rules, g, t);
        for (const auto& t : s.forbid_slots) cc::add_colour_forbid(rules, g, "*=" + t);
        cc::validate(g, rules);
    } catch (const qcoach::error& e) {
        complain(e.what());
        return exit_bad_input;
    }
    if (s.repair) complain("note: --repair has no effect with --col (each k is solved or not; the best proper colouring is kept)");
    cc::colour_search_options options;
    options.portfolio = make_portfolio_options(s);
    options.use_tabucol = !s.no_tabucol;
    qcoach_example::ProgressBar bar;
    options.progress = [&bar](std::string_view what, const qcoach::qubo::progress_info& p) { return show_progress(bar, what, p); };
    const cc::colour_search_result r = cc::minimize_colours(g, rules, options);
    bar.finish();

    std::optional<int> optimum = s.optimum;
    std::string source = s.optimum ? "--optimum" : "";
    if (!optimum) {
        optimum = known_chromatic_number(g.name);
        if (optimum) source = "bundled table";
    }
    // Gap of the colours used to the chromatic number, in percent (meaningful only with an optimum).
    const double gap = optimum ? 100.0 * (r.colours - *optimum) / static_cast<double>(*optimum) : 0.0;
    const auto rows = r.rows();

    if (s.json) {
        ojson out;
        out["graph"] = g.name;
        out["input"] = s.col;
        out["vertices"] = r.vertices;
        out["edges"] = r.edges;
        out["feasible"] = cc::is_proper(g, r.colouring);
        out["objective"] = r.colours;
        out["objective_name"] = "colours";
        out["maximize"] = false;
        out["colours_used"] = r.colours;
        out["solver"] = r.found_by;
        out["time_s"] = r.time_s;
        out["optimum"] = optimum ? ojson(*optimum) : ojson(nullptr);
        out["optimum_source"] = source;
        out["gap_percent"] = optimum ? number(gap) : ojson(nullptr);
        out["dsatur_colours"] = r.dsatur_colours;
        out["clique_size"] = r.clique_size;
        out["lower_bound"] = r.lower_bound;
        out["proved_optimal"] = r.proved_optimal;
        out["proof"] = r.proof;
        ojson reach = ojson::object();
        for (const auto& [name, k] : r.reach()) reach[name] = k ? ojson(*k) : ojson(nullptr);
        out["reach"] = reach;
        ojson attempts = ojson::array();
        for (const auto& a : r.attempts) {
            ojson members = ojson::array();
            for (const auto& m : a.members)
                members.push_back({{"solver", m.name}, {"ran", m.ran}, {"found", m.found}, {"residual", number(m.residual)},
                                   {"time_s", m.time_s}, {"note", m.note}});
            attempts.push_back({{"k", a.k}, {"variables", a.variables}, {"free_variables", a.free_variables}, {"found", a.found},
                                {"found_by", a.found_by}, {"proved_infeasible", a.proved_infeasible}, {"members", members}});
        }
        out["attempts"] = attempts;
        ojson plan = ojson::array();
        for (int c : r.colouring) plan.push_back(c + 1);
        out["plan"] = plan;
        const auto best = cc::best_feasible(rows, false);
        ojson jr = ojson::array();
        for (const auto& row : rows) {
            jr.push_back({{"solver", row.solver},
                          {"objective", row.objective ? number(*row.objective) : ojson(nullptr)},
                          {"feasible", row.feasible},
                          {"gap_percent", (row.feasible && row.objective && best) ? ojson(cc::gap_percent(*row.objective, *best)) : ojson(nullptr)},
                          {"time_s", row.time_s},
                          {"note", row.note}});
        }
        out["rows"] = jr;
        std::cout << out.dump() << '\n';
        return 0;
    }

    std::cout << "Graph " << g.name << " (" << s.col << "): " << r.vertices << " vertices, " << r.edges << " edges\n";
    std::cout << "Bounds: DSATUR " << r.dsatur_colours << " colours; greedy clique " << r.clique_size << " -> lower bound "
              << r.lower_bound << "\n";
    if (!r.symmetry_clique.empty()) std::cout << "Symmetry breaking: the clique's " << r.symmetry_clique.size() << " vertices fixed to c1..c" << r.symmetry_clique.size() << "\n";
    std::cout << "Search (each solver at most " << (s.time_limit > 0 ? fixed(s.time_limit, 2) + " s" : std::string("its default budget")) << " per k):\n";
    for (const auto& a : r.attempts) {
        std::cout << "  k=" << a.k << "  " << a.variables << " variables (" << a.free_variables << " free): "
                  << (a.found ? "proper colouring by " + a.found_by : std::string("none found")) << (a.proved_infeasible ? " (proved: none exists)" : "") << "\n";
        for (const auto& m : a.members) {
            std::cout << "      " << m.name << ": "
                      << (!m.ran ? "skipped (" + m.note + ")" : m.found ? "found" : "not found (" + fixed(m.residual, 0) + " conflicts left)")
                      << ", " << fixed(m.time_s, 3) << " s\n";
        }
    }
    std::cout << "Colours used: " << r.colours << " (by " << r.found_by << ")";
    if (optimum) std::cout << "; chromatic number " << *optimum << " (" << source << "), gap " << fixed(gap, 2) << " %";
    std::cout << "\nOptimality: " << r.proof << "\n";
    std::cout << "Colour classes:\n";
    for (int c = 0; c < r.palette; ++c) {
        std::vector<std::size_t> members;
        for (std::size_t v = 0; v < r.colouring.size(); ++v)
            if (r.colouring[v] == c) members.push_back(v + 1);
        if (members.empty()) continue; // a forbidden colour
        std::cout << "  c" << c + 1 << ":";
        for (std::size_t k = 0; k < members.size() && k < 16; ++k) std::cout << " v" << members[k];
        if (members.size() > 16) std::cout << " ... (" << members.size() << " vertices)";
        std::cout << "\n";
    }
    std::cout << "\nComparison (fewest colours each method reached; QUBO solvers and TabuCol on the same k)\n"
              << cc::format_comparison(rows, false, "colours");
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    settings s;
    CLI::App app{"Schedule coaching sessions into time slots (JSON input), or colour a DIMACS graph with as few colours "
                 "as possible (--col), with QUBO solvers and classical baselines side by side."};
    app.add_option("file", s.file, "scheduling problem (JSON, see README.md)");
    app.add_option("--col", s.col, "colour a DIMACS .col graph instead");
    app.add_option("--optimum", s.optimum, "chromatic number of the --col graph (default: the bundled table)");
    app.add_option("--solver", s.solver, "auto|exact|qaoa|anneal|tempering|tabu (default auto)")
        ->check(CLI::IsMember({"auto", "exact", "qaoa", "anneal", "tempering", "tabu"}));
    app.add_option("--seed", s.seed, "random seed (default 1)");
    app.add_option("--time-limit", s.time_limit, "seconds per solver run (with --col: per solver and k); 0: defaults")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--threads", s.threads, "threads (0: all)")->check(CLI::NonNegativeNumber);
    app.add_option("--pin", s.pins, "SESSION=SLOT: fix a session's slot (--col: v3=c2); repeatable");
    app.add_option("--forbid", s.forbids, "WHO=SLOT: never this slot for a session, coach or client, or * for everyone "
                                          "(--col: v3=c2 or *=c2); repeatable");
    app.add_option("--forbid-slot", s.forbid_slots, "SLOT: never this slot for anyone (same as --forbid '*=SLOT'); repeatable");
    app.add_flag("--explain", s.explain, "explain why each session is where it is");
    app.add_flag("--repair", s.repair, "repair an infeasible plan greedily (the plan says so)");
    app.add_flag("--json", s.json, "print one JSON object instead of text");
    app.add_flag("--no-compare", s.no_compare, "run only the chosen solver (no classical baselines)");
    app.add_flag("--no-tabucol", s.no_tabucol, "--col: QUBO solvers only, without the TabuCol member");
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        complain(e.what());
        return exit_bad_input;
    }
    if (s.file.empty() == s.col.empty()) {
        complain("give either a JSON file or --col FILE (see --help)");
        return exit_bad_input;
    }
    std::signal(SIGINT, on_interrupt);
    try {
        return s.col.empty() ? run_schedule(s) : run_colouring(s);
    } catch (const qcoach::parse_error& e) {
        complain(e.what());
        return exit_bad_input;
    } catch (const qcoach::error& e) {
        complain(e.what());
        return exit_bad_input;
    } catch (const std::exception& e) {
        complain(std::string("error: ") + e.what());
        return exit_no_result;
    }
}
