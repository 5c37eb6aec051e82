#pragma once
/// @file
/// @brief Tokens of OpenQASM 2.0 and the lexer that produces them, with 1-based line and column.
///
/// The lexer works on a string_view of the whole program and hands out one token at a time;
/// tokens are views into that text, so nothing is copied. Line ends may be "\n", "\r\n" or a
/// lone "\r"; columns count bytes. Comments are `//` to the end of the line (the only kind
/// OpenQASM 2 has). Identifiers follow the spec's `[a-z][A-Za-z0-9_]*`, relaxed to also allow
/// a leading capital or underscore (some tools write such register names); `U`, `CX` and the
/// other keywords are tokens of their own.

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>

#include "qcoach/core/error.hpp"

namespace qcoach::detail::qasm {

enum class tok : std::uint8_t {
    end,
    ident,
    integer, ///< [0-9]+
    real,    ///< a number with a '.' or an exponent
    string,  ///< "..." (text excludes the quotes)
    lparen, rparen, lbracket, rbracket, lbrace, rbrace,
    comma, semicolon, arrow, eqeq,
    plus, minus, star, slash, caret,
    kw_openqasm, kw_include, kw_qreg, kw_creg, kw_gate, kw_opaque, kw_barrier, kw_measure, kw_reset, kw_if,
    kw_U, kw_CX, kw_pi
};

struct token {
    tok kind = tok::end;
    std::string_view text;
    int line = 1;
    int col = 1;
};

/// Quoted, printable rendering of a piece of source text for error messages (at most ~40 bytes;
/// control and non-ASCII bytes as \xNN, so a message never carries raw binary input).
inline std::string quote_source(std::string_view s) {
    std::string out;
    const std::size_t n = s.size() > 40 ? 40 : s.size();
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", c);
            out += buf;
        }
    }
    if (s.size() > n) out += "...";
    return out;
}

/// How a token is named in "expected X, got Y" messages.
inline std::string describe(const token& t) {
    switch (t.kind) {
    case tok::end: return "end of input";
    case tok::ident: return "identifier '" + quote_source(t.text) + "'";
    case tok::integer:
    case tok::real: return "number '" + quote_source(t.text) + "'";
    case tok::string: return "string \"" + quote_source(t.text) + "\"";
    default: return "'" + quote_source(t.text) + "'";
    }
}

class lexer {
public:
    lexer(std::string_view text, const std::string& source) : text_(text), source_(source) { advance(); }

    const token& peek() const noexcept { return cur_; }

    token next() {
        token t = cur_;
        advance();
        return t;
    }

    const std::string& source() const noexcept { return source_; }

    [[noreturn]] void fail(int line, int col, const std::string& message) const { throw parse_error(source_, line, col, message); }
    [[noreturn]] void fail(const token& at, const std::string& message) const { fail(at.line, at.col, message); }

private:
    char at(std::size_t i) const noexcept { return i < text_.size() ? text_[i] : '\0'; }

    void newline_at(std::size_t& i) {
        // "\r\n" is one line end; a lone '\r' or '\n' is one as well.
        if (text_[i] == '\r' && at(i + 1) == '\n') ++i;
        ++i;
        ++line_;
        line_start_ = i;
    }

