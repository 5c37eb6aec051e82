#pragma once
/// @file
/// @brief Umbrella header of the core layer (no dependency beyond the standard library and OpenMP).

#include "qcoach/core/aligned.hpp"
#include "qcoach/core/bits.hpp"
#include "qcoach/core/config.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/memory.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/rng.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/core/version.hpp"
