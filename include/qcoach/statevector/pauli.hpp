#pragma once
/// @file
/// @brief Pauli strings and weighted sums of them (observables), built in code or parsed from text.
///
/// ## Representation
/// A PauliString is c · P_0 ⊗ P_1 ⊗ ... with P_q in {I, X, Y, Z}, stored as two bit masks and a
/// complex coefficient c. Bit q of x_mask is set where P_q is X or Y, bit q of z_mask where P_q
/// is Z or Y. Because Y = i X Z, the string equals c · i^{#Y} · X^{x_mask} Z^{z_mask}, and on a
/// basis state (bit q of z is qubit q, as everywhere in qcoach)
///
///     P |z> = c · i^{#Y} · (-1)^{popcount(z & z_mask)} · |z ^ x_mask>.
///
/// With c = 1 the string is the plain tensor product of the letters, hence Hermitian.
///
/// ## Text grammar
///     product := factor { [ws] ['*'] [ws] factor }        factors separated by spaces or '*'
///     factor  := letter index | 'I'                        index: decimal qubit number
///     letter  := X | Y | Z | I  (lower case accepted)      "I3" is the identity on qubit 3
///     sum     := [sign] term { sign term }                 sign: '+' or '-'
///     term    := number [ ['*'] product ] | product        a lone number is a constant (identity)
///     number  := decimal floating point: 2, 0.5, .5, 1e-3
/// Examples: "X0 Z3 Y5", "x0*z3", "I", "0.5 * X0 Z1 - 0.3 * Y2 + 1.2", "-Z0 Z1 + 2 X0".
/// Rejected with qcoach::parse_error (its column points at the offending token, its message
/// quotes the token): unknown letters, a letter without index (other than I), a qubit listed
/// twice in one product (also through I), a qubit index >= max_qubits, factors written without
/// a separator ("X0Z1"), a number inside a PauliString, empty input (write "I" for the identity).

#include <algorithm>
#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <complex>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/core/types.hpp"

namespace qcoach {

/// One single-qubit Pauli operator.
enum class Pauli : std::uint8_t { I = 0, X = 1, Y = 2, Z = 3 };

/// @brief Upper-case letter of a Pauli operator.
constexpr char pauli_letter(Pauli p) noexcept {
    switch (p) {
    case Pauli::I: return 'I';
    case Pauli::X: return 'X';
    case Pauli::Y: return 'Y';
    case Pauli::Z: return 'Z';
    }
    return '?';
}

namespace detail {

/// i^k for any integer k.
inline std::complex<double> pauli_i_power(int k) noexcept {
    switch (((k % 4) + 4) % 4) {
    case 0: return {1.0, 0.0};
    case 1: return {0.0, 1.0};
    case 2: return {-1.0, 0.0};
    default: return {0.0, -1.0};
    }
}

class pauli_text;

} // namespace detail

/// @brief A product of single-qubit Paulis on distinct qubits times a complex coefficient.
class PauliString {
public:
    /// @brief The identity with coefficient 1.
    PauliString() = default;

    /// @brief The identity with the given coefficient.
    explicit PauliString(std::complex<double> coefficient) : coeff_(coefficient) {}

    /// @brief From (qubit, operator) pairs; identity entries are allowed. Throws index_error for a
    /// qubit listed twice or >= max_qubits.
    explicit PauliString(std::span<const std::pair<qubit_t, Pauli>> ops, std::complex<double> coefficient = 1.0)
        : coeff_(coefficient) {
        index_t seen = 0;
        for (const auto& [q, p] : ops) {
            check_qubit(q);
            if (seen & (index_t{1} << q)) throw index_error("Pauli string: qubit " + std::to_string(q) + " is listed twice");
            seen |= index_t{1} << q;
            put(q, p);
        }
    }
    PauliString(std::initializer_list<std::pair<qubit_t, Pauli>> ops, std::complex<double> coefficient = 1.0)
        : PauliString(std::span<const std::pair<qubit_t, Pauli>>(ops.begin(), ops.size()), coefficient) {}
    explicit PauliString(const std::vector<std::pair<qubit_t, Pauli>>& ops, std::complex<double> coefficient = 1.0)
        : PauliString(std::span<const std::pair<qubit_t, Pauli>>(ops), coefficient) {}

