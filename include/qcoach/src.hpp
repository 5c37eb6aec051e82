#pragma once
/// @file
/// @brief The solvers' entry points for separate compilation (see core/config.hpp): include this
/// in exactly one source file of a program whose files are compiled with
/// QCOACH_SEPARATE_COMPILATION, before any other qcoach header.

#ifndef QCOACH_SEPARATE_COMPILATION
#error "<qcoach/src.hpp> is for separate compilation: define QCOACH_SEPARATE_COMPILATION (see qcoach/core/config.hpp)"
#endif
#ifdef QCOACH_CONFIG_INCLUDED
#error "<qcoach/src.hpp> must come before any other qcoach header in its file"
#endif

#define QCOACH_SOURCE 1

#include "qcoach/qubo/solvers/anneal.hpp"
#include "qcoach/qubo/solvers/exact.hpp"
#include "qcoach/qubo/solvers/tabu.hpp"
#include "qcoach/qubo/solvers/tempering.hpp"
#include "qcoach/variational/qaoa_solver.hpp"
#include "qcoach/variational/subspace_solver.hpp"

namespace qcoach::qubo {
template class TabuSolver<float>;
template class TabuSolver<double>;
template class TemperingSolver<float>;
template class TemperingSolver<double>;
} // namespace qcoach::qubo
