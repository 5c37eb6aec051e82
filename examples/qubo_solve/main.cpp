// qubo_solve: read a QUBO/Ising instance (OR-Library BQP, rudy/G-set, qbsolv .qubo or qcoach
// JSON), run one of the classical solvers on it and report the best energy next to the
// instance's own objective, with timing and the best sample. See README.md.
#include <qcoach/qubo/qubo.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace qb = qcoach::qubo;

// Exit statuses (README.md, "Exit status").
constexpr int exit_solver_error = 1; // the solver refused the instance or failed while running
constexpr int exit_bad_input = 2;    // bad command line, unreadable or malformed file, bad --instance

struct settings {
    std::string file;
    std::string format = "auto";
    std::size_t instance = 1;
    std::string solver = "tabu";
    std::size_t reads = 0;
    std::size_t sweeps = 0;
    double time_limit = 0.0;
    std::optional<double> target;
    std::uint64_t seed = 1;
    int threads = 0;
    bool json = false;
};

/// A message on stderr that starts with the program's name.
void complain(const std::string& message) { std::cerr << "qubo_solve: " << message << '\n'; }

/// Shortest decimal text that reads back as the same double ("546", "-0.5").
std::string number(double v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

/// A duration for people: milliseconds below a second, else seconds, three significant digits.
std::string seconds(double s) {
    char buf[32];
    if (s < 1.0) std::snprintf(buf, sizeof buf, "%.3g ms", s * 1e3);
    else std::snprintf(buf, sizeof buf, "%.3g s", s);
    return buf;
}

/// A JSON number: an integer when the double holds one exactly (energies of integer
/// instances print as -45607, not -45607.0), else the double.
nlohmann::ordered_json json_number(double v) {
    if (std::isfinite(v) && v == std::nearbyint(v) && std::abs(v) < 9007199254740992.0) {
        return static_cast<std::int64_t>(v);
    }
    return v;
}

/// The whole file as text. Errors name the file like the readers' errors do.
std::string read_file(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw qcoach::parse_error(path, 0, 0, "is a directory, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw qcoach::parse_error(path, 0, 0, std::string("cannot open the file: ") + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw qcoach::parse_error(path, 0, 0, "read error");
    return std::move(text).str();
}

/// The extension of a file name ("" when it has none).
std::string extension_of(const std::string& path) { return std::filesystem::path(path).filename().extension().string(); }

/// Why --format auto could not go by the extension, for messages.
std::string extension_says_nothing(const std::string& path) {
    const std::string ext = extension_of(path);
    return ext.empty() ? "the file name has no extension" : "the extension \"" + ext + "\" names no format";
}

// ---- progress and interruption ------------------------------------------------------------

// Set by the first Ctrl-C; the progress callback then asks the solver to stop, and the best
// sample found so far is reported. The handler restores the default action, so a second
// Ctrl-C ends the program at once.
// (A lock-free atomic, because the solver threads read it: sig_atomic_t is only safe within
// one thread.)
std::atomic<bool> interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);
extern "C" void on_interrupt(int) {
    interrupted.store(true, std::memory_order_relaxed);
    std::signal(SIGINT, SIG_DFL);
}

/// Prints one progress line on stderr once a run has taken more than a second. On a terminal
/// the line is rewritten in place ('\r'); otherwise (a log file, a pipe) a new line is written
/// at most once a second.
class progress_printer {
public:
    progress_printer(std::string unit, const qb::objective_map& objective)
        : unit_(std::move(unit)), objective_(objective), tty_(isatty(STDERR_FILENO) != 0) {}

    bool operator()(const qb::progress_info& p) {
        if (interrupted.load(std::memory_order_relaxed)) return false;
        if (p.elapsed_s < 1.0) return true;
        if (!tty_ && p.elapsed_s < last_ + 1.0) return true;
        last_ = p.elapsed_s;
        char elapsed[32];
        std::snprintf(elapsed, sizeof elapsed, "%.1f s", p.elapsed_s);
        std::string line = std::string("qubo_solve: ") + elapsed + ", " + std::to_string(p.units_done);
        if (p.units_total > 0) line += "/" + std::to_string(p.units_total);
        line += " " + unit_;
        if (std::isfinite(p.best_energy)) {
            line += ", best energy " + number(p.best_energy);
            if (objective_.scale != 1.0 || objective_.shift != 0.0) {
                line += " (" + objective_.name + " " + number(objective_(p.best_energy)) + ")";
            }
        }
        if (tty_) {
            const std::size_t width = line.size();
            if (line.size() < width_) line.append(width_ - line.size(), ' ');
            width_ = width;
            std::cerr << '\r' << line << std::flush;
        } else {
            std::cerr << line << '\n' << std::flush;
        }
        printed_ = true;
        return true;
    }

    /// End the rewritten line so that what follows starts on a fresh one.
    void finish() const {
        if (printed_ && tty_) std::cerr << '\n' << std::flush;
    }

private:
    std::string unit_;
    qb::objective_map objective_;
    bool tty_;
    bool printed_ = false;
    double last_ = -1.0;
    std::size_t width_ = 0;
};

// ---- solvers ------------------------------------------------------------------------------

/// The solver a name selects, and what its progress units count.
struct solver_choice {
    std::unique_ptr<qb::Solver> solver;
    std::string unit;
};

solver_choice make_solver(const std::string& name) {
    if (name == "exact") return {std::make_unique<qb::ExactSolver>(), "blocks"};
    if (name == "anneal") return {std::make_unique<qb::SimulatedAnnealingSolver>(), "reads"};
    if (name == "tempering") return {std::make_unique<qb::TemperingSolver<double>>(), "sweeps"};
    return {std::make_unique<qb::TabuSolver<double>>(), "restarts"};
}

/// Options that a solver does not use are refused (a silently ignored flag hides a mistake).
std::optional<std::string> unused_option(const settings& s) {
    if (s.solver == "exact" && s.reads != 0) return "--reads does not apply to the exact solver (it enumerates every state once)";
    if (s.solver == "exact" && s.sweeps != 0) return "--sweeps does not apply to the exact solver";
    if (s.solver == "tabu" && s.sweeps != 0) {
        return "--sweeps does not apply to tabu search; --reads sets its number of restarts";
    }
    return std::nullopt;
}

// ---- output -------------------------------------------------------------------------------

/// The sample in groups of ten, fifty values per line: binary as 0/1, spins as -/+.
void print_sample(std::ostream& out, const std::vector<std::int8_t>& sample, qb::vartype type) {
    for (std::size_t i = 0; i < sample.size(); ++i) {
        if (i % 50 == 0) out << (i == 0 ? "" : "\n") << "  ";
        else if (i % 10 == 0) out << ' ';
        out << (type == qb::vartype::spin ? (sample[i] > 0 ? '+' : '-') : static_cast<char>('0' + sample[i]));
    }
    out << '\n';
}

struct run_info {
    const settings& s;
    const qb::Problem& problem;
    std::size_t instances;
    int threads;
    std::optional<double> target_energy;
    double load_time_s;
    bool proven_optimal;
};

void print_text(const run_info& run, const qb::solve_result& r) {
    const qb::Problem& p = run.problem;
    const qb::objective_map& obj = p.objective;
    std::cout << "instance      " << run.s.file;
    if (run.instances > 1) std::cout << " #" << run.s.instance << " of " << run.instances;
    std::cout << " (" << qb::format_name(p.format) << ", " << p.model.num_variables() << ' ' << qb::vartype_name(p.model.type())
              << " variables, " << p.model.num_interactions() << " couplings)\n";
    std::cout << "solver        " << run.s.solver << " (seed " << run.s.seed << ", " << run.threads << " thread"
              << (run.threads == 1 ? "" : "s") << ")\n";
    std::cout << "best energy   " << number(r.best_energy) << (run.proven_optimal ? " (optimal: every state enumerated)" : "")
              << '\n';
    std::cout << "objective     " << number(obj(r.best_energy)) << " (" << obj.name
              << (obj.maximize ? ", maximized" : ", minimized") << ")\n";
    if (run.s.target) {
        std::cout << "target        " << number(*run.s.target) << (r.reached_target ? " reached" : " not reached") << '\n';
    }
    std::cout << "time to best  " << seconds(r.time_to_best_s) << '\n';
    std::cout << "total time    " << seconds(r.total_time_s);
    if (r.stopped_early) {
        std::cout << (r.reached_target ? " (stopped at the target)"
                      : interrupted    ? " (interrupted)"
                                       : " (stopped by the time limit)");
    }
    std::cout << '\n';
    std::cout << "work          " << r.work << ' ' << r.work_unit << '\n';
    std::cout << "sample        " << r.best_sample.size() << " values in variable order ("
              << (p.model.type() == qb::vartype::spin ? "- = -1, + = +1" : "x = 0 or 1") << "):\n";
    print_sample(std::cout, r.best_sample, p.model.type());
}

void print_json(const run_info& run, const qb::solve_result& r) {
    const qb::Problem& p = run.problem;
    const qb::objective_map& obj = p.objective;
    nlohmann::ordered_json j;
    j["file"] = run.s.file;
    j["format"] = std::string(qb::format_name(p.format));
    j["instance"] = run.s.instance;
    j["instances"] = run.instances;
    j["num_variables"] = p.model.num_variables();
    j["num_interactions"] = p.model.num_interactions();
    j["vartype"] = std::string(qb::vartype_name(p.model.type()));
    j["solver"] = run.s.solver;
    j["seed"] = run.s.seed;
    j["threads"] = run.threads;
    j["energy"] = json_number(r.best_energy);
    j["objective"] = json_number(obj(r.best_energy));
    j["objective_name"] = obj.name;
    j["maximize"] = obj.maximize;
    j["target"] = run.s.target ? json_number(*run.s.target) : nlohmann::ordered_json(nullptr);
    j["target_energy"] = run.target_energy ? json_number(*run.target_energy) : nlohmann::ordered_json(nullptr);
    j["reached_target"] = r.reached_target;
    j["stopped_early"] = r.stopped_early;
    j["interrupted"] = interrupted.load();
    j["proven_optimal"] = run.proven_optimal;
    j["time_to_best_s"] = r.time_to_best_s;
    j["total_time_s"] = r.total_time_s;
    j["load_time_s"] = run.load_time_s;
    j["work"] = r.work;
    j["work_unit"] = r.work_unit;
    nlohmann::ordered_json sample = nlohmann::ordered_json::array();
    for (std::int8_t v : r.best_sample) sample.push_back(static_cast<int>(v));
    j["sample"] = std::move(sample);
    std::cout << j.dump() << '\n';
}

} // namespace