    /// @brief From masks: X where only x_mask has the bit, Z where only z_mask has it, Y where both.
    static PauliString from_masks(index_t x_mask, index_t z_mask, std::complex<double> coefficient = 1.0) {
        const index_t support = x_mask | z_mask;
        if (support >> max_qubits) {
            throw index_error("Pauli string: qubit " + std::to_string(std::bit_width(support) - 1) + " out of range [0, " +
                              std::to_string(max_qubits) + ")");
        }
        PauliString p(coefficient);
        p.x_ = x_mask;
        p.z_ = z_mask;
        return p;
    }

    /// @brief Parse a product such as "X0 Z3 Y5" (grammar in the file comment). Throws parse_error.
    static PauliString parse(std::string_view text);

    /// @name Builders: multiply in one more factor on a qubit that has none yet (else index_error).
    /// @{
    PauliString& x(qubit_t q) { return set(q, Pauli::X); }
    PauliString& y(qubit_t q) { return set(q, Pauli::Y); }
    PauliString& z(qubit_t q) { return set(q, Pauli::Z); }
    PauliString& set(qubit_t q, Pauli p) {
        check_qubit(q);
        if (op(q) != Pauli::I) {
            throw index_error("Pauli string: qubit " + std::to_string(q) + " already carries " + pauli_letter(op(q)));
        }
        put(q, p);
        return *this;
    }
    /// @}

    /// @brief The operator on qubit q (I where the string does not act).
    Pauli op(qubit_t q) const noexcept {
        if (q >= 64) return Pauli::I;
        const bool xb = (x_ >> q) & 1u, zb = (z_ >> q) & 1u;
        return xb ? (zb ? Pauli::Y : Pauli::X) : (zb ? Pauli::Z : Pauli::I);
    }

    index_t x_mask() const noexcept { return x_; }
    index_t z_mask() const noexcept { return z_; }
    /// Qubits where the string is not the identity.
    index_t support() const noexcept { return x_ | z_; }
    /// Number of Y factors.
    unsigned num_y() const noexcept { return static_cast<unsigned>(std::popcount(x_ & z_)); }
    /// Number of non-identity factors.
    unsigned weight() const noexcept { return static_cast<unsigned>(std::popcount(support())); }
    /// Smallest state the string fits on: highest qubit + 1 (0 for the identity).
    qubit_t min_qubits() const noexcept { return static_cast<qubit_t>(std::bit_width(support())); }
    bool is_identity() const noexcept { return support() == 0; }
    /// Diagonal in the computational basis (only I and Z).
    bool is_diagonal() const noexcept { return x_ == 0; }

    std::complex<double> coefficient() const noexcept { return coeff_; }
    void set_coefficient(std::complex<double> c) noexcept { coeff_ = c; }

    /// @brief Non-identity factors, by ascending qubit.
    std::vector<std::pair<qubit_t, Pauli>> ops() const {
        std::vector<std::pair<qubit_t, Pauli>> out;
        for (index_t s = support(); s != 0; s &= s - 1) {
            const auto q = static_cast<qubit_t>(std::countr_zero(s));
            out.emplace_back(q, op(q));
        }
        return out;
    }

    /// @brief P|z> = amplitude · |image>: returns (image, amplitude), coefficient included.
    std::pair<index_t, std::complex<double>> apply_to_basis(index_t z) const noexcept {
        const int sign_flips = std::popcount(z & z_) & 1;
        return {z ^ x_, coeff_ * detail::pauli_i_power(static_cast<int>(num_y()) + 2 * sign_flips)};
    }

    /// @brief The product without the coefficient: "X0 Z3 Y5", or "I" for the identity.
    std::string to_string() const {
        if (is_identity()) return "I";
        std::string s;
        for (const auto& [q, p] : ops()) {
            if (!s.empty()) s += ' ';
            s += pauli_letter(p);
            s += std::to_string(q);
        }
        return s;
    }

    /// @brief Operator product. X^a Z^b X^c Z^d = (-1)^{|b & c|} X^{a^c} Z^{b^d}, and each string
    /// carries i^{#Y} in front of its X^x Z^z form, so the new coefficient picks up
    /// i^{#Y1 + #Y2 - #Y + 2 |z1 & x2|}.
    friend PauliString operator*(const PauliString& a, const PauliString& b) {
        PauliString r(a.coeff_ * b.coeff_);
        r.x_ = a.x_ ^ b.x_;
        r.z_ = a.z_ ^ b.z_;
        const int k = static_cast<int>(a.num_y() + b.num_y()) - static_cast<int>(r.num_y()) +
                      2 * std::popcount(a.z_ & b.x_);
        r.coeff_ *= detail::pauli_i_power(k);
        return r;
    }
    friend PauliString operator*(std::complex<double> c, PauliString p) {
        p.coeff_ *= c;
        return p;
    }
    friend PauliString operator*(PauliString p, std::complex<double> c) { return c * std::move(p); }

