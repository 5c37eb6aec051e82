#pragma once
/// @file
/// @brief Umbrella header of the variational layer: QAOA (cost tables, X and XY mixers, the
/// feasible-subspace simulator, the MaxCut helpers, QAOA as a QUBO solver), angle strategies,
/// optimizers, the hardware-efficient ansatz, circuit gradients (adjoint and parameter-shift),
/// model Hamiltonians and VQE.

#include "qcoach/variational/angles.hpp"
#include "qcoach/variational/ansatz.hpp"
#include "qcoach/variational/cost_table.hpp"
#include "qcoach/variational/gradient.hpp"
#include "qcoach/variational/hamiltonians.hpp"
#include "qcoach/variational/maxcut.hpp"
#include "qcoach/variational/optimize.hpp"
#include "qcoach/variational/qaoa.hpp"
#include "qcoach/variational/qaoa_solver.hpp"
#include "qcoach/variational/subspace.hpp"
#include "qcoach/variational/subspace_solver.hpp"
#include "qcoach/variational/vqe.hpp"
#include "qcoach/variational/xy_mixer.hpp"
