#pragma once
/// @file
/// @brief A small pull-style JSON reader and string writer, enough for the model format.
///
/// Why not nlohmann-json: library headers may depend only on the standard library (plus
/// Eigen/xsimd/OpenMP in other layers), and the model format is needed by every user of the
/// QUBO layer (the qubo_solve tool's --format json included), not only where nlohmann-json is
/// installed. A pull reader also fits the task better: the schema is fixed and shallow, so the
/// caller walks it directly (no document tree, no recursion, memory bounded by what the caller
/// keeps), and errors carry line and column.
///
/// It accepts RFC 8259 JSON: strings with all escapes (\uXXXX incl. surrogate pairs -> UTF-8),
/// numbers by the JSON grammar (then std::from_chars; out-of-range values are errors), true,
/// false, null. Raw control characters in strings are rejected. Line ends may be LF or CRLF.

#include <charconv>
#include <cmath>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>

#include "qcoach/core/error.hpp"
#include "qcoach/qubo/detail/format.hpp"

namespace qcoach::qubo::detail {

class json_reader {
public:
    json_reader(std::string_view text, std::string source) : text_(text), source_(std::move(source)) {}

    std::size_t position() const noexcept { return pos_; }

    /// @brief The next significant character (0 at the end of the input), not consumed.
    char peek() {
        skip_ws();
        return pos_ < text_.size() ? text_[pos_] : '\0';
    }

    void expect(char c, std::string_view context) {
        if (peek() != c) fail(std::string("expected '") + c + "' " + std::string(context) + ", found " + found());
        ++pos_;
    }

    /// @brief Object iteration: call with first = true after expect('{'); returns false after
    /// the closing brace, else reads the next key (and the colon) into `key`.
    bool next_member(bool& first, std::string& key) {
        if (peek() == '}' && first) {
            ++pos_;
            return false;
        }
        if (!first) {
            if (peek() == '}') {
                ++pos_;
                return false;
            }
            expect(',', "or '}' between object members");
        }
        first = false;
        if (peek() != '"') fail("expected a member name (a string), found " + found());
        key = read_string();
        expect(':', "after a member name");
        return true;
    }

    /// @brief Array iteration: call with first = true after expect('['); returns false after
    /// the closing bracket, else positions at the next element.
    bool next_element(bool& first) {
        if (peek() == ']' && first) {
            ++pos_;
            return false;
        }
        if (!first) {
            if (peek() == ']') {
                ++pos_;
                return false;
            }
            expect(',', "or ']' between array elements");
        }
        first = false;
        return true;
    }

    /// @brief A JSON string value, unescaped to UTF-8.
    std::string read_string() {
        if (peek() != '"') fail("expected a string, found " + found());
        ++pos_;
        std::string out;
        while (true) {
            if (pos_ >= text_.size()) fail("unterminated string");
            const char c = text_[pos_];
            if (c == '"') {
                ++pos_;
                return out;
            }
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string (escape it)");
            if (c != '\\') {
                out += c;
                ++pos_;
                continue;
            }
            if (pos_ + 1 >= text_.size()) fail("unterminated string");
            const char e = text_[pos_ + 1];
            pos_ += 2;
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': append_utf8(out, read_code_point()); break;
            default: pos_ -= 2; fail(std::string("invalid escape \"\\") + e + "\" in a string");
            }
        }
    }

    /// @brief A number; `what` names it in errors.
    double read_double(std::string_view what) {
        const std::string_view t = number_text(what);
        double v = 0.0;
        const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
        if (r.ec != std::errc{} || !std::isfinite(v)) {
            pos_ -= t.size();
            fail(std::string(what) + " " + printable(t) + " is out of the range of a double");
        }
        return v;
    }

    /// @brief A non-negative integer written without fraction or exponent.
    std::uint64_t read_index(std::string_view what) {
        const std::string_view t = number_text(what);
        std::uint64_t v = 0;
        const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
        if (r.ec != std::errc{} || r.ptr != t.data() + t.size()) {
            pos_ -= t.size();
            fail("expected " + std::string(what) + " (a non-negative integer), got " + printable(t));
        }
        return v;
    }

