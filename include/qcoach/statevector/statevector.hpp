#pragma once
/// @file
/// @brief Umbrella header of the statevector layer.

#include "qcoach/core/core.hpp"
#include "qcoach/statevector/apply.hpp"
#include "qcoach/statevector/expectation.hpp"
#include "qcoach/statevector/gate.hpp"
#include "qcoach/statevector/gates.hpp"
#include "qcoach/statevector/measure.hpp"
#include "qcoach/statevector/pauli.hpp"
#include "qcoach/statevector/state.hpp"
