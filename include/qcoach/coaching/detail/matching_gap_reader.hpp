#pragma once
/// @file
/// @brief Reader of OR-Library generalized assignment files (J.E. Beasley, OR-Library,
/// gapinfo.html) as matching problems.
///
/// One instance: `m n`, then m rows of n values c_ij, then m rows of n loads r_ij, then m
/// capacities b_i, whitespace-separated and free to wrap across lines. Agents i are coaches
/// ("coach-1".."coach-m"), jobs j clients ("client-01".."client-n", zero-padded to the width of
/// n). The original files gap1..gap12 hold several instances after a first line with their count
/// P; a file whose first line holds a single number is read that way and `instance` (1-based)
/// picks one. gap1-gap12 are usually solved as maximization problems (value = profit), types
/// A-D as minimization (value = cost); the caller says which.
///
/// Every error is a parse_error with the source, line and column: a count that is not a positive
/// integer, fewer numbers than declared, a negative or fractional load or capacity, text after
/// the instance.

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/coaching/detail/matching_problem.hpp"
#include "qcoach/qubo/detail/format.hpp"
#include "qcoach/qubo/detail/scanner.hpp"

namespace qcoach::coaching {

namespace detail {

/// Whitespace-separated tokens across lines, with the position of each for errors.
class gap_tokens {
public:
    gap_tokens(std::string_view text, std::string source) : sc_(text, std::move(source)) {}

    /// The next token; a parse_error naming `what` at the end of the input.
    std::string_view next(const std::string& what) {
        while (!started_ || sc_.at_end_of_line()) {
            if (!sc_.next_line()) sc_.fail_at_end("expected " + what + ", found the end of the file");
            started_ = true;
        }
        return sc_.word(what);
    }

    /// Whether only blanks are left in the input.
    bool at_end() {
        while (!started_ || sc_.at_end_of_line()) {
            if (!sc_.next_line()) return true;
            started_ = true;
        }
        return false;
    }

    /// A token as an integer (sign allowed, so that a negative one is reported as negative).
    std::int64_t integer(const std::string& what) {
        const std::string_view tok = next(what);
        std::string_view digits = tok;
        if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
        std::int64_t v = 0;
        const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (r.ec == std::errc::result_out_of_range) fail(what + " \"" + qubo::detail::printable(tok) + "\" is too large");
        if (digits.empty() || r.ec != std::errc{} || r.ptr != digits.data() + digits.size()) {
            fail("expected " + what + " (an integer), got \"" + qubo::detail::printable(tok) + "\"");
        }
        return v;
    }

    /// A token as a finite number.
    double number(const std::string& what) {
        const std::string_view tok = next(what);
        double v = 0.0;
        if (!qubo::detail::parse_double(tok, v)) {
            fail("expected " + what + " (a finite number), got \"" + qubo::detail::printable(tok) + "\"");
        }
        return v;
    }

    /// The first line holds exactly one token (an OR-Library file with several instances).
    bool first_line_single_token() {
        if (at_end()) return false;
        (void)sc_.word("a count");
        const bool single = sc_.at_end_of_line();
        return single;
    }

