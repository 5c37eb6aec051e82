#pragma once
/// @file
/// @brief The qcoach JSON model format: a lossless, human-readable copy of a
/// BinaryQuadraticModel (vartype, labels, every stored coefficient, offset).
///
/// Schema (version 1):
///
///     {
///       "format": "qcoach.bqm",          optional; if present exactly this
///       "version": 1,                    optional; if present exactly 1
///       "description": "...",            optional, free text, ignored
///       "vartype": "binary" | "spin",    required
///       "num_variables": n,              required, non-negative integer
///       "labels": ["a", null, ...],      optional; n entries, string or null (no label); unique
///       "linear": [h_0, ..., h_{n-1}],   optional (default all 0); n numbers
///       "quadratic": [[i, j, J], ...],   optional; 0-based i != j < n
///       "offset": c                      optional (default 0)
///     }
///
/// Energy: E(v) = offset + sum_i h_i v_i + sum over entries J v_i v_j. Entries follow the
/// model's rules: a repeated pair (in either order) adds up, and i == j folds (into h_i for
/// binary, into the offset for spin). The writer emits each stored coupling once with i < j
/// (explicit zeros included) and numbers in the shortest form that reads back to the same
/// double, so write -> read gives back an equal model. Members may come in any order; unknown
/// members are errors (a typo must not silently drop data).
///
/// The reader and writer are self-contained (detail/json.hpp explains why not nlohmann-json).

#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/core/memory.hpp"
#include "qcoach/qubo/detail/json.hpp"
#include "qcoach/qubo/detail/scanner.hpp"
#include "qcoach/qubo/model.hpp"

