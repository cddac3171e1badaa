#include "engine/plan/plan_at.h"

#include <climits>

namespace jalon {
namespace {

template <class T>
const T* FindIn(const std::vector<T>& list, std::string_view id) {
  for (const T& item : list) {
    if (item.id == id) return &item;
  }
  return nullptr;
}

}  // namespace

PlanAt::PlanAt(const PlanState& plan, Instant at) : plan_(plan), at_(at), day_(DayOf(at)) {
  for (const auto& [id, item] : plan.axes.items()) axes_.push_back(DecodeAxis(id, item));
  for (const auto& [id, item] : plan.actions.items()) actions_.push_back(DecodeAction(id, item));
  for (const auto& [id, item] : plan.indicators.items()) {
    indicators_.push_back(DecodeIndicator(id, item));
  }
}

const Axis* PlanAt::FindAxis(std::string_view id) const { return FindIn(axes_, id); }
const Action* PlanAt::FindAction(std::string_view id) const { return FindIn(actions_, id); }
const Indicator* PlanAt::FindIndicator(std::string_view id) const {
  return FindIn(indicators_, id);
}

bool PlanAt::Counts(const Action& action) const {
  if (action.CancelledOn(day_)) return false;
  const Axis* axis = FindAxis(action.axis);
  return axis != nullptr && !axis->DroppedOn(day_);
}

bool PlanAt::Counts(const Indicator& indicator) const {
  if (indicator.RetiredOn(day_)) return false;
  if (const std::string id = indicator.AttachedAction(); !id.empty()) {
    const Action* action = FindAction(id);
    if (action == nullptr || !Counts(*action)) return false;
  }
  if (const std::string id = indicator.AttachedAxis(); !id.empty()) {
    const Axis* axis = FindAxis(id);
    if (axis == nullptr || axis->DroppedOn(day_)) return false;
  }
  return true;
}

std::string PlanAt::AxisOf(const Indicator& indicator) const {
  if (std::string axis = indicator.AttachedAxis(); !axis.empty()) return axis;
  if (const std::string id = indicator.AttachedAction(); !id.empty()) {
    if (const Action* action = FindAction(id)) return action->axis;
  }
  return {};
}

double PlanAt::Progress(const Action& action) const {
  if (action.DoneOn(day_)) return 100;
  double progress = 0;
  int32_t latest = INT32_MIN;
  for (const ProgressReport& r : plan_.ProgressOf(action.id)) {
    if (r.day > day_) continue;
    if (r.day >= latest) {  // ties: the later report wins
      latest = r.day;
      progress = r.percent;
    }
  }
  return progress;
}

std::optional<Measurement> PlanAt::Latest(const Indicator& indicator) const {
  const MeasurementSeries& series = plan_.MeasurementsOf(indicator.id);
  const size_t latest = series.LatestUpTo(day_);
  if (latest == MeasurementSeries::npos) return std::nullopt;
  return series[latest];
}

}  // namespace jalon
