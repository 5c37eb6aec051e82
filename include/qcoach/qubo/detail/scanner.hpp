#pragma once
/// @file
/// @brief Line-oriented tokenizer shared by the text formats (bqp, rudy, qubo).
///
/// The whole input is read into memory first (its size is known and checked against the
/// memory limit), then scanned line by line. Line ends may be "\n", "\r\n" or a lone "\r".
/// Every error is a parse_error with the source name, the 1-based line and the column of the
/// offending token. Declared counts are checked against the bytes left in the input before any
/// container is sized from them (check_count), so a hostile header cannot trigger a huge
/// allocation.

#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <istream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

#include "qcoach/core/error.hpp"
#include "qcoach/core/memory.hpp"
#include "qcoach/qubo/detail/format.hpp"
#include "qcoach/qubo/model.hpp"

namespace qcoach::qubo::detail {

/// @brief Read a whole file into a string; a missing or unreadable file is a parse_error
/// naming the path, an oversized one a memory_error.
inline std::string read_text_file(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw parse_error(path, 0, 0, "is a directory, not a file");
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw parse_error(path, 0, 0, "cannot open file for reading");
    const std::streamoff size = in.tellg();
    if (size < 0) throw parse_error(path, 0, 0, "cannot determine the file size");
    check_memory(static_cast<std::uint64_t>(size), "reading " + path);
    std::string text(static_cast<std::size_t>(size), '\0');
    in.seekg(0);
    if (size > 0 && !in.read(text.data(), size)) throw parse_error(path, 0, 0, "read error");
    return text;
}

/// @brief Read the rest of a stream into a string.
inline std::string read_stream(std::istream& in) {
    std::ostringstream os;
    os << in.rdbuf();
    return std::move(os).str();
}

/// @brief Parse a whole token as a finite double (optional leading '+'); nothing on failure.
inline bool parse_double(std::string_view tok, double& out) {
    if (!tok.empty() && tok.front() == '+') {
        tok.remove_prefix(1);
        if (tok.empty() || tok.front() == '-' || tok.front() == '+') return false;
    }
    if (tok.empty()) return false;
    const auto r = std::from_chars(tok.data(), tok.data() + tok.size(), out, std::chars_format::general);
    return r.ec == std::errc{} && r.ptr == tok.data() + tok.size() && std::isfinite(out);
}

/// @brief Scans a text line by line, token by token.
class line_scanner {
public:
    /// `comment` != 0: a line whose first non-blank character is `comment` is skipped.
    line_scanner(std::string_view text, std::string source, char comment = 0)
        : text_(text), source_(std::move(source)), comment_(comment) {}

    const std::string& source() const noexcept { return source_; }
    int line() const noexcept { return line_; }

    /// @brief Advance to the next line with content; false at the end of the input.
    bool next_line() {
        const std::size_t size = text_.size();
        while (next_start_ < size) {
            start_ = next_start_;
            std::size_t e = start_;
            while (e < size && text_[e] != '\n' && text_[e] != '\r') ++e;
            end_ = e;
            if (e < size) e += (text_[e] == '\r' && e + 1 < size && text_[e + 1] == '\n') ? 2 : 1;
            next_start_ = e;
            ++line_;
            pos_ = start_;
            skip_blanks();
            tok_start_ = pos_;
            if (pos_ == end_) continue;                              // blank line
            if (comment_ != 0 && text_[pos_] == comment_) continue;  // comment line
            return true;
        }
        pos_ = tok_start_ = end_;
        return false;
    }

    /// @brief The current line's text from the current position (for comment payloads).
    std::string_view rest_of_line() const noexcept { return text_.substr(pos_, end_ - pos_); }
    /// @brief The whole current line (without its line end).
    std::string_view current_line() const noexcept { return text_.substr(start_, end_ - start_); }

    /// @brief Whether only blanks are left on the current line.
    bool at_end_of_line() {
        skip_blanks();
        return pos_ == end_;
    }

    /// @brief The next blank-separated token of the current line; `what` names it in errors.
    std::string_view word(std::string_view what) {
        skip_blanks();
        tok_start_ = pos_;
        if (pos_ == end_) fail("expected " + std::string(what) + ", found the end of the line");
        while (pos_ < end_ && !is_blank(text_[pos_])) ++pos_;
        return text_.substr(tok_start_, pos_ - tok_start_);
    }

    /// @brief A non-negative integer token.
    std::uint64_t unsigned_integer(std::string_view what) { return to_unsigned(word(what), what); }