    [[noreturn]] void fail(const std::string& message) const { sc_.fail_at_token(message); }
    /// Fail unless `items` numbers (a digit and a separator each) fit in the whole input, so a
    /// hostile header cannot size a huge container.
    void check_count(std::uint64_t items, std::size_t text_size, const std::string& what) {
        if (items > text_size / 2 + 1) {
            fail("declared " + std::to_string(items) + " " + what + "s cannot fit in the " + std::to_string(text_size) +
                 " bytes of the input");
        }
    }

private:
    qubo::detail::line_scanner sc_;
    bool started_ = false;
};

inline std::string padded_id(const char* prefix, std::size_t i, std::size_t count) {
    std::string digits = std::to_string(i);
    const std::size_t width = std::to_string(count).size();
    if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
    return std::string(prefix) + digits;
}

} // namespace detail

/// @brief Parse an OR-Library GAP instance from text (see the file comment). `source` names the
/// input in errors.
inline MatchingProblem read_gap(std::string_view text, const std::string& source, objective_sense sense,
                                std::size_t instance = 1) {
    if (instance == 0) throw value_error(source + ": instance numbers start at 1");
    detail::gap_tokens t(text, source);
    std::size_t count = 1;
    if (detail::gap_tokens(text, source).first_line_single_token()) {
        const std::int64_t p = t.integer("the number of instances");
        if (p <= 0) t.fail("the number of instances must be positive, got " + std::to_string(p));
        count = static_cast<std::size_t>(p);
    }
    if (instance > count) {
        throw value_error(source + ": the file holds " + std::to_string(count) + " instance(s); instance " +
                          std::to_string(instance) + " is out of range");
    }
    MatchingProblem out;
    for (std::size_t which = 1; which <= instance; ++which) {
        const std::string tag = count > 1 ? " of instance " + std::to_string(which) : std::string();
        const std::int64_t m = t.integer("the number of agents (coaches)" + tag);
        if (m <= 0) t.fail("the number of agents (coaches) must be positive, got " + std::to_string(m));
        const std::int64_t n = t.integer("the number of jobs (clients)" + tag);
        if (n <= 0) t.fail("the number of jobs (clients) must be positive, got " + std::to_string(n));
        if (static_cast<std::uint64_t>(m) > (std::uint64_t{1} << 20) / static_cast<std::uint64_t>(n)) {
            t.fail("declared " + std::to_string(m) + " x " + std::to_string(n) + " pairs; at most 2^20 are supported");
        }
        const auto mu = static_cast<std::size_t>(m), nu = static_cast<std::size_t>(n);
        t.check_count(2 * mu * nu + mu, text.size(), "number");
        std::vector<double> value(mu * nu);
        std::vector<std::int64_t> load(mu * nu), cap(mu);
        const auto where = [](std::size_t i, std::size_t j) {
            return " for agent " + std::to_string(i + 1) + ", job " + std::to_string(j + 1);
        };
        for (std::size_t i = 0; i < mu; ++i)
            for (std::size_t j = 0; j < nu; ++j) value[i * nu + j] = t.number("the value" + where(i, j));
        for (std::size_t i = 0; i < mu; ++i) {
            for (std::size_t j = 0; j < nu; ++j) {
                const std::int64_t r = t.integer("the load" + where(i, j));
                if (r < 0 || r > qubo::max_row_magnitude) {
                    t.fail("the load" + where(i, j) + " is " + std::to_string(r) + "; loads must be in 0..2^26");
                }
                load[i * nu + j] = r;
            }
        }
        for (std::size_t i = 0; i < mu; ++i) {
            const std::int64_t b = t.integer("the capacity of agent " + std::to_string(i + 1));
            if (b < 0 || b > qubo::max_row_magnitude) {
                t.fail("the capacity of agent " + std::to_string(i + 1) + " is " + std::to_string(b) +
                       "; capacities must be in 0..2^26");
            }
            cap[i] = b;
        }
        if (which < instance) continue;
        std::vector<std::string> clients, coaches;
        for (std::size_t j = 0; j < nu; ++j) clients.push_back(detail::padded_id("client-", j + 1, nu));
        for (std::size_t i = 0; i < mu; ++i) coaches.push_back(detail::padded_id("coach-", i + 1, mu));
        out = MatchingProblem(std::move(clients), std::move(coaches), cap, sense);
        for (std::size_t i = 0; i < mu; ++i) {
            for (std::size_t j = 0; j < nu; ++j) {
                out.set_value(j, i, value[i * nu + j]);
                out.set_load(j, i, load[i * nu + j]);
            }
        }
    }
    if (instance == count && !t.at_end()) {
        (void)t.next("");
        t.fail("unexpected text after the last instance");
    }
    return out;
}

/// @brief Read an OR-Library GAP file (see read_gap); errors name the path.
inline MatchingProblem read_gap_file(const std::string& path, objective_sense sense, std::size_t instance = 1) {
    const std::string text = qubo::detail::read_text_file(path);
    return read_gap(text, path, sense, instance);
}

} // namespace qcoach::coaching
