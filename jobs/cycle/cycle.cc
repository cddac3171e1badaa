#include "jobs/cycle/cycle.h"

#include <algorithm>

#include "jobs/documents/labels.h"

namespace jalon::jobs {
namespace {

Occurrence Make(const std::string& schedule, int32_t nominal, const CycleOptions& options) {
  Occurrence o;
  o.schedule = schedule;
  o.date = calendar::NextWorkingDay(nominal);
  o.fire_at = calendar::ParisTime(o.date.due, options.fire_hour, options.fire_minute);
  return o;
}

}  // namespace

std::string Occurrence::Label() const { return fr::Label("schedule", schedule); }

Json Occurrence::ToJson() const {
  return {{"occurrence", id()},         {"schedule", schedule},
          {"label", Label()},           {"nominal", DateOfDay(date.nominal)},
          {"due", DateOfDay(date.due)}, {"moved", date.due != date.nominal},
          {"reason", date.reason},      {"fire_at", FormatInstant(fire_at)}};
}

std::vector<Occurrence> CycleOccurrences(const Json& plan, const CycleOptions& options) {
  std::vector<Occurrence> out;
  if (!plan.is_object() || !plan.contains("period_start") || !plan.contains("period_end"))
    return out;
  const int32_t start = DayOf(plan["period_start"].get<std::string>());
  const int32_t end = DayOf(plan["period_end"].get<std::string>());
  if (end < start) return out;
  for (int year = calendar::YearOf(start); year <= calendar::YearOf(end); ++year) {
    for (const MonthDay& md : options.review_dates) {
      const int32_t day = calendar::DayOfYmd(year, md.month, md.day);
      if (day >= start && day <= end) out.push_back(Make("review", day, options));
    }
  }
  out.push_back(Make("revision", start + (end - start) / 2, options));
  const int32_t final_year = calendar::DayOfYmd(calendar::YearOf(end), 1, 1);
  out.push_back(Make("evaluation", std::max(start, final_year), options));
  std::stable_sort(out.begin(), out.end(),
                   [](const Occurrence& a, const Occurrence& b) { return a.fire_at < b.fire_at; });
  return out;
}

}  // namespace jalon::jobs
