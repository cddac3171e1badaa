// The audit flags of a plan: facts in its event log an evaluator should look
// at (a target changed soon after a bad figure, an axis never validated, a
// measurement entered long after its date, ...), each citing the events
// behind it. Flags are hints for a person, not errors: a plan with flags is
// still a valid plan.
//
// AuditFlags borrows `service` for the call only and replays the plan's
// stream; it holds no state between calls.
#pragma once

#include <string>

#include "engine/plan/plan_service.h"

namespace jalon::jobs {

struct AuditOptions {
  unsigned target_change_window_days = 90;  // "soon after" a measurement
  unsigned late_measurement_days = 90;      // "long after" its date
};

// The audit flags of a plan, each citing the events behind it
// ({direction, position, flags: [{rule, subject, message, events}], counts};
// the message in French with its dates in words, as staff read it):
//   target_changed_after_unfavourable_measurement  a ChangeTarget recorded at
//       most target_change_window_days after a measurement that moved away
//       from the target (compared with the measurement before it);
//   mission_never_assessed   a mission without values (MissionAssessed);
//   axis_never_validated     an axis, not dropped, never validated;
//   action_without_indicator an action, not cancelled, with no indicator
//       attached to it;
//   indicator_never_measured an indicator, not retired, with no measurement;
//   measurement_recorded_late  recorded more than late_measurement_days
//       after its date (imports excepted); the flag also holds that date
//       as "date" (YYYY-MM-DD).
// Errors: InvalidArgument for a malformed direction code, NotFound for an
// unknown direction, or the error of the event that could not be replayed.
Result<Json> AuditFlags(const PlanService& service, const std::string& code,
                        const AuditOptions& options = {});

}  // namespace jalon::jobs
