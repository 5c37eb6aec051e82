#pragma once
/// @file
/// @brief Session scheduling: sessions (client, coach, length) into time slots, as a QUBO with
/// named hard rules and preference scores, solved by the coaching portfolio, decoded into a
/// checked and explained timetable; and its classic relative, graph colouring.
///
/// Workflow:
///
///     scheduling_problem p = ...;                       // slots, coaches, clients, sessions
///     schedule_decisions d;                             // a person's pins and forbids
///     d.pins.push_back(parse_pin(p, "s-3=tue-10"));
///     d.forbids.push_back(parse_forbid(p, "coach-2=fri-16"));
///     schedule_encoding e = encode(p, d);               // model, variable map, weights, groups
///     auto runs = solve_schedule(e, portfolio_options{}); // every solver, one plan each
///     const schedule_plan& plan = *runs.front().plan;   // the chosen solver's plan
///     plan.feasibility.summary();                       // broken rules by name and amount
///     explain(e, plan, 2).text(p);                      // why session 2 is where it is
///     format_comparison(comparison_rows(runs), true, "preference score");
///
/// Hard rules (constraints of the model): each session scheduled once; no coach or client in
/// two sessions at once (multi-slot lengths counted); availability (placements removed);
/// spacing between one client's sessions; caps per day and per week; explicit conflicts.
/// Soft terms: preferred slots (of the session, its client, its coach) and earlier days.
/// Pins become qubo::pin values applied by the portfolio; forbids remove variables; either way
/// every solver respects them. A repair (repair()) runs only when asked and marks the plan.
///
/// Colouring: a DIMACS graph (read_dimacs_col_file) is a scheduling problem with vertices as
/// sessions, edges as conflicts and colours as slots (colouring_problem); minimize_colours
/// searches downward from a DSATUR colouring with the QUBO solvers and TabuCol side by side.
///
/// Parts (all in namespace qcoach::coaching):
///   detail/scheduling_problem.hpp        data, validation, pins and forbids
///   detail/scheduling_encode.hpp         encoder, variable map, placement statuses
///   detail/scheduling_plan.hpp           decoder, checks, spread, repair, solve_schedule
///   detail/scheduling_explain.hpp        explanations
///   detail/scheduling_dimacs.hpp         graphs and the DIMACS .col reader
///   detail/scheduling_colouring.hpp      DSATUR, greedy clique, TabuCol
///   detail/scheduling_colour_search.hpp  colouring as scheduling, the fewest-colours search

#include "qcoach/coaching/detail/scheduling_colour_search.hpp"
#include "qcoach/coaching/detail/scheduling_colouring.hpp"
#include "qcoach/coaching/detail/scheduling_dimacs.hpp"
#include "qcoach/coaching/detail/scheduling_encode.hpp"
#include "qcoach/coaching/detail/scheduling_explain.hpp"
#include "qcoach/coaching/detail/scheduling_plan.hpp"
#include "qcoach/coaching/detail/scheduling_problem.hpp"
