#pragma once
/// @file
/// @brief Header-only or separate compilation of the solvers' entry points.
///
/// qcoach is header-only: including it is all a program needs. The solvers' entry points
/// (QaoaSolver::run, SubspaceQaoaSolver::run, and solve() of the annealing, exact, tabu and
/// tempering solvers) are the largest part of what a file that calls them compiles: each
/// instantiates its engines for float and double. A program with several such files can compile
/// them once instead:
///  - define QCOACH_SEPARATE_COMPILATION for every file that includes qcoach (for instance with
///    target_compile_definitions), and
///  - compile one source file, with the same definition and target flags, that includes
///    <qcoach/src.hpp> and nothing else from qcoach before it.
/// The other files then see the declarations only and link to that file's definitions.
/// The project's own coaching tests, examples and guide programs are built this way
/// (cmake/compiled.cpp); its solver and variational tests and the consumer checks use the headers
/// alone.

#define QCOACH_CONFIG_INCLUDED 1

/// 1 where the entry points' definitions are compiled: always in header-only use, and only in
/// the file that includes <qcoach/src.hpp> under QCOACH_SEPARATE_COMPILATION.
#if defined(QCOACH_SEPARATE_COMPILATION) && !defined(QCOACH_SOURCE)
#define QCOACH_HEADER_DEFINITIONS 0
#else
#define QCOACH_HEADER_DEFINITIONS 1
#endif

/// Linkage of those definitions: inline in header-only use, ordinary (one definition, in the
/// source file) under separate compilation.
#ifdef QCOACH_SEPARATE_COMPILATION
#define QCOACH_DECL
#else
#define QCOACH_DECL inline
#endif
