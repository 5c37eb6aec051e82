#pragma once
/// @file
/// @brief Umbrella header of the circuit layer: parametric circuits and running them.

#include "qcoach/circuit/fusion.hpp"
#include "qcoach/circuit/ir.hpp"
#include "qcoach/circuit/operation.hpp"
#include "qcoach/circuit/param.hpp"
#include "qcoach/circuit/qasm.hpp"
#include "qcoach/circuit/run.hpp"
#include "qcoach/statevector/statevector.hpp"
