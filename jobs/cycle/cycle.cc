#include "jobs/cycle/cycle.h"

#include <algorithm>
#include <climits>

#include "jobs/documents/labels.h"

namespace jalon::jobs {
namespace {

// The occurrence of `schedule` on `nominal`, on the working day that
// follows, or the one before if that is after `last` (the period's end) and
// not before `first` (its start: a plan of a few days).
Occurrence Make(const std::string& schedule, int32_t nominal, int32_t first, int32_t last,
                const CycleOptions& options) {
  Occurrence o;
  o.schedule = schedule;
  o.date = calendar::WorkingDayNoLaterThan(nominal, last);
  if (o.date.due < first) o.date = calendar::NextWorkingDay(nominal);
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
      if (day >= start && day <= end) out.push_back(Make("review", day, start, end, options));
    }
  }
  const Occurrence revision = Make("revision", start + (end - start) / 2, start, end, options);
  out.push_back(revision);
  // The last year of the period, but never on or before the revision's day
  // (plans of two years or less).
  const int32_t last_year = calendar::OneYearBefore(end + 1);
  const int32_t evaluation = std::max(last_year, revision.date.due + 1);
  Occurrence closing = Make("evaluation", evaluation, start, end, options);
  if (closing.date.due <= revision.date.due) {
    closing = Make("evaluation", evaluation, start, INT32_MAX, options);  // a plan of a few days
  }
  out.push_back(std::move(closing));
  std::stable_sort(out.begin(), out.end(),
                   [](const Occurrence& a, const Occurrence& b) { return a.fire_at < b.fire_at; });
  return out;
}

}  // namespace jalon::jobs
