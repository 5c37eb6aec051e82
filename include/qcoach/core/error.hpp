#pragma once
/// @file
/// @brief The qcoach exception family. Every error a user can cause derives from qcoach::error,
/// and its message names the bad value and, where there is one, the allowed range.

#include <stdexcept>
#include <string>

namespace qcoach {

/// @brief Base of every exception qcoach throws on bad input or an impossible request.
class error : public std::runtime_error {
public:
    explicit error(const std::string& what) : std::runtime_error(what) {}
};

/// @brief An index (qubit, variable, shot count, ...) outside its allowed range or repeated.
class index_error : public error {
public:
    using error::error;
};

/// @brief A value of the wrong shape or content: wrong matrix size, non-unitary matrix,
/// unnormalized amplitudes, malformed text.
class value_error : public error {
public:
    using error::error;
};

/// @brief A request that would need more memory than the configured limit allows.
class memory_error : public error {
public:
    using error::error;
};

/// @brief Malformed input text; carries the source name, line and column (1-based, 0 when unknown).
class parse_error : public error {
public:
    parse_error(std::string source, int line, int column, const std::string& message)
        : error(format(source, line, column, message)), source_(std::move(source)), line_(line),
          column_(column) {}

    const std::string& source() const noexcept { return source_; }
    int line() const noexcept { return line_; }
    int column() const noexcept { return column_; }

private:
    static std::string format(const std::string& source, int line, int column, const std::string& message) {
        std::string out = source.empty() ? std::string("<input>") : source;
        if (line > 0) {
            out += ':' + std::to_string(line);
            if (column > 0) out += ':' + std::to_string(column);
        }
        out += ": " + message;
        return out;
    }

    std::string source_;
    int line_ = 0;
    int column_ = 0;
};

} // namespace qcoach
