#pragma once
/// @file
/// @brief Gate angles that are numbers or affine functions of one circuit parameter.
///
/// An angle is scale * theta[index] + offset, or the constant `offset` when it has no index.
/// An ansatz is built once with symbolic angles and run for many parameter vectors; the
/// gradient code reads d(angle)/d(theta[index]) = scale directly.

#include <cmath>
#include <cstdint>
#include <span>
#include <sstream>
#include <string>

#include "qcoach/core/error.hpp"

namespace qcoach {

/// @brief scale * theta[index] + offset, or a constant.
class Param {
public:
    /// A constant angle (implicit, so `rx(q, 0.5)` reads naturally).
    Param(double value = 0.0) : offset_(value) { // NOLINT(google-explicit-constructor)
        if (!std::isfinite(value)) throw value_error("gate angle is not finite");
    }

    /// @brief The angle scale * theta[index] + offset.
    static Param symbol(std::size_t index, double scale = 1.0, double offset = 0.0) {
        if (!std::isfinite(scale) || !std::isfinite(offset)) throw value_error("parameter scale and offset must be finite");
        if (index > static_cast<std::size_t>(INT32_MAX)) throw index_error("parameter index " + std::to_string(index) + " too large");
        Param p(offset);
        p.index_ = static_cast<std::int32_t>(index);
        p.scale_ = scale;
        return p;
    }

    bool is_constant() const noexcept { return index_ < 0; }
    /// Parameter index; only meaningful when !is_constant().
    std::size_t index() const noexcept { return static_cast<std::size_t>(index_); }
    double scale() const noexcept { return is_constant() ? 0.0 : scale_; }
    double offset() const noexcept { return offset_; }

    /// @brief The value for a parameter vector (checked: throws index_error when too short).
    double value(std::span<const double> theta) const {
        if (is_constant()) return offset_;
        if (index() >= theta.size()) {
            throw index_error("angle uses parameter " + std::to_string(index()) + " but only " + std::to_string(theta.size()) +
                              " parameters were given");
        }
        return scale_ * theta[index()] + offset_;
    }

    /// @brief The constant value; throws value_error for a symbolic angle.
    double constant() const {
        if (!is_constant()) throw value_error("angle " + to_string() + " is symbolic: bind parameters first");
        return offset_;
    }

    Param operator-() const {
        Param p = *this;
        p.scale_ = -scale_;
        p.offset_ = -offset_;
        return p;
    }
    friend Param operator*(double a, Param p) {
        p.scale_ *= a;
        p.offset_ *= a;
        return p;
    }
    friend Param operator*(Param p, double a) { return a * p; }
    friend Param operator+(Param p, double b) {
        p.offset_ += b;
        return p;
    }
    friend Param operator+(double b, Param p) { return p + b; }
    friend Param operator-(Param p, double b) { return p + (-b); }

    friend bool operator==(const Param& a, const Param& b) noexcept {
        return a.index_ == b.index_ && a.scale() == b.scale() && a.offset_ == b.offset_;
    }

    /// "0.5", "theta[3]", "-2*theta[0] + 0.25" (full precision).
    std::string to_string() const {
        std::ostringstream os;
        os.precision(17);
        if (is_constant()) {
            os << offset_;
            return os.str();
        }
        if (scale_ == -1.0) os << '-';
        else if (scale_ != 1.0) os << scale_ << '*';
        os << "theta[" << index_ << ']';
        if (offset_ > 0) os << " + " << offset_;
        else if (offset_ < 0) os << " - " << -offset_;
        return os.str();
    }

private:
    double scale_ = 0.0;
    double offset_ = 0.0;
    std::int32_t index_ = -1;
};

} // namespace qcoach
