#pragma once
/// @file
/// @brief Umbrella header of the statevector layer.

#include "qcoach/core/core.hpp"
#include "qcoach/statevector/apply.hpp"
#include "qcoach/statevector/gate.hpp"
#include "qcoach/statevector/gates.hpp"
#include "qcoach/statevector/state.hpp"
