#pragma once
/// @file
/// @brief Umbrella header of the QUBO layer: binary quadratic models (QUBO and Ising views),
/// the CSR form for solvers, pinning variables, constraint penalties and file formats.
///
/// Depends only on the core layer and the standard library (no Eigen, no xsimd), so including
/// it does not pay their compile time.

#include "qcoach/qubo/constraints.hpp"
#include "qcoach/qubo/csr.hpp"
#include "qcoach/qubo/fix.hpp"
#include "qcoach/qubo/formats.hpp"
#include "qcoach/qubo/io_bqp.hpp"
#include "qcoach/qubo/io_json.hpp"
#include "qcoach/qubo/io_qubo.hpp"
#include "qcoach/qubo/io_rudy.hpp"
#include "qcoach/qubo/model.hpp"
#include "qcoach/qubo/penalty.hpp"
#include "qcoach/qubo/slack.hpp"
#include "qcoach/qubo/solver.hpp"
#include "qcoach/qubo/solvers/anneal.hpp"
#include "qcoach/qubo/solvers/descent.hpp"
#include "qcoach/qubo/solvers/exact.hpp"
#include "qcoach/qubo/solvers/tabu.hpp"
#include "qcoach/qubo/solvers/tempering.hpp"
#include "qcoach/qubo/vartype.hpp"
