#pragma once
// The JSON input of coach_matching (schema in README.md): profiles of clients and coaches,
// optional history, direct scores, loads, pins and forbids. Every error names the file, the line
// and the field ("round.json:14: clients[2].languages: expected an array of strings").
//
// nlohmann::json does not keep source positions, so the file is parsed through a SAX handler
// that builds the document and records the line where each value starts, keyed by its JSON
// pointer; the input iterator tells the handler how far the parser has read.

#include <qcoach/coaching/matching.hpp>

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace coach_matching {

namespace cc = qcoach::coaching;
using json = nlohmann::json;

/// Bad input: the message already names the file, the line and the field.
struct input_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// A character iterator that tells a shared cursor how far it has been advanced.
class tracking_iterator {
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    tracking_iterator(const char* p, const char** cursor) : p_(p), cursor_(cursor) {}
    reference operator*() const { return *p_; }
    tracking_iterator& operator++() {
        ++p_;
        *cursor_ = p_;
        return *this;
    }
    tracking_iterator operator++(int) {
        tracking_iterator old = *this;
        ++*this;
        return old;
    }
    bool operator==(const tracking_iterator& o) const { return p_ == o.p_; }
    bool operator!=(const tracking_iterator& o) const { return p_ != o.p_; }

private:
    const char* p_;
    const char** cursor_;
};

/// Builds the document and the line of every value (by JSON pointer).
class located_parser : public nlohmann::json_sax<json> {
public:
    located_parser(const std::string& text, const char** cursor) : text_(text), cursor_(cursor) {}

    json document;
    std::map<std::string, int> lines;

    bool null() override { return value(json(nullptr), false); }
    bool boolean(bool v) override { return value(json(v), false); }
    bool number_integer(number_integer_t v) override { return value(json(v), true); }
    bool number_unsigned(number_unsigned_t v) override { return value(json(v), true); }
    bool number_float(number_float_t v, const string_t&) override { return value(json(v), true); }
    bool string(string_t& v) override { return value(json(v), false); }
    bool binary(binary_t& v) override { return value(json::binary(v), false); }
    bool start_object(std::size_t) override { return open(json::object()); }
    bool start_array(std::size_t) override { return open(json::array()); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }
    bool key(string_t& k) override {
        frames_.back().key = k;
        return true;
    }
    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
        // "file:line:column: what", the line and column counted here from the byte position
        // (nlohmann's text repeats them in its own words after a tag; keep what follows).
        std::size_t line = 1, column = 1;
        for (std::size_t i = 0; i + 1 < position && i < text_.size(); ++i) {
            if (text_[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        std::string what = e.what();
        if (const auto at = what.find(", column "); at != std::string::npos) {
            if (const auto colon = what.find(": ", at); colon != std::string::npos) what = what.substr(colon + 2);
        }
        error = std::to_string(line) + ":" + std::to_string(column) + ": " + what;
        return false;
    }

    std::string error;

private:
    struct frame {
        json* container;
        std::string pointer;
        std::size_t next_index = 0;
        std::string key;
    };

    /// Line of the last character the parser consumed; for numbers, whose end the lexer finds
    /// by reading one character more, step back over that character.
    int current_line(bool number) {
        std::size_t end = static_cast<std::size_t>(*cursor_ - text_.data());
        if (end > 0) --end;
        if (number) {
            while (end > 0 && std::string(" \t\r\n,]}").find(text_[end]) != std::string::npos) --end;
        }
        while (scanned_ < end) {
            if (text_[scanned_] == '\n') ++line_;
            ++scanned_;
        }
        return line_;
    }

    /// Escape a key for a JSON pointer (RFC 6901: ~ as ~0, / as ~1).
    static std::string escape(const std::string& k) {
        std::string out;
        for (char c : k) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
        return out;
    }

    std::pair<json*, std::string> place(json v) {
        if (frames_.empty()) {
            document = std::move(v);
            return {&document, ""};
        }
        frame& f = frames_.back();
        if (f.container->is_array()) {
            f.container->push_back(std::move(v));
            return {&f.container->back(), f.pointer + "/" + std::to_string(f.next_index++)};
        }
        json& slot = (*f.container)[f.key];
        slot = std::move(v);
        return {&slot, f.pointer + "/" + escape(f.key)};
    }

    bool value(json v, bool number) {
        const int line = current_line(number);
        const auto [at, pointer] = place(std::move(v));
        (void)at;
        lines.emplace(pointer, line);
        return true;
    }

    bool open(json v) {
        const int line = current_line(false);
        const auto [at, pointer] = place(std::move(v));
        lines.emplace(pointer, line);
        frames_.push_back({at, pointer, 0, {}});
        return true;
    }

    bool close() {
        frames_.pop_back();
        return true;
    }

    const std::string& text_;
    const char** cursor_;
    std::vector<frame> frames_;
    std::size_t scanned_ = 0;
    int line_ = 1;
};

/// What the JSON file holds, as library data.
struct matching_input {
    cc::scored_problem scored;
    std::vector<std::pair<std::string, std::string>> pins;    ///< client id, coach id
    std::vector<std::pair<std::string, std::string>> forbids; ///< client id, coach id
    std::size_t direct_scores = 0;
    std::vector<bool> direct;  ///< n x m: the pair's score was given, not derived
};

/// Reads the document with the field names and lines for errors.
class input_reader {
public:
    input_reader(std::string path, const std::string& text) : path_(std::move(path)) {
        const char* cursor = text.data();
        located_parser parser(text, &cursor);
        const bool ok = json::sax_parse(tracking_iterator(text.data(), &cursor),
                                        tracking_iterator(text.data() + text.size(), &cursor), &parser);
        if (!ok) throw input_error(path_ + ":" + parser.error);
        doc_ = std::move(parser.document);
        lines_ = std::move(parser.lines);
    }

    const json& doc() const { return doc_; }

    /// "clients[2].languages" for "/clients/2/languages".
    static std::string field(const std::string& pointer) {
        std::string out;
        std::size_t i = 1;
        while (i <= pointer.size() && !pointer.empty()) {
            const std::size_t j = pointer.find('/', i);
            const std::string part = pointer.substr(i, j == std::string::npos ? std::string::npos : j - i);
            const bool index = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
            out += index ? "[" + part + "]" : (out.empty() ? "" : ".") + part;
            if (j == std::string::npos) break;
            i = j + 1;
        }
        return out.empty() ? "(top level)" : out;
    }

    [[noreturn]] void fail(const std::string& pointer, const std::string& message) const {
        std::string p = pointer;
        auto it = lines_.find(p);
        while (it == lines_.end() && !p.empty()) {
            p = p.substr(0, p.rfind('/'));
            it = lines_.find(p);
        }
        const std::string where = it != lines_.end() ? ":" + std::to_string(it->second) : std::string();
        throw input_error(path_ + where + ": " + field(pointer) + ": " + message);
    }

    /// Reject keys other than `allowed` (a typo, or a field such as a name that matching does
    /// not need and this program does not want to hold).
    void only(const json& obj, const std::string& pointer, const std::set<std::string>& allowed) const {
        if (!obj.is_object()) fail(pointer, "expected an object");
        for (const auto& [k, v] : obj.items()) {
            (void)v;
            if (!allowed.count(k)) {
                std::string list;
                for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
                fail(pointer + "/" + k, "unknown field (expected one of: " + list + ")");
            }
        }
    }

    std::string string(const json& obj, const std::string& pointer, const char* key) const {
        const auto it = obj.find(key);
        if (it == obj.end()) fail(pointer, std::string("missing field \"") + key + "\"");
        if (!it->is_string() || it->get<std::string>().empty()) fail(pointer + "/" + key, "expected a non-empty string");
        return it->get<std::string>();
    }

    std::vector<std::string> strings(const json& obj, const std::string& pointer, const char* key) const {
        std::vector<std::string> out;
        const auto it = obj.find(key);
        if (it == obj.end()) return out;
        if (!it->is_array()) fail(pointer + "/" + key, "expected an array of strings");
        for (std::size_t i = 0; i < it->size(); ++i) {
            if (!(*it)[i].is_string()) fail(pointer + "/" + key + "/" + std::to_string(i), "expected a string");
            out.push_back((*it)[i].get<std::string>());
        }
        return out;
    }

    double number(const json& v, const std::string& pointer) const {
        if (!v.is_number()) fail(pointer, "expected a number");
        return v.get<double>();
    }

    std::int64_t integer(const json& v, const std::string& pointer, std::int64_t lo, std::int64_t hi) const {
        if (!v.is_number_integer()) fail(pointer, "expected an integer");
        const auto x = v.get<std::int64_t>();
        if (x < lo || x > hi) fail(pointer, std::to_string(x) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
        return x;
    }

    /// "09:30" -> 570.
    int minute_of_day(const json& v, const std::string& pointer) const {
        const std::string s = v.is_string() ? v.get<std::string>() : std::string();
        const bool shape = s.size() == 5 && s[2] == ':' && std::isdigit(static_cast<unsigned char>(s[0])) &&
                           std::isdigit(static_cast<unsigned char>(s[1])) && std::isdigit(static_cast<unsigned char>(s[3])) &&
                           std::isdigit(static_cast<unsigned char>(s[4]));
        if (!shape) fail(pointer, "expected a time \"HH:MM\"");
        const int h = std::stoi(s.substr(0, 2)), m = std::stoi(s.substr(3, 2));
        if (h > 24 || m > 59 || (h == 24 && m != 0)) fail(pointer, "\"" + s + "\" is not a time of day");
        return h * 60 + m;
    }

    std::vector<cc::time_window> windows(const json& obj, const std::string& pointer) const {
        std::vector<cc::time_window> out;
        const auto it = obj.find("availability");
        if (it == obj.end()) return out;
        const std::string base = pointer + "/availability";
        if (!it->is_array()) fail(base, "expected an array of {\"day\", \"from\", \"to\"} windows");
        static const char* days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
        for (std::size_t i = 0; i < it->size(); ++i) {
            const json& w = (*it)[i];
            const std::string at = base + "/" + std::to_string(i);
            only(w, at, {"day", "from", "to"});
            const std::string day = string(w, at, "day");
            int d = -1;
            for (int k = 0; k < 7; ++k)
                if (day == days[k]) d = k;
            if (d < 0) fail(at + "/day", "\"" + day + "\" is not a day (mon, tue, wed, thu, fri, sat, sun)");
            if (!w.contains("from") || !w.contains("to")) fail(at, "a window needs \"from\" and \"to\"");
            cc::time_window tw{d, minute_of_day(w["from"], at + "/from"), minute_of_day(w["to"], at + "/to")};
            if (tw.start_minute >= tw.end_minute) fail(at, "the window ends before it starts");
            out.push_back(tw);
        }
        return out;
    }

    /// [{"client": ..., "coach": ...}, ...] with optional extra number field `extra`.
    template <class F>
    void pairs(const json& doc, const char* key, const std::set<std::string>& fields, F&& each) const {
        const auto it = doc.find(key);
        if (it == doc.end()) return;
        const std::string base = std::string("/") + key;
        if (!it->is_array()) fail(base, "expected an array of objects");
        for (std::size_t i = 0; i < it->size(); ++i) {
            const std::string at = base + "/" + std::to_string(i);
            only((*it)[i], at, fields);
            each((*it)[i], at, string((*it)[i], at, "client"), string((*it)[i], at, "coach"));
        }
    }

private:
    std::string path_;
    json doc_;
    std::map<std::string, int> lines_;
};

/// Read a matching round (schema in README.md).
inline matching_input read_matching_json(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw input_error(path + ": cannot open the file");
    std::ostringstream os;
    os << in.rdbuf();
    const std::string text = os.str();
    const input_reader r(path, text);
    const json& doc = r.doc();
    r.only(doc, "", {"weights", "allow_unassigned", "unassigned_score", "coaches", "clients", "history", "scores", "loads",
                     "pins", "forbids"});

    cc::feature_weights w;
    if (doc.contains("weights")) {
        const json& ws = doc["weights"];
        r.only(ws, "/weights", {"specialty", "modality", "language", "schedule", "history"});
        for (auto [name, slot] : {std::pair<const char*, double*>{"specialty", &w.specialty}, {"modality", &w.modality},
                                  {"language", &w.language}, {"schedule", &w.schedule}, {"history", &w.history}}) {
            if (!ws.contains(name)) continue;
            const std::string at = std::string("/weights/") + name;
            *slot = r.number(ws[name], at);
            if (*slot < 0) r.fail(at, "a weight must be >= 0");
        }
    }

    std::vector<cc::coach_profile> coaches;
    if (!doc.contains("coaches") || !doc["coaches"].is_array() || doc["coaches"].empty()) {
        r.fail("/coaches", "expected a non-empty array of coaches");
    }
    std::set<std::string> coach_ids, client_ids;
    for (std::size_t i = 0; i < doc["coaches"].size(); ++i) {
        const json& k = doc["coaches"][i];
        const std::string at = "/coaches/" + std::to_string(i);
        r.only(k, at, {"id", "capacity", "specialties", "languages", "modalities", "availability"});
        cc::coach_profile p;
        p.id = r.string(k, at, "id");
        if (!coach_ids.insert(p.id).second) r.fail(at + "/id", "the coach id \"" + p.id + "\" is used twice");
        if (!k.contains("capacity")) r.fail(at, "missing field \"capacity\"");
        p.capacity = r.integer(k["capacity"], at + "/capacity", 0, 1 << 20);
        p.specialties = r.strings(k, at, "specialties");
        p.languages = r.strings(k, at, "languages");
        p.modalities = r.strings(k, at, "modalities");
        for (std::size_t j = 0; j < p.modalities.size(); ++j)
            if (p.modalities[j] != "online" && p.modalities[j] != "in_person")
                r.fail(at + "/modalities/" + std::to_string(j), "expected \"online\" or \"in_person\"");
        p.availability = r.windows(k, at);
        coaches.push_back(std::move(p));
    }

    std::vector<cc::client_profile> clients;
    if (!doc.contains("clients") || !doc["clients"].is_array() || doc["clients"].empty()) {
        r.fail("/clients", "expected a non-empty array of clients");
    }
    for (std::size_t i = 0; i < doc["clients"].size(); ++i) {
        const json& c = doc["clients"][i];
        const std::string at = "/clients/" + std::to_string(i);
        r.only(c, at, {"id", "needs", "languages", "modality", "availability", "session_minutes", "load"});
        cc::client_profile p;
        p.id = r.string(c, at, "id");
        if (!client_ids.insert(p.id).second) r.fail(at + "/id", "the client id \"" + p.id + "\" is used twice");
        p.needs = r.strings(c, at, "needs");
        p.languages = r.strings(c, at, "languages");
        if (c.contains("modality")) {
            p.modality = r.string(c, at, "modality");
            if (p.modality != "online" && p.modality != "in_person" && p.modality != "any")
                r.fail(at + "/modality", "expected \"online\", \"in_person\" or \"any\"");
        }
        p.availability = r.windows(c, at);
        if (c.contains("session_minutes"))
            p.session_minutes = static_cast<int>(r.integer(c["session_minutes"], at + "/session_minutes", 1, 24 * 60));
        if (c.contains("load")) p.load = r.integer(c["load"], at + "/load", 0, 1 << 20);
        clients.push_back(std::move(p));
    }

    const auto check_pair = [&](const std::string& at, const std::string& client, const std::string& coach) {
        if (!client_ids.count(client)) r.fail(at + "/client", "no client has the id \"" + client + "\"");
        if (!coach_ids.count(coach)) r.fail(at + "/coach", "no coach has the id \"" + coach + "\"");
    };
    std::vector<cc::history_entry> history;
    r.pairs(doc, "history", {"client", "coach", "rating"}, [&](const json& e, const std::string& at, std::string c, std::string k) {
        check_pair(at, c, k);
        if (!e.contains("rating")) r.fail(at, "missing field \"rating\"");
        const double rating = r.number(e["rating"], at + "/rating");
        if (!(rating >= 0.0 && rating <= 1.0)) r.fail(at + "/rating", "a rating must be in [0, 1]");
        history.push_back({std::move(c), std::move(k), rating});
    });

    matching_input out{cc::build_problem(clients, coaches, history, w), {}, {}, 0, {}};
    cc::MatchingProblem& p = out.scored.problem;
    out.direct.assign(p.num_clients() * p.num_coaches(), false);
    r.pairs(doc, "scores", {"client", "coach", "score"}, [&](const json& e, const std::string& at, const std::string& c,
                                                             const std::string& k) {
        check_pair(at, c, k);
        if (!e.contains("score")) r.fail(at, "missing field \"score\"");
        p.set_value(p.client_index(c), p.coach_index(k), r.number(e["score"], at + "/score"));
        out.direct[p.client_index(c) * p.num_coaches() + p.coach_index(k)] = true;
        ++out.direct_scores;
    });
    r.pairs(doc, "loads", {"client", "coach", "load"}, [&](const json& e, const std::string& at, const std::string& c,
                                                           const std::string& k) {
        check_pair(at, c, k);
        if (!e.contains("load")) r.fail(at, "missing field \"load\"");
        p.set_load(p.client_index(c), p.coach_index(k), r.integer(e["load"], at + "/load", 0, 1 << 20));
    });
    r.pairs(doc, "pins", {"client", "coach"}, [&](const json&, const std::string& at, std::string c, std::string k) {
        check_pair(at, c, k);
        out.pins.emplace_back(std::move(c), std::move(k));
    });
    r.pairs(doc, "forbids", {"client", "coach"}, [&](const json&, const std::string& at, std::string c, std::string k) {
        check_pair(at, c, k);
        out.forbids.emplace_back(std::move(c), std::move(k));
    });
    if (doc.contains("allow_unassigned")) {
        if (!doc["allow_unassigned"].is_boolean()) r.fail("/allow_unassigned", "expected true or false");
        if (doc["allow_unassigned"].get<bool>()) {
            const double v = doc.contains("unassigned_score") ? r.number(doc["unassigned_score"], "/unassigned_score") : 0.0;
            p.allow_unassigned(v);
        }
    }
    if (doc.contains("unassigned_score") && !p.unassigned_value()) {
        r.fail("/unassigned_score", "only meaningful with \"allow_unassigned\": true");
    }
    return out;
}

} // namespace coach_matching
