// The occurrences of a plan's cycle, derived from the plan's own period
// (DESIGN.md, "Scheduling"):
//   - review:     each configured review date (default 06-30 and 12-15) of
//                 each year that falls inside the period;
//   - revision:   the mid-term revision opens at the midpoint of the period
//                 (period_start + half the days, rounded down);
//   - evaluation: the final evaluation opens one year before the period's
//                 end, at the start of its last year (2020-09-01 for
//                 2017-09-01 to 2021-08-31, 2020-01-01 for 2016-2020); in a
//                 plan of about two years or less that day is not after the
//                 revision, and the evaluation opens the day after the
//                 revision's working day instead.
// Each nominal date moves to the next working day (calendar.h), or back to
// the last working day of the period if the next one is after its end, and
// fires at the configured local time in Europe/Paris.
//
// An occurrence's identity is (schedule, nominal date): "review/2016-06-30".
// It is recorded at most once per plan, however often it is computed.
//
// Pure functions of the plan and the options: thread-safe, nothing borrowed
// beyond the call. There is no error: a plan without a valid period has no
// occurrences.
#pragma once

#include <string>
#include <vector>

#include "engine/plan/plan_state.h"
#include "jobs/calendar/calendar.h"
#include "jobs/options.h"

namespace jalon::jobs {

struct Occurrence {
  std::string schedule;  // review | revision | evaluation
  calendar::Shift date;  // nominal, due (the working day), why it moved
  Instant fire_at{};     // due at the fire time, Europe/Paris

  std::string id() const { return schedule + "/" + DateOfDay(date.nominal); }
  // "Revue semestrielle", "Révision à mi-parcours", "Évaluation finale".
  std::string Label() const;
  // {occurrence, schedule, label, nominal, due, moved, reason, fire_at}
  Json ToJson() const;
};

// Every occurrence of the plan's cycle, by fire time. Empty without a plan.
std::vector<Occurrence> CycleOccurrences(const Json& plan, const CycleOptions& options);

}  // namespace jalon::jobs
