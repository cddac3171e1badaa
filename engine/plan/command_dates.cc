#include "engine/plan/command_dates.h"

#include <algorithm>
#include <chrono>
#include <limits>

namespace jalon::command_internal {
namespace {

// The same day `years` later (earlier if negative); 29 February becomes
// 28 February in a year that has none.
int32_t ShiftYears(int32_t day, int years) {
  using namespace std::chrono;
  year_month_day ymd{sys_days(days(day))};
  ymd += std::chrono::years(years);
  if (!ymd.ok()) ymd = year_month_day_last(ymd.year(), month_day_last(ymd.month()));
  return static_cast<int32_t>(sys_days(ymd).time_since_epoch().count());
}

std::string PeriodText(int32_t start, int32_t end) {
  return "the plan's period " + DateOfDay(start) + " to " + DateOfDay(end);
}

}  // namespace

bool IsDatedChange(std::string_view type) {
  return type == "RescheduleAction" || type == "EditAction" || type == "ChangeTarget" ||
         type == "RetireIndicator" || type == "RetireMission" || type == "DropAxis";
}

Window WindowOf(std::string_view type, std::string_view field) {
  // A change to the plan counts from its date (the `date` of the command,
  // or the envelope's effective_at): within the plan's life, never ahead
  // of today.
  if (IsDatedChange(type) && (field == "date" || field.empty())) {
    return {0, kYearsAfterPeriod, "a change counts from the day it was decided"};
  }
  // An action is carried out within its plan's period: the demo city and
  // the sample plan start and end every action inside it, and the final
  // year is there for the actions that run late.
  if (type == "PlanAction" || type == "RescheduleAction") return {0, 0};
  if (type == "ReportProgress") {
    return {0, kYearsAfterPeriod, "a progress report records what has been done"};
  }
  if (type == "RecordMeasurement" || type == "CorrectMeasurement") {
    return {kYearsBeforePeriod, kYearsAfterPeriod, "a measurement records what was observed"};
  }
  if (type == "RecordSpending") {
    return {0, kYearsAfterPeriod, "a spending records what was paid"};
  }
  if (type == "CompleteAction" || type == "CancelAction") {
    return {0, kYearsAfterPeriod, "an action is closed once it has ended"};
  }
  // Reviews and the revision's close belong to the plan's life, within its
  // period or a little after it.
  if (type == "HoldReview" || type == "CloseRevision") return {0, kYearsAfterPeriod};
  // The baseline is the situation the plan starts from: measured before or
  // during the period, never after it. The target is reached within the
  // period or a little after it.
  if (field == "baseline.date") return {kYearsBeforePeriod, 0};
  if (field == "target.date") return {0, kYearsAfterPeriod};
  return kPlanWindow;
}

Status CheckInWindow(const Window& w, const std::string& field, int32_t day, const PlanState& s,
                     int32_t today) {
  if (w.fact != nullptr && day > today) {
    return Bad(field, DateOfDay(day) + " is after today (" + DateOfDay(today) + "): " + w.fact);
  }
  if (!s.plan_open()) return Status::Ok();
  const int32_t start = DayOf(s.plan.value("period_start", std::string()));
  const int32_t end = DayOf(s.plan.value("period_end", std::string()));
  const int32_t lo = ShiftYears(start, -w.years_before);
  const int32_t hi = std::min(ShiftYears(end, w.years_after),
                              w.fact != nullptr ? today : std::numeric_limits<int32_t>::max());
  if (day >= lo && day <= hi) return Status::Ok();
  if (w.years_before == 0 && w.years_after == 0) {
    return Bad(field, DateOfDay(day) + " is outside " + PeriodText(start, end));
  }
  return Bad(field, DateOfDay(day) + " is too far from " + PeriodText(start, end) +
                        " (allowed from " + DateOfDay(lo) + " to " + DateOfDay(hi) + ")");
}

// The date rules of a command whose fields are each valid on their own.
Status CheckDates(std::string_view type, const std::vector<Field>& fields, const PlanState& s,
                  const Json& d, Instant now) {
  const int32_t today = DayOf(now);
  if (type == "OpenPlan" || type == "OpenCycle") {
    if (type == "OpenCycle" && DayOf(d["dated"].get<std::string>()) > today) {
      return Bad("dated", d["dated"].get<std::string>() + " is after today (" + DateOfDay(today) +
                              "): a cycle is opened on the day it is decided");
    }
    const int32_t start = DayOf(d["period_start"].get<std::string>());
    const int32_t end = DayOf(d["period_end"].get<std::string>());
    if (end > ShiftYears(start, kMaxPeriodYears)) {
      return Bad("period_end",
                 "a plan's period lasts at most " + std::to_string(kMaxPeriodYears) + " years");
    }
    const int32_t dated = DayOf(d["dated"].get<std::string>());
    if (dated < ShiftYears(start, -kYearsBeforePeriod) || dated > end) {
      return Bad("dated", d["dated"].get<std::string>() + " is too far from " +
                              PeriodText(start, end) + " (a plan is dated before its end)");
    }
    return Status::Ok();
  }
  for (const Field& f : fields) {
    if (!d.contains(f.name)) continue;
    std::string field = f.name;
    const Json* date = &d[f.name];
    if (f.kind == Kind::kDatedValue || f.kind == Kind::kEvidence) {
      field += ".date";
      date = &d[f.name]["date"];
    } else if (f.kind != Kind::kDate) {
      continue;
    }
    JALON_RETURN_IF_ERROR(
        CheckInWindow(WindowOf(type, field), field, DayOf(date->get<std::string>()), s, today));
  }
  return Status::Ok();
}

// A target is reached after the situation it starts from.
Status CheckTargetAfterBaseline(const std::string& target_date, const std::string& baseline_date) {
  if (DayOf(target_date) < DayOf(baseline_date)) {
    return Bad("target.date",
               target_date + " is before the baseline's date (" + baseline_date + ")");
  }
  return Status::Ok();
}

}  // namespace jalon::command_internal