namespace qcoach::qubo {

inline constexpr std::string_view json_format_name = "qcoach.bqm";
inline constexpr int json_format_version = 1;

/// @brief Parse the JSON model format; `source` names the text in errors.
inline BinaryQuadraticModel read_json(std::string_view text, const std::string& source) {
    detail::json_reader r(text, source);
    struct entry {
        std::uint64_t i, j;
        double bias;
        std::size_t at;
    };
    std::optional<vartype> type;
    std::optional<std::uint64_t> n;
    std::size_t n_at = 0;
    std::optional<std::vector<std::optional<std::string>>> labels;
    std::vector<std::size_t> label_at;
    std::optional<std::vector<double>> linear;
    std::size_t linear_at = 0;
    std::vector<entry> quadratic;
    double offset = 0.0;
    std::vector<std::string> seen;

    r.expect('{', "at the start of a model");
    bool first = true;
    std::string key;
    while (r.next_member(first, key)) {
        for (const auto& k : seen)
            if (k == key) r.fail("member \"" + key + "\" appears twice");
        seen.push_back(key);
        if (key == "format") {
            r.peek();
            const std::size_t at = r.position();
            if (r.read_string() != json_format_name) {
                r.fail_at(at, "\"format\" must be \"" + std::string(json_format_name) + "\"");
            }
        } else if (key == "version") {
            r.peek();
            const std::size_t at = r.position();
            if (r.read_index("the version") != static_cast<std::uint64_t>(json_format_version)) {
                r.fail_at(at, "unsupported version; this reader knows version " + std::to_string(json_format_version));
            }
        } else if (key == "description") {
            (void)r.read_string();
        } else if (key == "vartype") {
            r.peek();
            const std::size_t at = r.position();
            const std::string v = r.read_string();
            if (v != "binary" && v != "spin") r.fail_at(at, "\"vartype\" must be \"binary\" or \"spin\", got \"" + v + "\"");
            type = parse_vartype(v);
        } else if (key == "num_variables") {
            r.peek();
            n_at = r.position();
            n = r.read_index("the number of variables");
            if (*n > max_variables) r.fail_at(n_at, "at most " + std::to_string(max_variables) + " variables are supported");
            const std::uint64_t bytes = *n * BinaryQuadraticModel::bytes_per_variable;
            if (bytes > memory_limit()) {
                r.fail_at(n_at, std::to_string(*n) + " variables need " + format_bytes(bytes) +
                                    ", more than the memory limit " + format_bytes(memory_limit()));
            }
        } else if (key == "labels") {
            labels.emplace();
            r.expect('[', "to start \"labels\"");
            bool f = true;
            while (r.next_element(f)) {
                r.peek();
                label_at.push_back(r.position());
                if (r.read_null()) labels->emplace_back();
                else labels->emplace_back(r.read_string());
            }
        } else if (key == "linear") {
            r.peek();
            linear_at = r.position();
            linear.emplace();
            r.expect('[', "to start \"linear\"");
            bool f = true;
            while (r.next_element(f)) linear->push_back(r.read_double("a linear bias"));
        } else if (key == "quadratic") {
            r.expect('[', "to start \"quadratic\"");
            bool f = true;
            while (r.next_element(f)) {
                r.peek();
                entry e{0, 0, 0.0, r.position()};
                r.expect('[', "to start a quadratic entry [i, j, bias]");
                e.i = r.read_index("a variable index");
                r.expect(',', "after the first index");
                e.j = r.read_index("a variable index");
                r.expect(',', "after the second index");
                e.bias = r.read_double("a quadratic bias");
                r.expect(']', "to close a quadratic entry [i, j, bias]");
                quadratic.push_back(e);
            }
        } else if (key == "offset") {
            offset = r.read_double("the offset");
        } else {
            r.fail("unknown member \"" + key +
                   "\"; allowed: format, version, description, vartype, num_variables, labels, linear, quadratic, offset");
        }
    }
    r.expect_end();
    if (!type) r.fail_at(0, "the model has no \"vartype\"");
    if (!n) r.fail_at(0, "the model has no \"num_variables\"");
    if (labels && labels->size() != *n) {
        r.fail_at(label_at.empty() ? n_at : label_at.front(), "\"labels\" has " + std::to_string(labels->size()) +
                                                             " entries; num_variables is " + std::to_string(*n));
    }
    if (linear && linear->size() != *n) {
        r.fail_at(linear_at, "\"linear\" has " + std::to_string(linear->size()) + " entries; num_variables is " +
                                 std::to_string(*n));
    }
    BinaryQuadraticModel m(*type, static_cast<std::size_t>(*n));
    if (labels) {
        for (std::size_t i = 0; i < labels->size(); ++i) {
            const auto& l = (*labels)[i];
            if (!l || l->empty()) continue;
            if (m.find(*l)) r.fail_at(label_at[i], "label \"" + *l + "\" names two variables");
            m.set_label(static_cast<var_t>(i), *l);
        }
    }
    if (linear)
        for (std::size_t i = 0; i < linear->size(); ++i) m.set_linear(static_cast<var_t>(i), (*linear)[i]);
    for (const entry& e : quadratic) {
        if (e.i >= *n || e.j >= *n) {
            r.fail_at(e.at, "quadratic entry [" + std::to_string(e.i) + ", " + std::to_string(e.j) +
                                "] has an index out of range 0.." + std::to_string(*n) + " (exclusive)");
        }
        m.add_quadratic(static_cast<var_t>(e.i), static_cast<var_t>(e.j), e.bias);
    }
    m.set_offset(offset);
    return m;
}

inline BinaryQuadraticModel read_json(std::istream& in, const std::string& source = "<stream>") {
    const std::string text = detail::read_stream(in);
    return read_json(text, source);
}

inline BinaryQuadraticModel read_json_file(const std::string& path) {
    const std::string text = detail::read_text_file(path);
    return read_json(text, path);
}

/// @brief Write a model in the JSON format (see the file comment); `description` is optional.
inline void write_json(std::ostream& out, const BinaryQuadraticModel& m, std::string_view description = {}) {
    const std::size_t n = m.num_variables();
    out << "{\n  \"format\": \"" << json_format_name << "\",\n  \"version\": " << json_format_version << ",\n";
    if (!description.empty()) {
        out << "  \"description\": ";
        detail::write_json_string(out, description);
        out << ",\n";
    }
    out << "  \"vartype\": \"" << vartype_name(m.type()) << "\",\n  \"num_variables\": " << n << ",\n";
    if (m.has_labels()) {
        out << "  \"labels\": [";
        for (var_t i = 0; i < n; ++i) {
            out << (i == 0 ? "" : ", ");
            if (m.label(i).empty()) out << "null";
            else detail::write_json_string(out, m.label(i));
        }
        out << "],\n";
    }
    out << "  \"linear\": [";
    for (var_t i = 0; i < n; ++i) {
        out << (i == 0 ? "" : (i % 16 == 0 ? ",\n    " : ", ")) << detail::format_number(m.linear(i));
    }
    out << "],\n  \"quadratic\": [";
    bool first = true;
    m.for_each_interaction([&](var_t i, var_t j, double b) {
        out << (first ? "\n    [" : ",\n    [") << i << ", " << j << ", " << detail::format_number(b) << ']';
        first = false;
    });
    out << (first ? "" : "\n  ") << "],\n  \"offset\": " << detail::format_number(m.offset()) << "\n}\n";
    if (!out) throw error("writing the JSON model failed");
}

} // namespace qcoach::qubo
