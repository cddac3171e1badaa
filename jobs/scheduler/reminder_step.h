// The second step of a scheduler visit: the reminder rules
// (reminders/rules.h) decided on a plan. Reminders the rules expect and that
// are not there are issued; those whose data has arrived are resolved; open
// ones are escalated along the ladder when unacknowledged, or repeated at
// the configured interval. A plan's escalations (and its repeats) of one
// pass share one ReminderEscalated event per level, listing the reminders.
//
// The decision is made under the plan's lock against its recorded state
// (PlanService::AppendSystem), so two passes never issue one reminder twice.
#pragma once

#include <cstdint>
#include <string>

#include "engine/plan/plan_service.h"
#include "jobs/options.h"
#include "jobs/scheduler/tick_stats.h"
#include "jobs/scheduler/wake_up.h"

namespace jalon::jobs {

// A fresh command id for the rules' append to plan `code` at `now` (it has a
// random part): a pass's rules may append to a plan twice at one instant
// (decided again after a conflict).
std::string RulesCommandId(const std::string& code, Instant now);

// The rules of plan `code` at `now` as a decision on its plan: the
// reminders to issue, resolve, escalate and repeat. While `planned` (may be
// null) says the rules are settled (wake_up.h), they are not run again. What
// it decides is counted in `*counted`, reset at each run. The decision
// borrows `options`, `*planned` and `*counted`, which must outlive the
// append it is given to.
PlanService::SystemDecide RulesDecision(const JobsOptions& options, const std::string& code,
                                        Instant now, const Planned* planned, TickStats* counted);

// The rules' decision appended, waiting for it; `*stats` counts it once it
// is in. `*unapplied` as in system_events.h. Returns the append's error.
Status AppendRules(PlanService& service, const JobsOptions& options, const std::string& code,
                   Instant now, const Planned* planned, TickStats* stats, uint64_t* unapplied);

}  // namespace jalon::jobs