int main(int argc, char** argv) {
    settings s;
    CLI::App app{"Solve a QUBO / Ising instance with one of qcoach's classical solvers and report the best energy, "
                 "the instance's own objective, the time to the best and the best sample."};
    app.add_option("file", s.file, "instance file: OR-Library BQP, rudy (G-set), qbsolv .qubo or qcoach JSON")->required();
    app.add_option("--format", s.format,
                   "file format; auto (default) goes by the extension (.bqp .rud .rudy .qubo .json), else by the first line")
        ->check(CLI::IsMember({"auto", "bqp", "rudy", "qubo", "json"}));
    app.add_option("--instance", s.instance, "which instance of a multi-instance BQP file, counted from 1 (default 1)")
        ->check(CLI::PositiveNumber);
    app.add_option("--solver", s.solver, "exact, anneal, tempering or tabu (default tabu)")
        ->check(CLI::IsMember({"exact", "anneal", "tempering", "tabu"}));
    app.add_option("--reads", s.reads,
                   "tabu: restarts (0 = 16, unlimited with --time-limit); anneal: reads (0 = 16); "
                   "tempering: independent ensembles (0 = 1); not for exact");
    app.add_option("--sweeps", s.sweeps,
                   "sweeps per read (anneal, 0 = 1000) or per replica (tempering, 0 = 1000, unlimited with --time-limit); "
                   "not for exact or tabu");
    app.add_option("--time-limit", s.time_limit, "wall-clock budget in seconds (0 = none, default)");
    app.add_option("--target", s.target,
                   "stop once the instance's own objective reaches VALUE (BQP: x^T Q x >= VALUE; rudy: cut >= VALUE; "
                   "qubo/json: energy <= VALUE)");
    app.add_option("--seed", s.seed, "random seed (default 1); the same seed gives the same result for any thread count");
    app.add_option("--threads", s.threads, "OpenMP threads (0 = all available, default)")->check(CLI::Range(0, 4096));
    app.add_flag("--json", s.json, "print one JSON object on stdout instead of text");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : exit_bad_input;
    }
    if (!(s.time_limit >= 0.0) || !std::isfinite(s.time_limit)) {
        complain("--time-limit must be a finite number of seconds >= 0 (0 = none), got " + number(s.time_limit));
        return exit_bad_input;
    }
    if (s.target && !std::isfinite(*s.target)) {
        complain("--target must be a finite number");
        return exit_bad_input;
    }
    if (const auto why = unused_option(s)) {
        complain(*why);
        return exit_bad_input;
    }

    // ---- load: every problem here is the input's fault, exit status 2 -------------------
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<qb::Problem> problems;
    {
        std::string text;
        qb::file_format format = qb::parse_format(s.format);
        std::string guessed; // how --format auto chose, for the message when reading then fails
        try {
            text = read_file(s.file);
            if (format == qb::file_format::automatic) {
                format = qb::format_from_extension(s.file);
                if (format != qb::file_format::automatic) {
                    guessed = "from the extension \"" + extension_of(s.file) + "\"";
                } else {
                    try {
                        format = qb::detect_format(s.file, text);
                        guessed = "from the first line (" + extension_says_nothing(s.file) + ")";
                    } catch (const qcoach::parse_error& e) {
                        std::cerr << e.what() << '\n';
                        complain("--format auto found no format: " + extension_says_nothing(s.file) +
                                 " (known: .bqp, .rud, .rudy, .qubo, .json), and the first line fits none (BQP: one "
                                 "number, rudy: two, qubo: a 'c' or 'p' line, JSON: '{'); name the format with --format");
                        return exit_bad_input;
                    }
                }
            }
            problems = qb::read_problems(text, s.file, format);
        } catch (const qcoach::error& e) {
            std::cerr << e.what() << '\n';
            if (!guessed.empty()) {
                complain("read as " + std::string(qb::format_name(format)) + ", guessed " + guessed +
                         "; if that is wrong, name the format with --format");
            }
            return exit_bad_input;
        } catch (const std::bad_alloc&) {
            complain(s.file + ": not enough memory to read it");
            return exit_bad_input;
        }
    }
    if (problems.empty()) {
        complain(s.file + ": the file holds no instance");
        return exit_bad_input;
    }
    if (s.instance > problems.size()) {
        complain(s.file + " holds " + std::to_string(problems.size()) + " instance" + (problems.size() == 1 ? "" : "s") +
                 "; --instance " + std::to_string(s.instance) + " is out of range 1.." + std::to_string(problems.size()));
        return exit_bad_input;
    }
    const std::size_t instances = problems.size();
    const qb::Problem problem = std::move(problems[s.instance - 1]);
    problems.clear();
    const double load_time = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    // ---- solve ---------------------------------------------------------------------------
    solver_choice choice = make_solver(s.solver);
    progress_printer progress(choice.unit, problem.objective);
    qb::solver_options opt;
    opt.seed = s.seed;
    opt.reads = s.reads;
    opt.sweeps = s.sweeps;
    opt.time_limit_s = s.time_limit;
    opt.threads = s.threads;
    opt.progress_interval_s = 0.25;
    opt.progress = [&progress](const qb::progress_info& p) { return progress(p); };
    std::optional<double> target_energy;
    if (s.target) {
        // The target is in the instance's own objective; the solvers stop on an energy. For the
        // maximized objectives this flips the sense: BQP f >= V is E <= -V, a cut >= C is
        // E <= W - 2C (formats.hpp, objective_map). The slack of 1e-9 relative absorbs the
        // rounding of a decimal target and of the energy sum; it never merges two energies of
        // an integer instance below 1e9.
        const double e = problem.objective.energy_of(*s.target);
        target_energy = e;
        opt.target_energy = e + 1e-9 * std::max(1.0, std::abs(e));
    }
    // A shell that starts the program in the background sets SIGINT to ignored; keep it so.
    if (std::signal(SIGINT, on_interrupt) == SIG_IGN) std::signal(SIGINT, SIG_IGN);

    qb::solve_result result;
    bool proven_optimal = false;
    const auto solve_start = std::chrono::steady_clock::now();
    try {
        if (s.solver == "exact") {
            const qb::exact_solution sol = static_cast<const qb::ExactSolver&>(*choice.solver).enumerate(problem.model, opt);
            result = sol.result;
            proven_optimal = sol.complete;
        } else {
            result = choice.solver->solve(problem.model, opt);
        }
    } catch (const qcoach::error& e) {
        progress.finish();
        // Most solver messages start with the solver's name already.
        const std::string what = e.what();
        const std::string own = s.solver == "anneal" ? "annealing" : s.solver;
        std::string message = what.rfind(own, 0) == 0 ? what : s.solver + " solver: " + what;
        const double ran = std::chrono::duration<double>(std::chrono::steady_clock::now() - solve_start).count();
        if (s.time_limit > 0 && ran >= s.time_limit) {
            message += " (after the time limit of " + number(s.time_limit) + " s ended the run)";
        }
        complain(message);
        return exit_solver_error;
    } catch (const std::bad_alloc&) {
        progress.finish();
        complain(s.solver + " solver: out of memory");
        return exit_solver_error;
    }
    progress.finish();
    if (result.best_sample.size() != problem.model.num_variables() || !std::isfinite(result.best_energy)) {
        complain(s.solver + " solver: the run stopped before any sample was complete" +
                 (s.time_limit > 0 ? "; raise --time-limit" : std::string()));
        return exit_solver_error;
    }

    const run_info run{s, problem, instances, s.threads > 0 ? s.threads : qcoach::available_threads(), target_energy,
                       load_time, proven_optimal};
    if (s.json) print_json(run, result);
    else print_text(run, result);
    return 0;
}
