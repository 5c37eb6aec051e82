// coach_matching: assign clients to coaches by compatibility under the coaches' capacities.
// Reads a small JSON round (profiles, scores, pins) or an OR-Library GAP file, runs the QUBO
// solvers and the classical methods side by side, and prints the plan, its feasibility, the
// comparison table and, on request, why each client got its coach. See README.md.
#include <qcoach/coaching/matching.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gap_optima.hpp"
#include "input_json.hpp"
#include "progress_bar.hpp"

namespace {

namespace cc = qcoach::coaching;
using ojson = nlohmann::ordered_json;

// Exit statuses (README.md, "Exit status").
constexpr int exit_solver_error = 1; // the chosen solver did not run, or failed
constexpr int exit_bad_input = 2;    // bad command line, unreadable or malformed input, impossible pins

struct settings {
    std::string file;
    std::string gap;
    bool minimize = false;
    std::size_t instance = 1;
    std::string solver = "auto";
    std::uint64_t seed = 1;
    double time_limit = 0.0;
    int threads = 0;
    std::vector<std::string> pins, forbids;
    bool explain = false;
    bool repair = false;
    bool json = false;
    bool no_compare = false;
    std::optional<double> optimum;
};

void complain(const std::string& message) { std::cerr << "coach_matching: " << message << '\n'; }

/// "client-07=coach-2" -> ids; a bad shape is the command line's fault.
std::pair<std::string, std::string> split_pair(const std::string& s, const char* option) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == s.size() || s.find('=', eq + 1) != std::string::npos) {
        throw coach_matching::input_error(std::string(option) + " expects CLIENT=COACH, got \"" + s + "\"");
    }
    return {s.substr(0, eq), s.substr(eq + 1)};
}

/// A JSON number: an integer when the double holds one exactly.
ojson number(double v) {
    if (std::isfinite(v) && v == std::nearbyint(v) && std::abs(v) < 9007199254740992.0) return static_cast<std::int64_t>(v);
    return v;
}

std::string fmt(double v, const char* f = "%.6g") {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

/// The instance loaded, whichever format it came in.
struct loaded {
    cc::MatchingProblem problem;
    std::optional<coach_matching::matching_input> json_input; // for score breakdowns
    std::vector<cc::matching_pin> pins;
    std::string format;
};

loaded load(const settings& s) {
    loaded out;
    std::vector<std::pair<std::string, std::string>> pins, forbids;
    if (!s.gap.empty()) {
        out.problem = cc::read_gap_file(s.gap, s.minimize ? cc::objective_sense::minimize : cc::objective_sense::maximize,
                                        s.instance);
        out.format = "gap";
    } else {
        out.json_input = coach_matching::read_matching_json(s.file);
        out.problem = out.json_input->scored.problem;
        pins = out.json_input->pins;
        forbids = out.json_input->forbids;
        out.format = "json";
    }
    for (const auto& f : s.forbids) forbids.push_back(split_pair(f, "--forbid"));
    for (const auto& p : s.pins) pins.push_back(split_pair(p, "--pin"));
    cc::MatchingProblem& p = out.problem;
    for (const auto& [client, coach] : forbids) p.forbid(p.client_index(client), p.coach_index(coach));
    for (const auto& [client, coach] : pins) out.pins.push_back({p.client_index(client), p.coach_index(coach)});
    out.pins = cc::check_pins(p, out.pins);
    p.check_solvable_rows();
    return out;
}

} // namespace

