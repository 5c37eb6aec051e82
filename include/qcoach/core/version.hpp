#pragma once
/// @file
/// @brief Library version.

#define QCOACH_VERSION_MAJOR 0
#define QCOACH_VERSION_MINOR 1
#define QCOACH_VERSION_PATCH 0

namespace qcoach {
inline constexpr const char* version_string = "0.1.0";
}