    /// @brief Parse `tok`, the token just read, as a non-negative integer.
    std::uint64_t to_unsigned(std::string_view tok, std::string_view what) const {
        std::string_view digits = tok;
        if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
        std::uint64_t v = 0;
        const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (r.ec == std::errc::result_out_of_range) fail(std::string(what) + " \"" + printable(tok) + "\" is too large");
        if (digits.empty() || r.ec != std::errc{} || r.ptr != digits.data() + digits.size()) {
            fail("expected " + std::string(what) + " (a non-negative integer), got \"" + printable(tok) + "\"");
        }
        return v;
    }

    /// @brief A finite number token (integer or decimal, optional exponent).
    double number(std::string_view what) {
        std::string_view tok = word(what);
        double v = 0.0;
        if (!parse_double(tok, v)) fail("expected " + std::string(what) + " (a finite number), got \"" + printable(tok) + "\"");
        return v;
    }

    /// @brief Fail unless the rest of the line is blank.
    void expect_end_of_line(std::string_view after) {
        if (at_end_of_line()) return;
        tok_start_ = pos_;
        std::size_t e = pos_;
        while (e < end_ && !is_blank(text_[e])) ++e;
        fail("unexpected \"" + printable(text_.substr(pos_, e - pos_)) + "\" after " + std::string(after));
    }

    /// @brief Fail unless `declared` items of at least `min_bytes` bytes each fit in the bytes
    /// left after the current line (+1: the last line may lack its line end).
    void check_count(std::uint64_t declared, std::uint64_t min_bytes, std::string_view what) {
        const std::uint64_t left = text_.size() - next_start_ + 1;
        if (declared > left / min_bytes) {
            fail_at_token("declared " + std::string(what) + " count " + std::to_string(declared) + " cannot fit in the " +
                          std::to_string(left - 1) + " bytes left in the input");
        }
    }

    /// @brief Fail unless a declared variable count is representable and, together with the
    /// variables declared earlier in the same input (several BQP instances), fits the memory limit.
    void check_variable_count(std::uint64_t n) {
        if (n > max_variables) {
            fail_at_token("declared " + std::to_string(n) + " variables; at most " + std::to_string(max_variables) +
                          " are supported");
        }
        declared_bytes_ += n * BinaryQuadraticModel::bytes_per_variable;
        const std::uint64_t limit = memory_limit();
        if (declared_bytes_ > limit) {
            fail_at_token("declared " + std::to_string(n) + " variables; the models of this input would need " +
                          format_bytes(declared_bytes_) + ", more than the memory limit " + format_bytes(limit));
        }
    }

    /// @brief Column (1-based) of the last token read, for errors found after reading more.
    int token_column() const noexcept { return column_of(tok_start_); }

    /// @brief Throw a parse_error at a column of the current line.
    [[noreturn]] void fail_at_column(int column, const std::string& message) const {
        throw parse_error(source_, line_, column, message);
    }

    /// @brief Throw a parse_error at the start of the last token read.
    [[noreturn]] void fail_at_token(const std::string& message) const {
        throw parse_error(source_, line_, column_of(tok_start_), message);
    }

    /// @brief Throw a parse_error at the last token (or the end of the line when none was left).
    [[noreturn]] void fail(const std::string& message) const { fail_at_token(message); }

    /// @brief Throw a parse_error about the whole input (no line).
    [[noreturn]] void fail_at_end(const std::string& message) const {
        throw parse_error(source_, line_ > 0 ? line_ : 0, 0, message);
    }

private:
    static bool is_blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }
    void skip_blanks() noexcept {
        while (pos_ < end_ && is_blank(text_[pos_])) ++pos_;
    }
    int column_of(std::size_t p) const noexcept {
        const std::size_t c = p - start_ + 1;
        return c > static_cast<std::size_t>(std::numeric_limits<int>::max()) ? 0 : static_cast<int>(c);
    }

    std::string_view text_;
    std::string source_;
    char comment_;
    std::size_t start_ = 0;      // current line: [start_, end_)
    std::size_t end_ = 0;
    std::size_t pos_ = 0;        // scan position within the current line
    std::size_t tok_start_ = 0;  // start of the last token
    std::size_t next_start_ = 0; // start of the next line
    int line_ = 0;
    std::uint64_t declared_bytes_ = 0; // variables declared so far, in bytes
};

} // namespace qcoach::qubo::detail
