#pragma once
/// @file
/// @brief File formats by name, detection by extension or content, and one entry point that
/// loads any supported file as problems with their own objective.
///
/// A problem carries the model (always minimized) and an objective_map that turns an energy
/// into the number the instance's literature reports:
///
///     bqp  (OR-Library)  f = x^T Q x (maximized)  = -E
///     rudy (G-set)       cut (maximized)          = (W - E) / 2
///     qubo, json         the energy itself (minimized)

#include <cstdint>
#include <fstream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/qubo/detail/scanner.hpp"
#include "qcoach/qubo/io_bqp.hpp"
#include "qcoach/qubo/io_json.hpp"
#include "qcoach/qubo/io_qubo.hpp"
#include "qcoach/qubo/io_rudy.hpp"
#include "qcoach/qubo/model.hpp"

namespace qcoach::qubo {

enum class file_format : std::uint8_t { automatic, bqp, rudy, qubo, json };

constexpr std::string_view format_name(file_format f) noexcept {
    switch (f) {
    case file_format::automatic: return "auto";
    case file_format::bqp: return "bqp";
    case file_format::rudy: return "rudy";
    case file_format::qubo: return "qubo";
    case file_format::json: return "json";
    }
    return "?";
}

/// @brief "auto", "bqp", "rudy", "qubo" or "json" (as a command line's --format takes them).
inline file_format parse_format(std::string_view name) {
    for (file_format f : {file_format::automatic, file_format::bqp, file_format::rudy, file_format::qubo, file_format::json})
        if (name == format_name(f)) return f;
    throw value_error("unknown file format \"" + std::string(name) + "\"; allowed: auto, bqp, rudy, qubo, json");
}

/// @brief The format a file name's extension says (.bqp, .rud/.rudy, .qubo, .json), or
/// automatic when the extension says nothing (e.g. OR-Library's "bqp50.txt").
inline file_format format_from_extension(std::string_view path) {
    const std::size_t slash = path.find_last_of("/\\");
    const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
    const std::size_t dot = base.find_last_of('.');
    if (dot == std::string_view::npos) return file_format::automatic;
    std::string ext(base.substr(dot + 1));
    for (char& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (ext == "bqp") return file_format::bqp;
    if (ext == "rud" || ext == "rudy") return file_format::rudy;
    if (ext == "qubo") return file_format::qubo;
    if (ext == "json") return file_format::json;
    return file_format::automatic;
}

/// @brief The format of a file: by extension, else by content. JSON starts with '{'; a .qubo
/// file with a "c" comment or the "p" line; a BQP file with one number (the instance count);
/// a rudy file with two ("n m"). Throws parse_error when the content fits none of them.
inline file_format detect_format(std::string_view path, std::string_view content) {
    if (const file_format f = format_from_extension(path); f != file_format::automatic) return f;
    detail::line_scanner s(content, std::string(path));
    if (!s.next_line()) s.fail_at_end("cannot detect the format of an empty input");
    const std::string_view first = s.current_line();
    const std::size_t k = first.find_first_not_of(" \t\v\f");
    if (k != std::string_view::npos && first[k] == '{') return file_format::json;
    const std::string_view tok = s.word("a token");
    if (tok.front() == 'c' || tok == "p") return file_format::qubo;
    int count = 1;
    while (!s.at_end_of_line() && count < 3) {
        (void)s.word("a token");
        ++count;
    }
    if (count == 1) return file_format::bqp;
    if (count == 2) return file_format::rudy;
    s.fail_at_end("cannot detect the format (first line \"" + detail::printable(first) +
                  "\"); give it explicitly: bqp, rudy, qubo or json");
}

/// How an energy maps to the objective an instance reports: scale * E + shift.
struct objective_map {
    std::string name = "energy";
    double scale = 1.0;
    double shift = 0.0;
    bool maximize = false; ///< whether larger objective values are better
    double operator()(double energy) const noexcept { return scale * energy + shift; }
    double energy_of(double objective) const noexcept { return (objective - shift) / scale; }
};

/// A loaded problem: its name, source format, model and objective map.
struct Problem {
    std::string name;
    file_format format = file_format::automatic;
    BinaryQuadraticModel model;
    objective_map objective;
};

/// @brief Parse any supported format from text (`source` names it in errors and problem names).
/// A BQP file gives one problem per instance, named "<source>#<k>".
inline std::vector<Problem> read_problems(std::string_view text, const std::string& source,
                                          file_format format = file_format::automatic) {
    if (format == file_format::automatic) format = detect_format(source, text);
    std::vector<Problem> out;
    switch (format) {
    case file_format::bqp:
        for (auto& inst : read_bqp(text, source)) {
            out.push_back({source + "#" + std::to_string(inst.index), format, std::move(inst.model),
                           {"x^T Q x", -1.0, 0.0, true}});
        }
        break;
    case file_format::rudy: {
        MaxCutGraph g = read_rudy(text, source);
        const double w = g.total_weight;
        out.push_back({source, format, std::move(g.model), {"cut", -0.5, 0.5 * w, true}});
        break;
    }
    case file_format::qubo: out.push_back({source, format, read_qubo(text, source), {}}); break;
    case file_format::json: out.push_back({source, format, read_json(text, source), {}}); break;
    case file_format::automatic: break;
    }
    return out;
}

/// @brief Load a file in any supported format (see read_problems).
inline std::vector<Problem> load_problems(const std::string& path, file_format format = file_format::automatic) {
    const std::string text = detail::read_text_file(path);
    return read_problems(text, path, format);
}

/// @brief Write one model in a format: bqp (binary, offset 0), rudy (spin, couplings only),
/// qubo (binary), json (any).
inline void write_model(std::ostream& out, const BinaryQuadraticModel& m, file_format format) {
    switch (format) {
    case file_format::bqp: write_bqp(out, m); return;
    case file_format::rudy: write_rudy(out, m); return;
    case file_format::qubo: write_qubo(out, m); return;
    case file_format::json: write_json(out, m); return;
    case file_format::automatic: break;
    }
    throw value_error("write_model needs a concrete format (bqp, rudy, qubo or json)");
}

/// @brief Write a model to a file; the format defaults to the one the extension names.
inline void save_model(const std::string& path, const BinaryQuadraticModel& m,
                       file_format format = file_format::automatic) {
    if (format == file_format::automatic) format = format_from_extension(path);
    if (format == file_format::automatic) {
        throw value_error("cannot tell the format from \"" + path + "\"; name it (bqp, rudy, qubo, json)");
    }
    std::ofstream out(path, std::ios::binary);
    if (!out) throw error("cannot open \"" + path + "\" for writing");
    write_model(out, m, format);
}

} // namespace qcoach::qubo
