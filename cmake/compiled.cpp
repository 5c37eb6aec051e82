// The solvers' entry points, compiled once for the project's coaching tests, examples and guide
// programs, which include qcoach with QCOACH_SEPARATE_COMPILATION (qcoach/core/config.hpp).
#include "qcoach/src.hpp"
