#pragma once
// Reading a scheduling problem from the JSON schema of README.md ("Input format"). Every
// error names the file and the field ("week.json: sessions[3].client: unknown client
// \"client-99\""), or the line and column for a JSON syntax error. Unknown fields are errors
// too, so a misspelt key never silently drops a rule.

#include <qcoach/coaching/scheduling.hpp>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace session_scheduling {

namespace cc = qcoach::coaching;
using json = nlohmann::json;

/// A field error: "<file>: <path>: <message>".
class input_error {
public:
    input_error(std::string file) : file_(std::move(file)) {}
    [[noreturn]] void fail(const std::string& path, const std::string& message) const {
        throw qcoach::parse_error(file_, 0, 0, (path.empty() ? "" : path + ": ") + message);
    }
    const std::string& file() const { return file_; }

private:
    std::string file_;
};

/// The whole file, with errors that name it.
inline std::string read_text(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw qcoach::parse_error(path, 0, 0, "is a directory, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw qcoach::parse_error(path, 0, 0, std::string("cannot open the file: ") + std::strerror(errno));
    std::ostringstream s;
    s << in.rdbuf();
    return std::move(s).str();
}

/// Parse JSON text; a syntax error becomes "<file>:<line>:<column>: JSON syntax error: ...".
inline json parse_json(const std::string& text, const std::string& file) {
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        // e.byte is the 1-based offset just past the offending character.
        int line = 1, col = 1;
        for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
            if (text[i] == '\n') {
                ++line;
                col = 1;
            } else {
                ++col;
            }
        }
        // what() is "[json.exception.parse_error.101] parse error at line L, column C: <detail>".
        std::string what = e.what();
        const auto at = what.find("parse error");
        const auto colon = at == std::string::npos ? std::string::npos : what.find(": ", at);
        if (colon != std::string::npos) what = what.substr(colon + 2);
        throw qcoach::parse_error(file, line, col, "invalid JSON: " + what);
    }
}

namespace detail {

inline void only_fields(const input_error& err, const json& obj, const std::string& path,
                        std::initializer_list<const char*> allowed) {
    if (!obj.is_object()) err.fail(path, "expected an object");
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        bool ok = false;
        for (const char* a : allowed) ok = ok || it.key() == a;
        if (!ok) {
            std::string list;
            for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
            err.fail(path, "unknown field \"" + it.key() + "\" (allowed: " + list + ")");
        }
    }
}

inline std::string get_string(const input_error& err, const json& v, const std::string& path) {
    if (!v.is_string() || v.get<std::string>().empty()) err.fail(path, "expected a non-empty string");
    return v.get<std::string>();
}

inline int get_int(const input_error& err, const json& v, const std::string& path, int lo, int hi) {
    if (!v.is_number_integer()) err.fail(path, "expected an integer");
    const auto x = v.get<long long>();
    if (x < lo || x > hi) err.fail(path, std::to_string(x) + " is out of range " + std::to_string(lo) + ".." + std::to_string(hi));
    return static_cast<int>(x);
}

