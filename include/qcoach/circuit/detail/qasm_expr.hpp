#pragma once
/// @file
/// @brief OpenQASM 2 angle expressions: parsing into a small tree, constant folding, evaluation.
///
/// Grammar (precedence from loose to tight; '^' is right-associative and binds tighter than a
/// unary minus, so -2^2 = -4 as in mathematics):
///
///     expr    := term (('+' | '-') term)*
///     term    := unary (('*' | '/') unary)*
///     unary   := '-' unary | '+' unary | power
///     power   := primary ('^' unary)?
///     primary := number | 'pi' | parameter | func '(' expr ')' | '(' expr ')'
///     func    := sin | cos | tan | exp | ln | sqrt
///
/// Outside a gate body every expression is constant and folds to a single number while it is
/// parsed. Inside a body, subtrees that use no gate parameter fold as well, so a tree only keeps
/// what depends on the parameters. The parser counts its own recursion and every tree records
/// its height; both are bounded by max_depth, which keeps hostile input such as
/// "((((...1...))))" or "1+1+1+...+x" from exhausting the stack during parsing or evaluation.

#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qcoach/circuit/detail/qasm_lexer.hpp"

namespace qcoach::detail::qasm {

/// Deepest recursion of the expression parser (each parenthesis level takes five) and tallest
/// tree it builds; evaluation recurses as deep as the tree is tall.
inline constexpr int max_expr_depth = 1000;

enum class expr_op : std::uint8_t { number, param, neg, add, sub, mul, div, pow, sin, cos, tan, exp, ln, sqrt };

struct expr_node {
    expr_op op = expr_op::number;
    double value = 0.0;    ///< number
    std::uint32_t a = 0;   ///< first operand, or the parameter index
    std::uint32_t b = 0;   ///< second operand
    std::uint16_t height = 1;
};

/// The nodes of every expression of one scope (the top level, or one gate body).
class expr_pool {
public:
    std::uint32_t add(expr_node n) {
        nodes_.push_back(n);
        return static_cast<std::uint32_t>(nodes_.size() - 1);
    }
    const expr_node& operator[](std::uint32_t i) const { return nodes_[i]; }
    bool is_number(std::uint32_t i) const { return nodes_[i].op == expr_op::number; }
    void clear() noexcept { nodes_.clear(); }
    std::size_t size() const noexcept { return nodes_.size(); }

    /// Value of node i with the gate parameters `params`. The result may be inf or nan (1/0,
    /// ln(-1)); callers check finiteness where an angle is formed.
    double eval(std::uint32_t i, std::span<const double> params) const {
        const expr_node& n = nodes_[i];
        switch (n.op) {
        case expr_op::number: return n.value;
        case expr_op::param: return params[n.a];
        case expr_op::neg: return -eval(n.a, params);
        case expr_op::add: return eval(n.a, params) + eval(n.b, params);
        case expr_op::sub: return eval(n.a, params) - eval(n.b, params);
        case expr_op::mul: return eval(n.a, params) * eval(n.b, params);
        case expr_op::div: return eval(n.a, params) / eval(n.b, params);
        case expr_op::pow: return std::pow(eval(n.a, params), eval(n.b, params));
        default: return apply_function(n.op, eval(n.a, params));
        }
    }

    static double apply_function(expr_op f, double x) {
        switch (f) {
        case expr_op::sin: return std::sin(x);
        case expr_op::cos: return std::cos(x);
        case expr_op::tan: return std::tan(x);
        case expr_op::exp: return std::exp(x);
        case expr_op::ln: return std::log(x);
        case expr_op::sqrt: return std::sqrt(x);
        default: return x;
        }
    }

private:
    std::vector<expr_node> nodes_;
};

/// Recursive-descent parser of one expression into a pool. `params` are the names of the
/// enclosing gate's parameters (empty at the top level).
class expr_parser {
public:
    expr_parser(lexer& lx, expr_pool& pool, std::span<const std::string> params) : lx_(lx), pool_(pool), params_(params) {}

    std::uint32_t parse() {
        depth_ = 0;
        return parse_sum();
    }

private:
    struct depth_guard {
        expr_parser& p;
        explicit depth_guard(expr_parser& parser, const token& at) : p(parser) {
            if (++p.depth_ > max_expr_depth) {
                p.lx_.fail(at, "expression nested too deeply (more than " + std::to_string(max_expr_depth) + " levels)");
            }
        }
        ~depth_guard() { --p.depth_; }
        depth_guard(const depth_guard&) = delete;
        depth_guard& operator=(const depth_guard&) = delete;
    };

    std::uint32_t binary(expr_op op, std::uint32_t a, std::uint32_t b, const token& at) {
        const expr_node &na = pool_[a], &nb = pool_[b];
        if (na.op == expr_op::number && nb.op == expr_op::number) {
            expr_node n;
            n.value = fold(op, na.value, nb.value);
            return pool_.add(n);
        }
        expr_node n;
        n.op = op;
        n.a = a;
        n.b = b;
        n.height = checked_height(std::max(na.height, nb.height), at);
        return pool_.add(n);
    }