    friend bool operator==(const PauliString&, const PauliString&) = default;

private:
    friend class detail::pauli_text;

    static void check_qubit(qubit_t q) {
        if (q >= max_qubits) {
            throw index_error("Pauli string: qubit " + std::to_string(q) + " out of range [0, " + std::to_string(max_qubits) + ")");
        }
    }

    void put(qubit_t q, Pauli p) noexcept {
        const index_t bit = index_t{1} << q;
        if (p == Pauli::X || p == Pauli::Y) x_ |= bit;
        if (p == Pauli::Z || p == Pauli::Y) z_ |= bit;
    }

    index_t x_ = 0;
    index_t z_ = 0;
    std::complex<double> coeff_{1.0, 0.0};
};

/// @brief A Hermitian observable: a sum of Pauli strings with real weights.
///
/// Like terms (same operator) are combined as they are added; a term whose weight becomes exactly
/// zero is removed. Terms are kept ordered by (x_mask, z_mask), so terms that flip the same
/// qubits are adjacent (the expectation kernel evaluates each such group in one pass).
class PauliSum {
public:
    PauliSum() = default;

    /// @brief A one-term sum; the string's coefficient must be real.
    explicit PauliSum(const PauliString& p) { add(p); }

    /// @brief Parse "0.5 * X0 Z1 - 0.3 * Y2 + 1.2" (grammar in the file comment). Throws parse_error.
    static PauliSum parse(std::string_view text);

    /// @brief Add weight · p. weight · p.coefficient() must be real (relative imaginary part at most
    /// 1e-12) and finite, else value_error: a PauliSum is a Hermitian observable.
    PauliSum& add(double weight, const PauliString& p) {
        const std::complex<double> w = weight * p.coefficient();
        if (!std::isfinite(w.real()) || !std::isfinite(w.imag())) {
            throw value_error("Pauli sum: weight of term " + p.to_string() + " is not finite");
        }
        if (std::abs(w.imag()) > 1e-12 * std::max(1.0, std::abs(w.real()))) {
            throw value_error("Pauli sum weights must be real (Hermitian observable); term " + p.to_string() +
                              " has weight (" + std::to_string(w.real()) + ", " + std::to_string(w.imag()) + ")");
        }
        add_real(p.x_mask(), p.z_mask(), w.real());
        return *this;
    }
    PauliSum& add(const PauliString& p) { return add(1.0, p); }
    /// @brief Add weight · PauliString::parse(product).
    PauliSum& add(double weight, std::string_view product) { return add(weight, PauliString::parse(product)); }
    /// @brief Add a multiple of the identity.
    PauliSum& add_constant(double c) { return add(c, PauliString()); }

    /// @brief Number of terms (after combining like terms).
    std::size_t size() const noexcept { return terms_.size(); }
    bool empty() const noexcept { return terms_.empty(); }

    /// @brief (weight, string with coefficient 1) pairs, ordered by (x_mask, z_mask).
    std::vector<std::pair<double, PauliString>> terms() const {
        std::vector<std::pair<double, PauliString>> out;
        out.reserve(terms_.size());
        for (const auto& [key, w] : terms_) out.emplace_back(w, PauliString::from_masks(key.first, key.second));
        return out;
    }

    /// @brief Weight of the identity term (0 when absent).
    double constant() const {
        const auto it = terms_.find({0, 0});
        return it == terms_.end() ? 0.0 : it->second;
    }

    /// @brief Smallest state every term fits on.
    qubit_t min_qubits() const noexcept {
        index_t s = 0;
        for (const auto& [key, w] : terms_) s |= key.first | key.second;
        return static_cast<qubit_t>(std::bit_width(s));
    }

    /// @brief Text that parse() reads back to an equal sum (weights printed exactly); "0" when empty.
    std::string to_string() const {
        if (terms_.empty()) return "0";
        std::string s;
        for (const auto& [key, w] : terms_) {
            const double mag = s.empty() ? w : std::abs(w);
            if (!s.empty()) s += w < 0 ? " - " : " + ";
            char buf[32];
            const auto res = std::to_chars(buf, buf + sizeof buf, mag);
            s.append(buf, res.ptr);
            if (key.first != 0 || key.second != 0) s += " * " + PauliString::from_masks(key.first, key.second).to_string();
        }
        return s;
    }

