#pragma once
// Reading the learning path's JSON input (schema in README.md). Every error names the file and
// the field ("week.json: modules[3] (Q2): duration: expected an integer >= 0"), and a syntax
// error its line and column. Unknown fields are refused: the planner takes only the fields a
// decision needs, and a typo should not pass silently.

#include <qcoach/coaching/learning_path.hpp>
#include <qcoach/core/error.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace learning_input {

namespace cc = qcoach::coaching;

/// What the JSON file holds.
struct week {
    std::string title;
    std::vector<cc::learning_module> modules;
    std::vector<cc::learning_session> sessions;
    cc::precedence_rule rule = cc::precedence_rule::earlier_session;
    cc::session_weights weights;
    std::int64_t switch_cost = 20; ///< sequence mode: cost of changing topic between two modules
    std::int64_t early_weight = 1; ///< sequence mode: position weight per unit of module weight
};

/// Input errors: the message names file, field or line; the program exits with status 2.
class input_error : public qcoach::error {
public:
    using qcoach::error::error;
};

inline std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw input_error(path + ": cannot open the file");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

namespace detail {

inline void only_fields(const nlohmann::json& obj, std::initializer_list<std::string_view> allowed, const std::string& where) {
    for (const auto& [key, value] : obj.items()) {
        bool ok = false;
        for (auto a : allowed) ok = ok || key == a;
        if (!ok) {
            std::string list;
            for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
            throw input_error(where + ": unknown field \"" + key + "\" (allowed: " + list + ")");
        }
    }
}

inline std::int64_t integer(const nlohmann::json& obj, const char* key, const std::string& where, std::int64_t min,
                            std::optional<std::int64_t> fallback = std::nullopt) {
    if (!obj.contains(key)) {
        if (fallback) return *fallback;
        throw input_error(where + ": missing field \"" + key + "\"");
    }
    const auto& v = obj.at(key);
    if (!v.is_number_integer() || v.get<std::int64_t>() < min || v.get<std::int64_t>() > (std::int64_t{1} << 24))
        throw input_error(where + ": " + key + ": expected an integer in " + std::to_string(min) + "..2^24, got " + v.dump());
    return v.get<std::int64_t>();
}

inline std::string text(const nlohmann::json& obj, const char* key, const std::string& where, bool required) {
    if (!obj.contains(key)) {
        if (required) throw input_error(where + ": missing field \"" + key + "\"");
        return {};
    }
    const auto& v = obj.at(key);
    if (!v.is_string()) throw input_error(where + ": " + key + ": expected a string, got " + v.dump());
    const std::string s = v.get<std::string>();
    if (required && s.empty()) throw input_error(where + ": " + key + ": must not be empty");
    return s;
}

} // namespace detail

/// @brief Parse the JSON text of a learning week; `source` names it in errors.
inline week parse_week(const std::string& textual, const std::string& source) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(textual);
    } catch (const nlohmann::json::parse_error& e) {
        // Byte offset -> line and column.
        std::size_t line = 1, col = 1;
        for (std::size_t i = 0; i + 1 < e.byte && i < textual.size(); ++i) {
            if (textual[i] == '\n') {
                ++line;
                col = 1;
            } else {
                ++col;
            }
        }
        std::string msg = e.what();
        if (const auto k = msg.find("syntax error"); k != std::string::npos) msg = msg.substr(k);
        throw input_error(source + ":" + std::to_string(line) + ":" + std::to_string(col) + ": invalid JSON: " + msg);
    }
    if (!j.is_object()) throw input_error(source + ": expected a JSON object at the top level");
    detail::only_fields(j, {"title", "precedence", "objective", "sessions", "modules"}, source);
    week w;
    w.title = detail::text(j, "title", source, false);
    if (j.contains("precedence")) {
        const std::string r = detail::text(j, "precedence", source, true);
        try {
            w.rule = cc::parse_precedence_rule(r);
        } catch (const qcoach::error& e) {
            throw input_error(source + ": precedence: " + e.what());
        }
    }
    if (j.contains("objective")) {
        const auto& o = j.at("objective");
        const std::string where = source + ": objective";
        if (!o.is_object()) throw input_error(where + ": expected an object");
        detail::only_fields(o, {"completion_weight", "balance_weight", "switch_cost", "early_weight"}, where);
        w.weights.completion = detail::integer(o, "completion_weight", where, 0, 1);
        w.weights.balance = detail::integer(o, "balance_weight", where, 0, 1);
        w.switch_cost = detail::integer(o, "switch_cost", where, 0, 20);
        w.early_weight = detail::integer(o, "early_weight", where, 0, 1);
    }
    if (!j.contains("sessions") || !j.at("sessions").is_array() || j.at("sessions").empty())
        throw input_error(source + ": sessions: expected a non-empty array of sessions");
    if (!j.contains("modules") || !j.at("modules").is_array() || j.at("modules").empty())
        throw input_error(source + ": modules: expected a non-empty array of modules");
    std::size_t k = 0;
    for (const auto& s : j.at("sessions")) {
        std::string where = source + ": sessions[" + std::to_string(k++) + "]";
        if (!s.is_object()) throw input_error(where + ": expected an object");
        detail::only_fields(s, {"id", "capacity", "load_budget"}, where);
        cc::learning_session x;
        x.id = detail::text(s, "id", where, true);
        where += " (" + x.id + ")";
        x.capacity = detail::integer(s, "capacity", where, 1);
        if (s.contains("load_budget")) x.load_budget = detail::integer(s, "load_budget", where, 0);
        w.sessions.push_back(std::move(x));
    }
    k = 0;
    for (const auto& m : j.at("modules")) {
        std::string where = source + ": modules[" + std::to_string(k++) + "]";
        if (!m.is_object()) throw input_error(where + ": expected an object");
        detail::only_fields(m, {"id", "title", "duration", "load", "weight", "topic", "prerequisites"}, where);
        cc::learning_module x;
        x.id = detail::text(m, "id", where, true);
        where += " (" + x.id + ")";
        x.title = detail::text(m, "title", where, false);
        x.duration = detail::integer(m, "duration", where, 0);
        x.load = detail::integer(m, "load", where, 0, 0);
        x.weight = detail::integer(m, "weight", where, 0, 1);
        x.topic = detail::text(m, "topic", where, false);
        if (m.contains("prerequisites")) {
            const auto& p = m.at("prerequisites");
            if (!p.is_array()) throw input_error(where + ": prerequisites: expected an array of module ids");
            for (const auto& id : p) {
                if (!id.is_string()) throw input_error(where + ": prerequisites: expected module ids (strings), got " + id.dump());
                x.prerequisites.push_back(id.get<std::string>());
            }
        }
        w.modules.push_back(std::move(x));
    }
    return w;
}

inline week read_week(const std::string& path) { return parse_week(read_text(path), path); }

} // namespace learning_input
