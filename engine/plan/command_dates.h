// The dates of a command against its plan's period and today: a plan's
// facts lie in the years around its period, an action within it, and what
// records an observation (a measurement, a progress report, a completion)
// not after today. The bounds are in command_fields.h.
//
// Each error is InvalidArgument "field: rule" and names the allowed span.
// Pure functions of their arguments.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/plan/command_fields.h"
#include "engine/plan/plan_state.h"
#include "engine/util/status.h"
#include "engine/util/time.h"

namespace jalon::command_internal {

// Where a date field may lie, relative to the plan's period [start, end]:
// from `years_before` years before its start to `years_after` years after
// its end, and not after today if `fact` is set (it says why).
struct Window {
  int years_before;
  int years_after;
  const char* fact = nullptr;  // non-null: not after today, because ...
};

// Any date a rule below does not name: the plan's facts describe the years
// just before it, its period, and the few years after it.
constexpr Window kPlanWindow = {kYearsBeforePeriod, kYearsAfterPeriod};

// RescheduleAction, EditAction, ChangeTarget, RetireIndicator, RetireMission
// and DropAxis: the changes the roll-up reads from their effective date,
// which their optional `date` gives.
bool IsDatedChange(std::string_view type);

// The window of `field` (a data field, or "baseline.date" and the like) of
// a command of type `type`.
Window WindowOf(std::string_view type, std::string_view field);

// `day`, the value of `field`, lies in window `w` of the plan in `s` (any
// day if no plan is open) and, if `w.fact`, not after `today`.
Status CheckInWindow(const Window& w, const std::string& field, int32_t day, const PlanState& s,
                     int32_t today);

// The date rules of a command of type `type` whose fields are each valid on
// their own.
Status CheckDates(std::string_view type, const std::vector<Field>& fields, const PlanState& s,
                  const Json& d, Instant now);

// A target is reached after the situation it starts from.
Status CheckTargetAfterBaseline(const std::string& target_date, const std::string& baseline_date);

}  // namespace jalon::command_internal
