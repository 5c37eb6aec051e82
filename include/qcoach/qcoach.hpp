#pragma once
/// @file
/// @brief Everything in qcoach. Each layer also has its own umbrella header.

#include "qcoach/circuit/circuit.hpp"
#include "qcoach/coaching/coaching.hpp"
#include "qcoach/core/core.hpp"
#include "qcoach/qubo/qubo.hpp"
#include "qcoach/statevector/statevector.hpp"
#include "qcoach/variational/variational.hpp"
