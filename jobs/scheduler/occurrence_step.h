// The first step of a scheduler visit: recording a plan's due occurrences.
// An occurrence at most catch_up_days old is fired (OccurrenceFired, plus
// ReviewDue, RevisionOpened or EvaluationOpened); an older one is recorded as
// skipped (OccurrenceSkipped, with the reason in French), and so is one due
// before the plan was first recorded in the log (a plan imported late).
//
// Exactly once: each append's command id is the occurrence's identity
// ("occ/<code>/<occurrence>"), and it is decided under the plan's lock
// against the plan's recorded state, so a replay or a concurrent pass
// appends nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/plan/plan_service.h"
#include "jobs/cycle/cycle.h"
#include "jobs/options.h"
#include "jobs/scheduler/tick_stats.h"

namespace jalon::jobs {

// Records `pending` (plan `code`'s occurrences due at `now` and not recorded)
// one append each, waiting for each. Occurrences due before `started_at` (the
// scheduler's start) count as caught up. `*unapplied` is the visit's
// position not yet applied to the projections (system_events.h). Returns
// the first append's error, leaving the rest for the next pass; `*stats`
// counts what was appended. `service` and `options` are borrowed for the
// call. Thread-safe for different plans.
Status AppendOccurrences(PlanService& service, const JobsOptions& options, Instant started_at,
                         const std::string& code, const std::vector<Occurrence>& pending,
                         Instant now, TickStats* stats, uint64_t* unapplied);

}  // namespace jalon::jobs