    /// @brief Consume `null` if it comes next.
    bool read_null() {
        if (peek() == 'n' && text_.substr(pos_, 4) == "null") {
            pos_ += 4;
            return true;
        }
        return false;
    }

    /// @brief Fail unless only whitespace is left.
    void expect_end() {
        if (peek() != '\0' || pos_ < text_.size()) fail("unexpected " + found() + " after the end of the JSON value");
    }

    /// @brief Throw a parse_error at the current position (line and column computed here).
    [[noreturn]] void fail(const std::string& message) const { fail_at(pos_, message); }

    [[noreturn]] void fail_at(std::size_t at, const std::string& message) const {
        int line = 1;
        std::size_t line_start = 0;
        for (std::size_t i = 0; i < at && i < text_.size(); ++i) {
            if (text_[i] == '\n' || (text_[i] == '\r' && (i + 1 >= text_.size() || text_[i + 1] != '\n'))) {
                ++line;
                line_start = i + 1;
            }
        }
        throw parse_error(source_, line, static_cast<int>(at - line_start + 1), message);
    }

private:
    void skip_ws() noexcept {
        while (pos_ < text_.size() &&
               (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
            ++pos_;
    }

    std::string found() const {
        if (pos_ >= text_.size()) return "the end of the input";
        std::size_t e = pos_ + 1;
        while (e < text_.size() && e - pos_ < 12 && std::string_view(",:]}\" \t\r\n").find(text_[e]) == std::string_view::npos) ++e;
        return "\"" + printable(text_.substr(pos_, e - pos_)) + "\"";
    }

    /// The text of a number by the JSON grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    std::string_view number_text(std::string_view what) {
        skip_ws();
        const std::size_t start = pos_;
        auto digit = [&] { return pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9'; };
        auto bad = [&] {
            pos_ = start;
            fail("expected " + std::string(what) + " (a number), found " + found());
        };
        if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
        if (!digit()) bad();
        if (text_[pos_] == '0') ++pos_;
        else
            while (digit()) ++pos_;
        if (pos_ < text_.size() && text_[pos_] == '.') {
            ++pos_;
            if (!digit()) bad();
            while (digit()) ++pos_;
        }
        if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
            ++pos_;
            if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
            if (!digit()) bad();
            while (digit()) ++pos_;
        }
        return text_.substr(start, pos_ - start);
    }

    unsigned hex4() {
        if (pos_ + 4 > text_.size()) fail("truncated \\u escape");
        unsigned v = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = text_[pos_ + static_cast<std::size_t>(k)];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
            else fail("invalid hex digit in a \\u escape");
        }
        pos_ += 4;
        return v;
    }

    unsigned read_code_point() {
        const unsigned hi = hex4();
        if (hi >= 0xDC00 && hi <= 0xDFFF) fail("unpaired low surrogate in a \\u escape");
        if (hi < 0xD800 || hi > 0xDBFF) return hi;
        if (text_.substr(pos_, 2) != "\\u") fail("high surrogate not followed by a low surrogate");
        pos_ += 2;
        const unsigned lo = hex4();
        if (lo < 0xDC00 || lo > 0xDFFF) fail("high surrogate not followed by a low surrogate");
        return 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
    }

    static void append_utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    std::string_view text_;
    std::string source_;
    std::size_t pos_ = 0;
};

/// @brief Write `s` as a JSON string literal (quotes, escapes; bytes >= 0x80 pass through).
inline void write_json_string(std::ostream& out, std::string_view s) {
    out << '"';
    for (const char c : s) {
        switch (c) {
        case '"': out << "\\\""; break;
        case '\\': out << "\\\\"; break;
        case '\n': out << "\\n"; break;
        case '\r': out << "\\r"; break;
        case '\t': out << "\\t"; break;
        case '\b': out << "\\b"; break;
        case '\f': out << "\\f"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                const char* hex = "0123456789abcdef";
                out << "\\u00" << hex[(c >> 4) & 0xF] << hex[c & 0xF];
            } else {
                out << c;
            }
        }
    }
    out << '"';
}

} // namespace qcoach::qubo::detail
