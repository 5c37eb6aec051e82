#pragma once
/// @file
/// @brief Number and token formatting shared by the writers and the error messages.

#include <charconv>
#include <string>
#include <string_view>

namespace qcoach::qubo::detail {

/// @brief Shortest text that reads back as exactly the same double ("3", "-0.5", "1e+300").
inline std::string format_number(double v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

/// @brief A token shown in an error message: at most 40 characters, control bytes as \xNN.
inline std::string printable(std::string_view tok) {
    std::string out;
    const std::size_t shown = tok.size() > 40 ? 40 : tok.size();
    for (std::size_t i = 0; i < shown; ++i) {
        const auto c = static_cast<unsigned char>(tok[i]);
        if (c < 0x20 || c == 0x7f) {
            const char* hex = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    if (shown < tok.size()) out += "...";
    return out;
}

} // namespace qcoach::qubo::detail