    PauliSum& operator+=(const PauliSum& o) {
        for (const auto& [key, w] : o.terms_) add_real(key.first, key.second, w);
        return *this;
    }
    PauliSum& operator-=(const PauliSum& o) {
        for (const auto& [key, w] : o.terms_) add_real(key.first, key.second, -w);
        return *this;
    }
    PauliSum& operator*=(double c) {
        if (c == 0.0) {
            terms_.clear();
        } else {
            for (auto& kv : terms_) kv.second *= c;
        }
        return *this;
    }
    friend PauliSum operator+(PauliSum a, const PauliSum& b) { return a += b; }
    friend PauliSum operator-(PauliSum a, const PauliSum& b) { return a -= b; }
    friend PauliSum operator-(PauliSum a) { return a *= -1.0; }
    friend PauliSum operator*(double c, PauliSum a) { return a *= c; }
    friend PauliSum operator*(PauliSum a, double c) { return a *= c; }
    friend bool operator==(const PauliSum&, const PauliSum&) = default;

private:
    void add_real(index_t x, index_t z, double w) {
        auto [it, inserted] = terms_.try_emplace({x, z}, w);
        if (!inserted) it->second += w;
        if (it->second == 0.0) terms_.erase(it);
    }

    std::map<std::pair<index_t, index_t>, double> terms_;
};

namespace detail {

/// Recursive-descent reader for the grammar in the file comment. Every error is a parse_error
/// whose column is where the offending token starts and whose message quotes the token.
class pauli_text {
public:
    pauli_text(std::string_view text, const char* what) : text_(text), what_(what) {}

    PauliString read_string() {
        skip_space();
        if (at_end()) fail(pos_, "empty input (write I for the identity)");
        if (is_number_start()) {
            fail(pos_, "unexpected number \"" + token(pos_) + "\": a Pauli string has no coefficient (use PauliSum::parse)");
        }
        PauliString p = read_product();
        skip_space();
        if (!at_end()) fail(pos_, unexpected(pos_));
        return p;
    }

    PauliSum read_sum() {
        PauliSum sum;
        skip_space();
        if (at_end()) fail(pos_, "empty input (write 0 for the zero observable)");
        double sign = 1.0;
        if (peek() == '+' || peek() == '-') {
            sign = peek() == '-' ? -1.0 : 1.0;
            ++pos_;
            skip_space();
            if (at_end()) fail(pos_, "expected a term after the sign, found the end of the input");
        }
        for (;;) {
            double coeff = 1.0;
            bool has_number = false;
            if (is_number_start()) {
                coeff = read_number();
                has_number = true;
                skip_space();
                if (!at_end() && peek() == '*') {
                    ++pos_;
                    skip_space();
                    if (at_end() || !std::isalpha(static_cast<unsigned char>(peek()))) {
                        fail(pos_, "expected a Pauli factor after '*', found " + describe(pos_));
                    }
                }
            }
            PauliString p;
            if (!at_end() && std::isalpha(static_cast<unsigned char>(peek()))) {
                p = read_product();
            } else if (!has_number) {
                fail(pos_, "expected a term (number or Pauli factor such as X0), found " + describe(pos_));
            }
            sum.add(sign * coeff, p);
            skip_space();
            if (at_end()) break;
            const char c = peek();
            if (c != '+' && c != '-') fail(pos_, "expected '+' or '-' between terms, found " + describe(pos_));
            sign = c == '-' ? -1.0 : 1.0;
            ++pos_;
            skip_space();
            if (at_end()) fail(pos_, std::string("expected a term after '") + c + "', found the end of the input");
        }
        return sum;
    }

private:
    bool at_end() const noexcept { return pos_ >= text_.size(); }
    char peek() const noexcept { return text_[pos_]; }
    void skip_space() noexcept {
        while (!at_end() && std::isspace(static_cast<unsigned char>(peek()))) ++pos_;
    }
    bool is_number_start() const noexcept {
        return !at_end() && (std::isdigit(static_cast<unsigned char>(peek())) || peek() == '.');
    }

