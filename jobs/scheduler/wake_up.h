// A plan's wake-up: when the scheduler next needs to visit it, computed from
// the plan's recorded state. The wake-up is the earliest of: its next
// unrecorded occurrence, the first day the reminder rules would want other
// reminders with no new data, its open reminders' escalation and repeat
// times, and (when a channel delivers) its pending deliveries' retry times.
//
// What the rules found is kept with the wake-up: while the plan's data has
// not moved (PlanState::data_version) and that day has not come, a visit that
// escalates or repeats does not run the rules again (Settled).
//
// Plain values and pure functions: thread-safe, nothing borrowed beyond the
// call.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/plan/plan_state.h"
#include "jobs/cycle/cycle.h"
#include "jobs/options.h"

namespace jalon::jobs {

// A plan's place in the scheduler's wake-up index.
struct Planned {
  Instant at;            // the wake-up
  uint64_t version = 0;  // the plan's stream version it was computed at
  // When the first occurrence not recorded at `version` fires.
  Instant occurrence_at = Instant::max();
  // What the reminder rules found then: on the days [rules_from,
  // rules_until), while the plan's data_version is `data_version`, they
  // want the same reminders; `settled` says those were exactly the ones
  // open, so that there was nothing to issue or resolve. A pass that only
  // escalates (most of them) then need not run the rules again.
  uint64_t data_version = 0;
  int32_t rules_from = 0, rules_until = 0;
  bool settled = false;
};

// Whether `planned` (may be null) says the rules want exactly the open
// reminders of `state` on `today`.
bool Settled(const Planned* planned, const PlanState& state, int32_t today);

// When the plan `state` next needs a visit, seen at `now`; `cycle` is its
// cycle's occurrences by fire time, `delivering` whether a channel sends
// notices. The rules' findings of `before` (may be null) are reused while
// they hold. A plan whose rules want a change now wakes up at `now`; one
// with nothing ahead, at Instant::max().
Planned PlanWakeUp(const PlanState& state, Instant now, const Planned* before,
                   const std::vector<Occurrence>& cycle, const JobsOptions& options,
                   bool delivering);

}  // namespace jalon::jobs
