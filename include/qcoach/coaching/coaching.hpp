#pragma once
/// @file
/// @brief Umbrella header of the coaching models: learning paths (sessions and sequence modes),
/// coach-client matching and session scheduling, each encoded as a QUBO, solved by the solver
/// portfolio (exact, QAOA, annealing, tempering, tabu) beside a dedicated classical method,
/// decoded, checked and explained; and the comparison report.

#include "qcoach/coaching/learning_path.hpp"
#include "qcoach/coaching/matching.hpp"
#include "qcoach/coaching/portfolio.hpp"
#include "qcoach/coaching/report.hpp"
#include "qcoach/coaching/scheduling.hpp"
#include "qcoach/coaching/sequencing.hpp"