    /// The token starting at `p`: a run of letters, digits and '.', or the single character there.
    std::string token(std::size_t p) const {
        std::size_t e = p;
        while (e < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[e])) || text_[e] == '.')) ++e;
        if (e == p && p < text_.size()) ++e;
        return std::string(text_.substr(p, e - p));
    }

    std::string describe(std::size_t p) const { return p >= text_.size() ? "the end of the input" : "\"" + token(p) + "\""; }
    std::string unexpected(std::size_t p) const { return "unexpected " + describe(p); }

    [[noreturn]] void fail(std::size_t p, const std::string& message) const {
        int line = 1, column = 1;
        for (std::size_t i = 0; i < p && i < text_.size(); ++i) {
            if (text_[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        // The source names the input (shortened) so that the message stands on its own.
        std::string shown(text_.substr(0, 60));
        if (text_.size() > 60) shown += "...";
        throw parse_error(std::string(what_) + " \"" + shown + "\"", line, column, message);
    }

    double read_number() {
        const std::size_t start = pos_;
        double v = 0.0;
        const auto res = std::from_chars(text_.data() + pos_, text_.data() + text_.size(), v);
        if (res.ec == std::errc::result_out_of_range) fail(start, "number \"" + token(start) + "\" is out of range");
        if (res.ec != std::errc()) fail(start, "malformed number \"" + token(start) + "\"");
        pos_ = static_cast<std::size_t>(res.ptr - text_.data());
        return v;
    }

    /// factor { [ws] ['*'] [ws] factor }; stops before anything that cannot continue a product.
    PauliString read_product() {
        PauliString p;
        index_t seen = 0;
        std::vector<std::size_t> first_column(max_qubits, 0);
        for (;;) {
            read_factor(p, seen, first_column);
            const std::size_t after = pos_;
            skip_space();
            if (at_end()) return p;
            if (peek() == '*') {
                ++pos_;
                skip_space();
                if (at_end() || !std::isalpha(static_cast<unsigned char>(peek()))) {
                    fail(pos_, "expected a Pauli factor after '*', found " + describe(pos_));
                }
                continue;
            }
            if (std::isalpha(static_cast<unsigned char>(peek())) && pos_ > after) continue;
            return p;
        }
    }

    void read_factor(PauliString& p, index_t& seen, std::vector<std::size_t>& first_column) {
        const std::size_t start = pos_;
        const char letter = static_cast<char>(std::toupper(static_cast<unsigned char>(peek())));
        Pauli op = Pauli::I;
        switch (letter) {
        case 'I': op = Pauli::I; break;
        case 'X': op = Pauli::X; break;
        case 'Y': op = Pauli::Y; break;
        case 'Z': op = Pauli::Z; break;
        default:
            fail(start, std::string("unknown Pauli letter '") + peek() + "' in token \"" + token(start) +
                            "\" (expected I, X, Y or Z)");
        }
        ++pos_;
        if (at_end() || !std::isdigit(static_cast<unsigned char>(peek()))) {
            if (op != Pauli::I) {
                fail(start, std::string("missing qubit index after '") + text_[start] + "' in token \"" + token(start) + "\"");
            }
            check_separator(start);
            return; // a bare I: the identity, acts on no qubit
        }
        // Saturate long digit strings: anything past max_qubits is out of range anyway.
        std::uint64_t q = 0;
        while (!at_end() && std::isdigit(static_cast<unsigned char>(peek()))) {
            q = std::min<std::uint64_t>(q * 10 + static_cast<std::uint64_t>(peek() - '0'), 1000000);
            ++pos_;
        }
        check_separator(start);
        if (q >= max_qubits) {
            fail(start, "qubit " + (q >= 1000000 ? std::string("index") : std::to_string(q)) + " in token \"" + token(start) +
                            "\" out of range [0, " + std::to_string(max_qubits) + ")");
        }
        const index_t bit = index_t{1} << q;
        if (seen & bit) {
            fail(start, "qubit " + std::to_string(q) + " appears twice in one product (token \"" + token(start) +
                            "\"; first use at column " + std::to_string(first_column[q] + 1) + ")");
        }
        seen |= bit;
        first_column[q] = start;
        p.put(static_cast<qubit_t>(q), op);
    }

    /// A factor must end at a space, '*', '+', '-' or the end: "X0Z1" is rejected, not guessed at.
    void check_separator(std::size_t start) const {
        if (at_end()) return;
        const char c = peek();
        if (std::isspace(static_cast<unsigned char>(c)) || c == '*' || c == '+' || c == '-') return;
        fail(start, std::string("unexpected '") + c + "' in token \"" + token(start) +
                        "\" (separate factors with spaces, e.g. \"X0 Z1\")");
    }

    std::string_view text_;
    const char* what_;
    std::size_t pos_ = 0;
};

} // namespace detail

inline PauliString PauliString::parse(std::string_view text) { return detail::pauli_text(text, "Pauli string").read_string(); }

inline PauliSum PauliSum::parse(std::string_view text) { return detail::pauli_text(text, "Pauli sum").read_sum(); }

} // namespace qcoach