int main(int argc, char** argv) {
    settings s;
    CLI::App app{"Match clients to coaches by compatibility under capacities; QUBO solvers and classical methods side "
                 "by side, with the plan's feasibility and, on request, the reasons behind each choice."};
    app.add_option("file", s.file, "matching round as JSON (schema in README.md)");
    app.add_option("--gap", s.gap, "an OR-Library generalized assignment file instead (gap1-gap12: maximize)");
    app.add_flag("--minimize", s.minimize, "treat the GAP values as costs (types A-D); only with --gap");
    app.add_option("--instance", s.instance, "instance of a GAP file that holds several, counted from 1 (default 1)")
        ->check(CLI::PositiveNumber);
    app.add_option("--solver", s.solver,
                   "auto (default), exact, qaoa, anneal, tempering, tabu, gap-local-search or min-cost-flow");
    app.add_option("--seed", s.seed, "random seed (default 1); the same seed gives the same plans for any thread count");
    app.add_option("--time-limit", s.time_limit, "wall-clock budget of each solver run, seconds (0 = the solvers' defaults)");
    app.add_option("--threads", s.threads, "threads (0 = all available, default)")->check(CLI::Range(0, 4096));
    app.add_option("--pin", s.pins, "CLIENT=COACH: keep this client with this coach (repeatable)");
    app.add_option("--forbid", s.forbids, "CLIENT=COACH: never this coach for this client (repeatable)");
    app.add_flag("--explain", s.explain, "explain each client's assignment");
    app.add_flag("--repair", s.repair, "repair infeasible plans greedily (marked as repaired)");
    app.add_flag("--no-compare", s.no_compare, "run only the chosen method, not the others beside it");
    app.add_option("--optimum", s.optimum, "known optimum, for the gap to it (gap1-gap12 files are known already)");
    app.add_flag("--json", s.json, "print one JSON object on stdout instead of text");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : exit_bad_input;
    }
    if (s.file.empty() == s.gap.empty()) {
        complain("give either a JSON file or --gap FILE (exactly one)");
        return exit_bad_input;
    }
    if (s.minimize && s.gap.empty()) {
        complain("--minimize applies to --gap files only (a JSON round maximizes compatibility)");
        return exit_bad_input;
    }
    if (s.instance != 1 && s.gap.empty()) {
        complain("--instance applies to --gap files only");
        return exit_bad_input;
    }
    if (!(s.time_limit >= 0.0) || !std::isfinite(s.time_limit)) {
        complain("--time-limit must be a finite number of seconds >= 0");
        return exit_bad_input;
    }
    cc::matching_method method;
    try {
        method = cc::parse_matching_method(s.solver);
    } catch (const qcoach::error& e) {
        complain(std::string("--solver: ") + e.what());
        return exit_bad_input;
    }

    // ---- load: every problem here is the input's fault, exit status 2 ---------------------
    loaded in;
    try {
        in = load(s);
    } catch (const coach_matching::input_error& e) {
        complain(e.what());
        return exit_bad_input;
    } catch (const qcoach::error& e) {
        complain((s.gap.empty() ? s.file : s.gap) + ": " + e.what());
        return exit_bad_input;
    }
    const cc::MatchingProblem& p = in.problem;
    const std::string source = s.gap.empty() ? s.file : s.gap;
    std::optional<double> optimum = s.optimum;
    if (!optimum && !s.gap.empty()) {
        optimum = coach_matching::known_gap_optimum(std::filesystem::path(s.gap).filename().string(), p.maximize());
    }

    // ---- solve ------------------------------------------------------------------------------
    qcoach_example::ProgressBar bar;
    cc::matching_solve_options options;
    options.method = method;
    options.compare = !s.no_compare;
    options.repair = s.repair;
    {
        // The portfolio of QUBO solvers (its seed, time limit and threads also drive the local search).
        cc::portfolio_options& po = options.portfolio;
        po.seed = s.seed;
        po.time_limit_s = s.time_limit;
        po.threads = s.threads;
        po.progress = [&bar](std::string_view solver, const qcoach::qubo::progress_info& info) {
            bar.update(solver, static_cast<double>(info.units_done), static_cast<double>(info.units_total),
                       std::isfinite(info.best_energy) ? "best energy " + fmt(info.best_energy) : std::string());
            return true;
        };
        // QAOA: the XY mixer on the feasible subspace (one-hot rows: one coach per client), the
        // X mixer on the full space where it does not apply; both grow the depth to 2 by INTERP.
        po.qaoa_xy = cc::make_xy_qaoa_solver();
        po.qaoa = cc::make_qaoa_solver();
    }
    cc::matching_result result;
    const auto t0 = std::chrono::steady_clock::now();
    try {
        result = cc::solve_matching(p, in.pins, options);
    } catch (const qcoach::memory_error& e) {
        bar.finish();
        complain(e.what());
        return exit_solver_error;
    } catch (const qcoach::error& e) {
        bar.finish();
        complain(source + ": " + e.what());
        return exit_bad_input;
    }
    bar.finish();
    const double total_time = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!result.shown) {
        complain("no method produced a plan");
        return exit_solver_error;
    }
    const cc::matching_run& shown = result.shown_run();
    const auto rows = result.comparison();
    const bool feasible = shown.ran && shown.feasibility.feasible();
    std::optional<double> gap;
    if (optimum && feasible) gap = cc::gap_percent(shown.objective, *optimum);

    std::vector<cc::client_explanation> explanations;
    if (s.explain && shown.ran) {
        cc::explain_options eo;
        if (in.json_input) {
            const auto& ji = *in.json_input;
            eo.describe_pair = [&ji](std::size_t c, std::size_t k) {
                if (ji.direct[c * ji.scored.problem.num_coaches() + k]) return std::string("score given in the file");
                return cc::describe_score(ji.scored.at(c, k), ji.scored.weights);
            };
        }
        explanations = cc::explain_plan(p, shown.plan, in.pins, eo);
    }
    const cc::objective_report obj = shown.ran ? cc::report_objective(p, shown.plan) : cc::objective_report{};

    if (s.json) {
        ojson out;
        out["file"] = source;
        out["format"] = in.format;
        out["sense"] = p.maximize() ? "maximize" : "minimize";
        out["clients"] = p.num_clients();
        out["coaches"] = p.num_coaches();
        out["solver"] = shown.solver;
        out["ran"] = shown.ran;
        out["feasible"] = feasible;
        out["objective"] = shown.ran ? number(shown.objective) : ojson(nullptr);
        out["time_s"] = shown.time_s;
        out["total_time_s"] = total_time;
        out["proven_optimal"] = shown.proven_optimal;
        out["repaired"] = shown.plan.repaired;
        out["optimum"] = optimum ? number(*optimum) : ojson(nullptr);
        out["gap_percent"] = gap ? ojson(*gap) : ojson(nullptr);
        ojson violations = ojson::array();
        for (const auto& v : shown.feasibility.violations) violations.push_back({{"constraint", v.name}, {"amount", v.amount}});
        out["violations"] = violations;
        ojson plan = ojson::array();
        for (std::size_t c = 0; c < p.num_clients() && shown.ran; ++c) {
            ojson e{{"client", p.client_id(c)}};
            const auto& ks = shown.plan.coaches[c];
            if (ks.size() == 1) {
                e["coach"] = p.coach_id(ks[0]);
                e["value"] = number(p.value(c, ks[0]));
            } else if (ks.empty()) {
                e["coach"] = nullptr;
            } else {
                ojson list = ojson::array();
                for (std::size_t k : ks) list.push_back(p.coach_id(k));
                e["coach"] = list;
            }
            plan.push_back(e);
        }
        out["plan"] = plan;
        ojson loads = ojson::array();
        for (const auto& l : obj.loads) loads.push_back({{"coach", p.coach_id(l.coach)}, {"load", l.load}, {"capacity", l.capacity}});
        out["loads"] = loads;
        const auto best = cc::best_feasible(rows, p.maximize());
        ojson table = ojson::array();
        for (const auto& r : rows) {
            table.push_back({{"solver", r.solver},
                             {"qubo", result.runs[static_cast<std::size_t>(&r - rows.data())].qubo},
                             {"objective", r.objective ? number(*r.objective) : ojson(nullptr)},
                             {"feasible", r.feasible},
                             {"gap_percent", r.feasible && r.objective && best ? ojson(cc::gap_percent(*r.objective, *best)) : ojson(nullptr)},
                             {"time_s", r.time_s},
                             {"note", r.note}});
        }
        out["comparison"] = table;
        // What the QUBO solvers alone reached (without repair unless --repair): the best
        // feasible objective among them, and how many returned a feasible plan.
        std::optional<double> qubo_best;
        std::size_t qubo_runs = 0, qubo_feasible = 0;
        for (const auto& r : result.runs) {
            if (!r.qubo || !r.ran) continue;
            ++qubo_runs;
            if (!r.feasibility.feasible()) continue;
            ++qubo_feasible;
            if (!qubo_best || (p.maximize() ? r.objective > *qubo_best : r.objective < *qubo_best)) qubo_best = r.objective;
        }
        out["qubo_runs"] = qubo_runs;
        out["qubo_feasible_runs"] = qubo_feasible;
        out["qubo_best_feasible"] = qubo_best ? number(*qubo_best) : ojson(nullptr);
        out["qubo"] = {{"variables", result.qubo_variables}, {"slack_variables", result.slack_variables}, {"weights", result.weights}};
        if (shown.plan.repaired) out["repair_log"] = shown.plan.repair_log;
        if (s.explain) {
            ojson ex = ojson::array();
            for (const auto& e : explanations) {
                ojson item{{"client", p.client_id(e.client)}, {"text", e.text}};
                if (e.what_if) {
                    item["what_if"] = {{"coach", p.coach_id(e.what_if->coach)},
                                       {"extra_capacity", e.what_if->extra},
                                       {"local_gain", number(e.what_if->local_gain)},
                                       {"resolved_gain", e.what_if->resolved_gain ? number(*e.what_if->resolved_gain) : ojson(nullptr)}};
                }
                ex.push_back(item);
            }
            out["explanations"] = ex;
        }
        std::cout << out.dump() << '\n';
    } else {
        std::cout << source << ": " << p.num_clients() << " clients, " << p.num_coaches() << " coaches, "
                  << (p.unit_loads() ? "unit loads" : "general loads") << "; " << (p.maximize() ? "maximize " : "minimize ")
                  << p.objective_name() << "\n";
        if (result.qubo_variables > 0) {
            std::cout << "QUBO: " << result.qubo_variables << " variables (" << result.qubo_variables - result.slack_variables
                      << " assignment + " << result.slack_variables << " slack)\n";
            for (std::size_t a = 0, b; a < result.weights.size(); a = b + 1) {
                b = result.weights.find('\n', a);
                std::cout << "  " << result.weights.substr(a, b - a) << "\n";
            }
        }
        std::cout << "\nPlan from " << shown.solver << (shown.plan.repaired ? " (repaired)" : "") << ":\n";
        if (shown.ran) {
            std::string plan = cc::format_plan(p, shown.plan);
            for (std::size_t a = 0, b; a < plan.size(); a = b + 1) {
                b = plan.find('\n', a);
                std::cout << "  " << plan.substr(a, b - a) << "\n";
            }
            std::cout << "Feasibility: " << shown.feasibility.summary() << "\n";
            std::cout << "Total " << p.objective_name() << ": " << fmt(obj.total) << "  (" << obj.assigned << " of "
                      << p.num_clients() << " clients assigned)\n";
            std::cout << "Coach loads:";
            for (const auto& l : obj.loads) std::cout << "  " << p.coach_id(l.coach) << " " << l.load << "/" << l.capacity;
            std::cout << "\n";
            for (const auto& line : shown.plan.repair_log) std::cout << "  repair: " << line << "\n";
        } else {
            std::cout << "  (did not run: " << shown.note << ")\n";
        }
        std::cout << "\n" << cc::format_comparison(rows, p.maximize(), p.objective_name());
        if (optimum) {
            std::cout << "\nKnown optimum " << fmt(*optimum) << "; found "
                      << (feasible ? fmt(shown.objective) + ", gap " + fmt(*gap, "%.2f") + " %" : std::string("no feasible plan"))
                      << "\n";
        }
        if (!explanations.empty()) {
            std::cout << "\nWhy:\n";
            for (const auto& e : explanations) std::cout << "  " << e.text << "\n";
        }
    }
    if (!shown.ran) {
        complain("the chosen solver did not run: " + shown.note);
        return exit_solver_error;
    }
    return 0;
}