/// Glob match with '*' (any run of characters).
inline bool glob(const std::string& pattern, const std::string& s) {
    std::size_t p = 0, i = 0, star = std::string::npos, mark = 0;
    while (i < s.size()) {
        if (p < pattern.size() && pattern[p] == s[i]) {
            ++p;
            ++i;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = i;
        } else if (star != std::string::npos) {
            p = star + 1;
            i = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

/// A list of slot ids or patterns ("mon-*", "*-09") as slot indices.
inline std::vector<std::size_t> slot_list(const input_error& err, const json& v, const std::string& path,
                                          const cc::scheduling_problem& p) {
    if (!v.is_array()) err.fail(path, "expected an array of slot ids or patterns such as \"mon-*\"");
    std::set<std::size_t> out;
    for (std::size_t k = 0; k < v.size(); ++k) {
        const std::string item = path + "[" + std::to_string(k) + "]";
        const std::string pat = get_string(err, v[k], item);
        bool any = false;
        for (std::size_t t = 0; t < p.slots.size(); ++t) {
            if (glob(pat, p.slots[t].id)) {
                out.insert(t);
                any = true;
            }
        }
        if (!any) err.fail(item, "\"" + pat + "\" matches no time slot");
    }
    return {out.begin(), out.end()};
}

inline int day_of_week(const input_error& err, const std::string& name, const std::string& path) {
    static const char* names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (int d = 0; d < 7; ++d)
        if (name == names[d]) return d;
    err.fail(path, "unknown day \"" + name + "\" (expected mon, tue, wed, thu, fri, sat or sun)");
}

inline std::string two_digits(int v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d", v);
    return buf;
}

inline void read_person(const input_error& err, const json& j, const std::string& path, const cc::scheduling_problem& p,
                        cc::person& q, bool client) {
    if (client) {
        only_fields(err, j, path, {"id", "available", "unavailable", "preferred", "max_per_day", "max_per_week", "min_gap_days", "min_gap_slots"});
    } else {
        only_fields(err, j, path, {"id", "available", "unavailable", "preferred", "max_per_day", "max_per_week"});
    }
    if (!j.contains("id")) err.fail(path, "missing field \"id\"");
    q.id = get_string(err, j["id"], path + ".id");
    if (j.contains("available") && j.contains("unavailable")) err.fail(path, "give \"available\" or \"unavailable\", not both");
    if (j.contains("available")) {
        const auto on = slot_list(err, j["available"], path + ".available", p);
        for (std::size_t t = 0; t < p.slots.size(); ++t)
            if (!std::binary_search(on.begin(), on.end(), t)) q.unavailable.push_back(t);
    }
    if (j.contains("unavailable")) q.unavailable = slot_list(err, j["unavailable"], path + ".unavailable", p);
    if (j.contains("preferred")) q.preferred = slot_list(err, j["preferred"], path + ".preferred", p);
    if (j.contains("max_per_day")) q.max_per_day = get_int(err, j["max_per_day"], path + ".max_per_day", 0, 1000);
    if (j.contains("max_per_week")) q.max_per_week = get_int(err, j["max_per_week"], path + ".max_per_week", 0, 1000);
    if (j.contains("min_gap_days")) q.min_gap_days = get_int(err, j["min_gap_days"], path + ".min_gap_days", 0, 366);
    if (j.contains("min_gap_slots")) q.min_gap_slots = get_int(err, j["min_gap_slots"], path + ".min_gap_slots", 0, 1000);
}

} // namespace detail

/// Read a scheduling problem (README.md, "Input format").
inline cc::scheduling_problem read_schedule_json(const std::string& path) {
    using namespace detail;
    const input_error err(path);
    const json j = parse_json(read_text(path), path);
    only_fields(err, j, "", {"calendar", "slots", "weights", "spacing", "coaches", "clients", "sessions", "conflicts"});
    cc::scheduling_problem p;

    // Time slots: a calendar grid or an explicit list.
    if (j.contains("calendar") == j.contains("slots")) err.fail("", "give exactly one of \"calendar\" and \"slots\"");
    if (j.contains("calendar")) {
        const json& c = j["calendar"];
        only_fields(err, c, "calendar", {"days", "hours", "weeks"});
        if (!c.contains("days") || !c["days"].is_array() || c["days"].empty()) err.fail("calendar.days", "expected a non-empty array of day names");
        if (!c.contains("hours") || !c["hours"].is_array() || c["hours"].empty()) err.fail("calendar.hours", "expected a non-empty array of hours");
        const int weeks = c.contains("weeks") ? get_int(err, c["weeks"], "calendar.weeks", 1, 52) : 1;
        for (int w = 0; w < weeks; ++w) {
            for (std::size_t d = 0; d < c["days"].size(); ++d) {
                const std::string dpath = "calendar.days[" + std::to_string(d) + "]";
                const std::string name = get_string(err, c["days"][d], dpath);
                const int dow = day_of_week(err, name, dpath);
                for (std::size_t h = 0; h < c["hours"].size(); ++h) {
                    const int hour = get_int(err, c["hours"][h], "calendar.hours[" + std::to_string(h) + "]", 0, 23);
                    const std::string prefix = weeks > 1 ? "w" + std::to_string(w + 1) + "-" : "";
                    const std::string label = weeks > 1 ? "w" + std::to_string(w + 1) + " " + name : name;
                    p.slots.push_back({prefix + name + "-" + two_digits(hour), w * 7 + dow, hour, label});
                }
            }
        }
    } else {
        const json& s = j["slots"];
        if (!s.is_array() || s.empty()) err.fail("slots", "expected a non-empty array");
        for (std::size_t k = 0; k < s.size(); ++k) {
            const std::string path = "slots[" + std::to_string(k) + "]";
            only_fields(err, s[k], path, {"id", "day", "start", "day_label"});
            for (const char* f : {"id", "day", "start"})
                if (!s[k].contains(f)) err.fail(path, std::string("missing field \"") + f + "\"");
            cc::time_slot t;
            t.id = get_string(err, s[k]["id"], path + ".id");
            t.day = get_int(err, s[k]["day"], path + ".day", 0, 366 * 10);
            t.start = get_int(err, s[k]["start"], path + ".start", -100000, 100000);
            if (s[k].contains("day_label")) t.day_label = get_string(err, s[k]["day_label"], path + ".day_label");
            p.slots.push_back(std::move(t));
        }
    }
    std::set<std::string> slot_ids;
    for (const auto& t : p.slots)
        if (!slot_ids.insert(t.id).second) err.fail("slots", "two time slots have the id \"" + t.id + "\"");

    if (j.contains("weights")) {
        only_fields(err, j["weights"], "weights", {"preferred", "earlier"});
        if (j["weights"].contains("preferred")) p.weights.preferred = get_int(err, j["weights"]["preferred"], "weights.preferred", 0, 1000);
        if (j["weights"].contains("earlier")) p.weights.earlier = get_int(err, j["weights"]["earlier"], "weights.earlier", 0, 1000);
    }
    if (j.contains("spacing")) {
        only_fields(err, j["spacing"], "spacing", {"min_gap_days", "min_gap_slots"});
        if (j["spacing"].contains("min_gap_days")) p.spacing.min_gap_days = get_int(err, j["spacing"]["min_gap_days"], "spacing.min_gap_days", 0, 366);
        if (j["spacing"].contains("min_gap_slots")) p.spacing.min_gap_slots = get_int(err, j["spacing"]["min_gap_slots"], "spacing.min_gap_slots", 0, 1000);
    }

    std::map<std::string, std::string> ids; // sessions, coaches and clients share one name space
    auto unique = [&](const std::string& id, const std::string& path, const char* kind) {
        if (const auto [it, fresh] = ids.emplace(id, kind); !fresh) err.fail(path, "the id \"" + id + "\" is already used by a " + it->second);
    };
    for (const char* kind : {"coaches", "clients"}) {
        if (!j.contains(kind)) continue;
        const json& list = j[kind];
        if (!list.is_array()) err.fail(kind, "expected an array");
        const bool client = std::string(kind) == "clients";
        for (std::size_t k = 0; k < list.size(); ++k) {
            const std::string path = std::string(kind) + "[" + std::to_string(k) + "]";
            cc::person q;
            read_person(err, list[k], path, p, q, client);
            unique(q.id, path + ".id", client ? "client" : "coach");
            (client ? p.clients : p.coaches).push_back(std::move(q));
        }
    }
    if (!j.contains("sessions") || !j["sessions"].is_array() || j["sessions"].empty()) err.fail("sessions", "expected a non-empty array");
    for (std::size_t k = 0; k < j["sessions"].size(); ++k) {
        const json& s = j["sessions"][k];
        const std::string path = "sessions[" + std::to_string(k) + "]";
        only_fields(err, s, path, {"id", "client", "coach", "length", "preferred"});
        if (!s.contains("id")) err.fail(path, "missing field \"id\"");
        cc::session ss;
        ss.id = get_string(err, s["id"], path + ".id");
        unique(ss.id, path + ".id", "session");
        if (s.contains("client")) {
            const std::string c = get_string(err, s["client"], path + ".client");
            ss.client = cc::find_person(p.clients, c);
            if (!ss.client) err.fail(path + ".client", "unknown client \"" + c + "\"");
        }
        if (s.contains("coach")) {
            const std::string c = get_string(err, s["coach"], path + ".coach");
            ss.coach = cc::find_person(p.coaches, c);
            if (!ss.coach) err.fail(path + ".coach", "unknown coach \"" + c + "\"");
        }
        if (s.contains("length")) ss.length = get_int(err, s["length"], path + ".length", 1, 24);
        if (s.contains("preferred")) ss.preferred = slot_list(err, s["preferred"], path + ".preferred", p);
        p.sessions.push_back(std::move(ss));
    }
    if (j.contains("conflicts")) {
        const json& c = j["conflicts"];
        if (!c.is_array()) err.fail("conflicts", "expected an array of [session, session] pairs");
        for (std::size_t k = 0; k < c.size(); ++k) {
            const std::string path = "conflicts[" + std::to_string(k) + "]";
            if (!c[k].is_array() || c[k].size() != 2) err.fail(path, "expected a pair [\"s-1\", \"s-2\"]");
            std::size_t ends[2];
            for (int e = 0; e < 2; ++e) {
                const std::string id = get_string(err, c[k][e], path + "[" + std::to_string(e) + "]");
                const auto s = cc::find_session(p, id);
                if (!s) err.fail(path + "[" + std::to_string(e) + "]", "unknown session \"" + id + "\"");
                ends[e] = *s;
            }
            if (ends[0] == ends[1]) err.fail(path, "a session cannot conflict with itself");
            p.conflicts.emplace_back(ends[0], ends[1]);
        }
    }
    try {
        cc::validate(p);
    } catch (const qcoach::error& e) {
        err.fail("", e.what());
    }
    return p;
}

} // namespace session_scheduling
