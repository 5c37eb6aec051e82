// qaoa_maxcut: QAOA for MaxCut on a rudy graph or a random d-regular graph, with the exact
// maximum cut (exhaustive enumeration) beside it as the classical baseline. See README.md.
#include <qcoach/qubo/io_rudy.hpp>
#include <qcoach/qubo/solvers/exact.hpp>
#include <qcoach/variational/angles.hpp>
#include <qcoach/variational/maxcut.hpp>
#include <qcoach/variational/qaoa_solver.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace qcoach;
using namespace qcoach::variational;

/// The common degree of every vertex, if the graph is regular.
std::optional<unsigned> regular_degree(const qubo::MaxCutGraph& g) {
    const std::size_t n = g.model.num_variables();
    if (n == 0) return std::nullopt;
    const std::size_t d = g.model.degree(0);
    for (qubo::var_t v = 1; v < n; ++v)
        if (g.model.degree(v) != d) return std::nullopt;
    return static_cast<unsigned>(d);
}

std::string fmt(double v, int digits = 6) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"QAOA for MaxCut, with the exact maximum cut beside it"};
    std::string graph_file, angles = "fixed", mixer_name = "x";
    unsigned degree = 3, nodes = 12;
    std::uint64_t seed = 1;
    std::size_t p = 1, shots = 1000;
    int threads = 0;
    bool json = false;
    auto* file_opt = app.add_option("--graph", graph_file, "rudy graph file (n m, then i j w per edge)")->check(CLI::ExistingFile);
    app.add_option("--regular", degree, "degree of a random regular graph")->excludes(file_opt);
    app.add_option("--nodes", nodes, "vertices of the random regular graph")->excludes(file_opt)->check(CLI::Range(2u, 26u));
    app.add_option("--seed", seed, "seed of the random graph and of sampling");
    app.add_option("--p", p, "QAOA depth")->check(CLI::Range(std::size_t{1}, std::size_t{20}));
    app.add_option("--angles", angles, "fixed: tabulated angles (Wurtz & Lykov 2021) or a linear ramp; optimize: L-BFGS from "
                                       "them; interp: depth by depth (Zhou et al. 2020)")
        ->check(CLI::IsMember({"fixed", "optimize", "interp"}));
    app.add_option("--mixer", mixer_name, "mixer (x: transverse field)")->check(CLI::IsMember({"x"}));
    app.add_option("--shots", shots, "bitstrings sampled from the final state");
    app.add_option("--threads", threads, "OpenMP threads (0 = all)");
    app.add_flag("--json", json, "print one JSON object");
    CLI11_PARSE(app, argc, argv);

    try {
        const qubo::MaxCutGraph g = graph_file.empty() ? random_regular_maxcut(nodes, degree, seed) : qubo::read_rudy_file(graph_file);
        const std::size_t n = g.model.num_variables();
        const std::size_t m = g.model.num_interactions();

        // Classical baseline: the exact maximum cut (cut = (W - E) / 2 on the Ising model).
        const auto t_exact = std::chrono::steady_clock::now();
        qubo::solver_options so;
        so.threads = threads;
        const double max_cut = g.cut_from_energy(qubo::ExactSolver().solve(g.model, so).best_energy);
        const double exact_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_exact).count();

        // Starting angles, in the literature's convention (e^{-i gamma cut}): tabulated fixed
        // angles for a regular graph when known, else the linear ramp.
        const std::optional<unsigned> d = regular_degree(g);
        std::optional<qaoa_angles> lit = d ? fixed_angles(*d, p) : std::nullopt;
        const std::string start = angles == "interp" ? "depth 1 from a linear ramp, then INTERP"
                                  : lit             ? "fixed angles, d = " + std::to_string(*d)
                                                    : "linear ramp";
        if (!lit) lit = linear_ramp(p);

        qaoa_solver_options o;
        o.p = p;
        o.strategy = angles == "fixed" ? qaoa_strategy::fixed : angles == "optimize" ? qaoa_strategy::optimize : qaoa_strategy::interp;
        o.angles = rescale_gammas(*lit, -1.0); // the engine minimizes E = -cut
        o.optimizer.max_iterations = 300;
        o.max_qubits = 26;
        so.reads = shots;
        so.seed = seed;
        const auto t0 = std::chrono::steady_clock::now();
        const qaoa_solution s = QaoaSolver(o).run(maxcut_cost_model(g), so);
        const double qaoa_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

        const double expected_cut = -s.expectation;
        const qaoa_angles used = rescale_gammas(s.angles, -1.0); // back to e^{-i gamma cut}
        const double best_sampled = -s.result.best_energy;
        if (json) {
            nlohmann::ordered_json j;
            j["nodes"] = n;
            j["edges"] = m;
            j["p"] = p;
            j["angles"] = angles;
            j["start"] = start;
            j["expected_cut"] = expected_cut;
            j["cut_fraction"] = expected_cut / g.total_weight;
            j["max_cut"] = max_cut;
            j["approximation_ratio"] = expected_cut / max_cut;
            j["p_max_cut"] = s.optimum_probability;
            j["best_sampled_cut"] = best_sampled;
            j["shots"] = shots;
            j["gammas"] = used.gammas;
            j["betas"] = used.betas;
            j["evaluations"] = s.evaluations;
            j["time_s"] = qaoa_s;
            j["exact_time_s"] = exact_s;
            std::cout << j.dump() << '\n';
            return 0;
        }
        std::cout << "graph: " << n << " vertices, " << m << " edges, total weight " << g.total_weight << '\n'
                  << "QAOA p = " << p << ", angles: " << angles << " (start: " << start << "), mixer: " << mixer_name << '\n'
                  << "  <cut>                     " << fmt(expected_cut) << '\n'
                  << "  <cut> / |E|               " << fmt(expected_cut / g.total_weight) << '\n'
                  << "  approximation ratio       " << fmt(expected_cut / max_cut) << "  (<cut> / max cut)\n"
                  << "  P(maximum cut)            " << fmt(s.optimum_probability) << '\n'
                  << "  best of " << shots << " samples      " << best_sampled << '\n'
                  << "  gammas (e^{-i g cut})     ";
        for (double v : used.gammas) std::cout << fmt(v) << ' ';
        std::cout << "\n  betas                     ";
        for (double v : used.betas) std::cout << fmt(v) << ' ';
        std::cout << "\n  time                      " << fmt(qaoa_s, 3) << " s (" << s.evaluations << " evaluations)\n"
                  << "exact maximum cut           " << max_cut << "  (" << fmt(exact_s, 3) << " s, exhaustive enumeration)\n";
    } catch (const qcoach::parse_error& e) {
        // Bad input file: exit status 2, as for a bad command line.
        std::cerr << "qaoa_maxcut: " << e.what() << '\n';
        return 2;
    } catch (const qcoach::error& e) {
        std::cerr << "qaoa_maxcut: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