    void skip_space_and_comments() {
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c == '\n' || c == '\r') {
                newline_at(pos_);
            } else if (c == ' ' || c == '\t' || c == '\f' || c == '\v') {
                ++pos_;
            } else if (c == '/' && at(pos_ + 1) == '/') {
                while (pos_ < text_.size() && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
            } else {
                return;
            }
        }
    }

    static bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
    static bool is_ident_start(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
    static bool is_ident_char(char c) noexcept { return is_ident_start(c) || is_digit(c); }

    static tok keyword(std::string_view w) noexcept {
        struct kw {
            std::string_view text;
            tok kind;
        };
        static constexpr kw table[] = {
            {"OPENQASM", tok::kw_openqasm}, {"include", tok::kw_include}, {"qreg", tok::kw_qreg},
            {"creg", tok::kw_creg},         {"gate", tok::kw_gate},       {"opaque", tok::kw_opaque},
            {"barrier", tok::kw_barrier},   {"measure", tok::kw_measure}, {"reset", tok::kw_reset},
            {"if", tok::kw_if},             {"U", tok::kw_U},             {"CX", tok::kw_CX},
            {"pi", tok::kw_pi},
        };
        for (const kw& k : table)
            if (k.text == w) return k.kind;
        return tok::ident;
    }

    void advance() {
        skip_space_and_comments();
        cur_.line = line_;
        cur_.col = static_cast<int>(pos_ - line_start_) + 1;
        if (pos_ >= text_.size()) {
            cur_.kind = tok::end;
            cur_.text = {};
            return;
        }
        const std::size_t start = pos_;
        const char c = text_[pos_];
        auto single = [&](tok k) {
            ++pos_;
            cur_.kind = k;
            cur_.text = text_.substr(start, 1);
        };
        if (is_ident_start(c)) {
            while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
            cur_.text = text_.substr(start, pos_ - start);
            cur_.kind = keyword(cur_.text);
            return;
        }
        if (is_digit(c) || (c == '.' && is_digit(at(pos_ + 1)))) {
            lex_number(start);
            return;
        }
        switch (c) {
        case '(': return single(tok::lparen);
        case ')': return single(tok::rparen);
        case '[': return single(tok::lbracket);
        case ']': return single(tok::rbracket);
        case '{': return single(tok::lbrace);
        case '}': return single(tok::rbrace);
        case ',': return single(tok::comma);
        case ';': return single(tok::semicolon);
        case '+': return single(tok::plus);
        case '*': return single(tok::star);
        case '/': return single(tok::slash);
        case '^': return single(tok::caret);
        case '-':
            if (at(pos_ + 1) == '>') {
                pos_ += 2;
                cur_.kind = tok::arrow;
                cur_.text = text_.substr(start, 2);
                return;
            }
            return single(tok::minus);
        case '=':
            if (at(pos_ + 1) == '=') {
                pos_ += 2;
                cur_.kind = tok::eqeq;
                cur_.text = text_.substr(start, 2);
                return;
            }
            fail(line_, cur_.col, "unexpected '=': a condition is written 'if (creg == value)'");
        case '"': {
            ++pos_;
            while (pos_ < text_.size() && text_[pos_] != '"' && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
            if (pos_ >= text_.size() || text_[pos_] != '"') fail(cur_.line, cur_.col, "unterminated string");
            cur_.kind = tok::string;
            cur_.text = text_.substr(start + 1, pos_ - start - 1);
            ++pos_;
            return;
        }
        default: break;
        }
        fail(line_, cur_.col, "unexpected character '" + quote_source(text_.substr(start, 1)) + "'");
    }

    // integer: [0-9]+ ; real: ([0-9]+ '.' [0-9]* | '.' [0-9]+) ([eE] [+-]? [0-9]+)? or [0-9]+ [eE] ...
    void lex_number(std::size_t start) {
        bool is_real = false;
        while (is_digit(at(pos_))) ++pos_;
        if (at(pos_) == '.') {
            is_real = true;
            ++pos_;
            while (is_digit(at(pos_))) ++pos_;
        }
        if (at(pos_) == 'e' || at(pos_) == 'E') {
            std::size_t p = pos_ + 1;
            if (at(p) == '+' || at(p) == '-') ++p;
            if (!is_digit(at(p))) fail(line_, cur_.col, "malformed number '" + quote_source(text_.substr(start, p - start)) + "': the exponent has no digits");
            while (is_digit(at(p))) ++p;
            pos_ = p;
            is_real = true;
        }
        if (is_ident_char(at(pos_))) {
            std::size_t p = pos_;
            while (is_ident_char(at(p))) ++p;
            fail(line_, cur_.col, "malformed number '" + quote_source(text_.substr(start, p - start)) + "'");
        }
        cur_.kind = is_real ? tok::real : tok::integer;
        cur_.text = text_.substr(start, pos_ - start);
    }

    std::string_view text_;
    const std::string& source_;
    std::size_t pos_ = 0;
    std::size_t line_start_ = 0;
    int line_ = 1;
    token cur_;
};

/// Value of an integer token; a parse_error when it does not fit in 64 bits.
inline std::uint64_t integer_value(const lexer& lx, const token& t) {
    std::uint64_t v = 0;
    const auto r = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
    if (r.ec != std::errc{} || r.ptr != t.text.data() + t.text.size()) lx.fail(t, "integer " + quote_source(t.text) + " is too large");
    return v;
}

/// Value of a number token (integer or real) as a double; a parse_error when it overflows.
inline double number_value(const lexer& lx, const token& t) {
    double v = 0;
    const auto r = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
    if (r.ec != std::errc{} || r.ptr != t.text.data() + t.text.size()) lx.fail(t, "number " + quote_source(t.text) + " is out of range");
    return v;
}

} // namespace qcoach::detail::qasm
