// `jalon demo simulate`: runs the demo city through its cycle on a simulated
// clock, one day at a time, so that four years pass in seconds.
//
// Each simulated day, in the order of their times:
//   - at the configured fire time ([cycle] fire_hour, Europe/Paris), the
//     scheduler ticks (occurrences, reminder rules, delivery), so that an
//     occurrence is recorded when jalond would fire it;
//   - at noon UTC, the directions act: they record their indicators'
//     measurements, report progress, complete actions, hold reviews, close
//     the revision and acknowledge some reminders. A share of them is late
//     (`late_share`), which is what makes reminders fire, escalate and
//     resolve.
//
// Everything a direction does is a command with a deterministic id
// ("sim/<code>/<date>/<what>"), and the scheduler decides from the recorded
// state, so a run that is killed and started again continues from the last
// recorded day and records nothing twice. On an empty log the demo plans are
// first imported without their history (measurements, progress, reviews):
// the simulation writes that history.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/plan/plan_service.h"
#include "jobs/scheduler.h"

namespace jalon::jobs {

struct SimulationOptions {
  int32_t from = 0, to = 0;  // days, inclusive
  uint64_t seed = 1;
  double late_share = 0.2;  // share of a direction's data recorded late
  std::vector<Json> plans;  // jalon.plan/1 documents, imported on an empty log
  std::function<void(int32_t day, const TickStats& totals)> progress;  // about once a month
  // The actor of a direction's command (code, command type); unset or "":
  // "simulation/direction".
  std::function<std::string(const std::string& code, const std::string& type)> actor;
};

// Runs the simulation on `service` (whose log and projections use `clock`)
// with `scheduler` (on the same clock). Returns the summary: the totals
// recorded in the log (occurrences fired, caught up and skipped; reminders
// issued, escalated, repeated and resolved; messages attempted, delivered
// and failed) and the days simulated by this run.
Result<Json> Simulate(PlanService& service, SimulatedClock& clock, Scheduler& scheduler,
                      const SimulationOptions& options);

// The totals above, counted from the whole log.
Result<Json> CountJobEvents(const EventLog& log);

// `plan` without its history, as at the start of its cycle.
Json WithoutHistory(Json plan);

}  // namespace jalon::jobs