    std::uint32_t unary(expr_op op, std::uint32_t a, const token& at) {
        const expr_node& na = pool_[a];
        if (na.op == expr_op::number) {
            expr_node n;
            n.value = op == expr_op::neg ? -na.value : expr_pool::apply_function(op, na.value);
            return pool_.add(n);
        }
        expr_node n;
        n.op = op;
        n.a = a;
        n.height = checked_height(na.height, at);
        return pool_.add(n);
    }

    std::uint16_t checked_height(std::uint16_t child, const token& at) {
        // A tree as tall as the parser may recurse is also safe to evaluate recursively.
        if (child + 1 > max_expr_depth) {
            lx_.fail(at, "expression nested too deeply (more than " + std::to_string(max_expr_depth) + " levels)");
        }
        return static_cast<std::uint16_t>(child + 1);
    }

    static double fold(expr_op op, double a, double b) {
        switch (op) {
        case expr_op::add: return a + b;
        case expr_op::sub: return a - b;
        case expr_op::mul: return a * b;
        case expr_op::div: return a / b;
        case expr_op::pow: return std::pow(a, b);
        default: return 0.0;
        }
    }

    std::uint32_t parse_sum() {
        const depth_guard g(*this, lx_.peek());
        std::uint32_t left = parse_product();
        while (lx_.peek().kind == tok::plus || lx_.peek().kind == tok::minus) {
            const token op = lx_.next();
            const std::uint32_t right = parse_product();
            left = binary(op.kind == tok::plus ? expr_op::add : expr_op::sub, left, right, op);
        }
        return left;
    }

    std::uint32_t parse_product() {
        const depth_guard g(*this, lx_.peek());
        std::uint32_t left = parse_unary();
        while (lx_.peek().kind == tok::star || lx_.peek().kind == tok::slash) {
            const token op = lx_.next();
            const std::uint32_t right = parse_unary();
            left = binary(op.kind == tok::star ? expr_op::mul : expr_op::div, left, right, op);
        }
        return left;
    }

    std::uint32_t parse_unary() {
        const depth_guard g(*this, lx_.peek());
        if (lx_.peek().kind == tok::minus) {
            const token op = lx_.next();
            return unary(expr_op::neg, parse_unary(), op);
        }
        if (lx_.peek().kind == tok::plus) {
            lx_.next();
            return parse_unary();
        }
        return parse_power();
    }

    std::uint32_t parse_power() {
        const depth_guard g(*this, lx_.peek());
        const std::uint32_t base = parse_primary();
        if (lx_.peek().kind == tok::caret) {
            const token op = lx_.next();
            return binary(expr_op::pow, base, parse_unary(), op);
        }
        return base;
    }

    std::uint32_t parse_primary() {
        const depth_guard g(*this, lx_.peek());
        const token t = lx_.next();
        switch (t.kind) {
        case tok::integer:
        case tok::real: {
            expr_node n;
            n.value = number_value(lx_, t);
            return pool_.add(n);
        }
        case tok::kw_pi: {
            expr_node n;
            n.value = 3.141592653589793238462643383279502884;
            return pool_.add(n);
        }
        case tok::lparen: {
            const std::uint32_t e = parse_sum();
            expect_rparen(t);
            return e;
        }
        case tok::ident: return identifier(t);
        default: break;
        }
        lx_.fail(t, "expected an expression (number, pi, parameter, function or '('), got " + describe(t));
    }

    std::uint32_t identifier(const token& t) {
        if (lx_.peek().kind == tok::lparen) {
            const expr_op f = function_of(t.text);
            if (f == expr_op::number) {
                lx_.fail(t, "unknown function '" + quote_source(t.text) + "' (expected sin, cos, tan, exp, ln or sqrt)");
            }
            const token open = lx_.next();
            const std::uint32_t arg = parse_sum();
            expect_rparen(open);
            return unary(f, arg, t);
        }
        for (std::size_t i = 0; i < params_.size(); ++i) {
            if (params_[i] == t.text) {
                expr_node n;
                n.op = expr_op::param;
                n.a = static_cast<std::uint32_t>(i);
                return pool_.add(n);
            }
        }
        if (params_.empty()) lx_.fail(t, "unknown identifier '" + quote_source(t.text) + "' in expression (only gate bodies have parameters)");
        lx_.fail(t, "unknown parameter '" + quote_source(t.text) + "'");
    }

    static expr_op function_of(std::string_view name) noexcept {
        if (name == "sin") return expr_op::sin;
        if (name == "cos") return expr_op::cos;
        if (name == "tan") return expr_op::tan;
        if (name == "exp") return expr_op::exp;
        if (name == "ln") return expr_op::ln;
        if (name == "sqrt") return expr_op::sqrt;
        return expr_op::number;
    }

    void expect_rparen(const token& open) {
        const token& t = lx_.peek();
        if (t.kind != tok::rparen) {
            lx_.fail(t, "expected ')' to close the '(' at " + std::to_string(open.line) + ":" + std::to_string(open.col) + ", got " +
                            describe(t));
        }
        lx_.next();
    }

    lexer& lx_;
    expr_pool& pool_;
    std::span<const std::string> params_;
    int depth_ = 0;
};

} // namespace qcoach::detail::qasm
