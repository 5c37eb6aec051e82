#pragma once
/// @file
/// @brief Umbrella header of the variational layer: QAOA (cost tables, X and XY mixers, the
/// MaxCut helpers, QAOA as a QUBO solver), angle strategies and optimizers.

#include "qcoach/variational/angles.hpp"
#include "qcoach/variational/cost_table.hpp"
#include "qcoach/variational/maxcut.hpp"
#include "qcoach/variational/optimize.hpp"
#include "qcoach/variational/qaoa.hpp"
#include "qcoach/variational/qaoa_solver.hpp"
#include "qcoach/variational/xy_mixer.hpp"
