#include "engine/plan/rollup.h"

#include <algorithm>
#include <climits>
#include <cmath>

namespace jalon {
namespace {

Instant DateOf(const Json& j, const char* key) {
  return ParseDate(j.at(key).get<std::string>()).value();
}

double DaysBetween(Instant a, Instant b) {
  return std::chrono::duration<double>(b - a).count() / 86400.0;
}

std::optional<double> Mean(const std::vector<double>& xs) {
  if (xs.empty()) return std::nullopt;
  double sum = 0;
  for (double x : xs) sum += x;
  return sum / static_cast<double>(xs.size());
}

// A plan's axes, actions and indicators decoded once (the plan keeps them
// encoded, plan_state.h), for the figures that read them many times over.
struct Decoded {
  using List = std::vector<std::pair<std::string, Json>>;
  List axes, actions, indicators;

  explicit Decoded(const PlanState& plan) {
    for (const auto& [id, item] : plan.axes.items()) axes.emplace_back(id, item);
    for (const auto& [id, item] : plan.actions.items()) actions.emplace_back(id, item);
    for (const auto& [id, item] : plan.indicators.items()) indicators.emplace_back(id, item);
  }
  static const Json* In(const List& list, std::string_view id) {
    for (const auto& [key, item] : list) {
      if (key == id) return &item;
    }
    return nullptr;
  }
  const Json* Axis(std::string_view id) const { return In(axes, id); }
  const Json* Action(std::string_view id) const { return In(actions, id); }
};

bool Counted(const Decoded& d, const Json& action) {
  if (action.value("status", "") == "cancelled") return false;
  const Json* axis = d.Axis(action.value("axis", ""));
  return axis != nullptr && !axis->value("dropped", false);
}

// Indicators attached to the axis itself or to one of its actions.
bool AttachedToAxis(const Decoded& d, const Json& indicator, const std::string& axis_id) {
  const std::string at = indicator.value("attached_to", "");
  if (at == "axis:" + axis_id) return true;
  if (at.starts_with("action:")) {
    const Json* action = d.Action(std::string_view(at).substr(7));
    return action != nullptr && action->value("axis", "") == axis_id;
  }
  return false;
}

// ActionProgress, ActionStatus, Attainment and IndicatorTrajectory, given
// the entity already decoded.
double ProgressOf(const PlanState& plan, const std::string& action_id, const Json& action,
                  Instant at) {
  if (action.value("status", "") == "done") return 100;
  const int32_t day = DayOf(at);
  double progress = 0;
  int32_t latest = INT32_MIN;
  for (const ProgressReport& r : plan.ProgressOf(action_id)) {
    if (r.day > day) continue;
    if (r.day >= latest) {  // ties: the later report wins
      latest = r.day;
      progress = r.percent;
    }
  }
  return progress;
}

std::string StatusOf(const PlanState& plan, const std::string& action_id, const Json& action,
                     Instant at, const RollupOptions& options) {
  const std::string recorded = action.value("status", "planned");
  if (recorded == "done" || recorded == "cancelled") return recorded;
  const Instant start = DateOf(action, "start"), due = DateOf(action, "due");
  if (at < start) return "not_started";
  if (at > due) return "late";
  const double span = DaysBetween(start, due);
  const double expected = span <= 0 ? 100.0 : 100.0 * DaysBetween(start, at) / span;
  return ProgressOf(plan, action_id, action, at) >= options.on_track_ratio * expected ? "on_track"
                                                                                      : "at_risk";
}

std::optional<double> AttainmentAt(const PlanState& plan, const std::string& indicator_id,
                                   const Json& indicator, Instant at) {
  const std::optional<Measurement> m = LatestMeasurement(plan, indicator_id, at);
  if (!m) return std::nullopt;
  return AttainmentOf(indicator, m->value);
}

std::string TrajectoryOf(const PlanState& plan, const std::string& indicator_id,
                         const Json& indicator, Instant at, const RollupOptions& options) {
  if (indicator.value("retired", false)) return "retired";
  const std::optional<Measurement> m = LatestMeasurement(plan, indicator_id, at);
  if (!m) return "not_measured";
  const std::string polarity = indicator.value("polarity", "increase");
  if (polarity == "maintain_above" || polarity == "maintain_below") {
    return AttainmentOf(indicator, m->value) >= 100.0 ? "on_track" : "off_track";
  }
  const double from = indicator.at("baseline").at("value").get<double>();
  const double expected = ExpectedValue(indicator, m->day) - from;
  const double covered = m->value - from;
  // Both distances have the sign of (target - baseline); compare along it.
  const double sign = indicator.at("target").at("value").get<double>() >= from ? 1.0 : -1.0;
  return sign * covered >= options.on_track_ratio * sign * expected ? "on_track" : "off_track";
}

// The actions an axis's execution is computed from, with their progress and
// budget: the one list AxisExecution, ExplainAxis and Dashboard read.
struct ActionInput {
  std::string id;
  double progress = 0, budget = 0;
};

std::vector<ActionInput> AxisActions(const PlanState& plan, const Decoded& d,
                                     const std::string& axis_id, Instant at) {
  std::vector<ActionInput> out;
  for (const auto& [id, action] : d.actions) {
    if (action.value("axis", "") != axis_id || !Counted(d, action)) continue;
    out.push_back({id, ProgressOf(plan, id, action, at), action.value("budget_eur", 0.0)});
  }
  return out;
}

std::optional<double> ExecutionOf(const std::vector<ActionInput>& actions) {
  if (actions.empty()) return std::nullopt;
  double weighted = 0, budget = 0, plain = 0;
  for (const ActionInput& a : actions) {
    weighted += a.progress * a.budget;
    budget += a.budget;
    plain += a.progress;
  }
  if (budget > 0) return weighted / budget;
  return plain / static_cast<double>(actions.size());
}

// The attainments an axis's performance is the mean of: its indicators and
// its actions' indicators, not retired, measured by `at`.
std::vector<std::pair<std::string, double>> AxisAttainments(const PlanState& plan, const Decoded& d,
                                                            const std::string& axis_id,
                                                            Instant at) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& [ind_id, ind] : d.indicators) {
    if (ind.value("retired", false) || !AttachedToAxis(d, ind, axis_id)) continue;
    if (auto a = AttainmentAt(plan, ind_id, ind, at)) out.emplace_back(ind_id, *a);
  }
  return out;
}

std::optional<double> MeanOf(const std::vector<std::pair<std::string, double>>& xs) {
  std::vector<double> values;
  for (const auto& [id, v] : xs) values.push_back(v);
  return Mean(values);
}

}  // namespace

double Round2(double x) { return std::round(x * 100.0) / 100.0; }

Json RoundedOrNull(const std::optional<double>& x) { return x ? Json(Round2(*x)) : Json(nullptr); }

double ActionProgress(const PlanState& plan, const std::string& action_id, Instant at) {
  const std::optional<Json> action = plan.actions.Find(action_id);
  return action ? ProgressOf(plan, action_id, *action, at) : 0;
}

std::string ActionStatus(const PlanState& plan, const std::string& action_id, Instant at,
                         const RollupOptions& options) {
  return StatusOf(plan, action_id, plan.actions.At(action_id), at, options);
}

std::optional<double> AxisExecution(const PlanState& plan, const std::string& axis_id, Instant at) {
  return ExecutionOf(AxisActions(plan, Decoded(plan), axis_id, at));
}

Json ExplainAxis(const PlanState& plan, const std::string& axis_id, Instant at) {
  const Decoded d(plan);
  const std::vector<ActionInput> actions = AxisActions(plan, d, axis_id, at);
  double budget = 0;
  for (const ActionInput& a : actions) budget += a.budget;
  Json action_inputs = Json::array();
  for (const ActionInput& a : actions) {
    const double weight =
        budget > 0 ? a.budget / budget : 1.0 / static_cast<double>(actions.size());
    action_inputs.push_back({{"action", a.id},
                             {"progress", Round2(a.progress)},
                             {"budget_eur", a.budget},
                             {"weight", weight}});
  }
  const auto attainments = AxisAttainments(plan, d, axis_id, at);
  Json indicator_inputs = Json::array();
  for (const auto& [id, a] : attainments) {
    const Json& ind = *Decoded::In(d.indicators, id);
    const std::optional<Measurement> m = LatestMeasurement(plan, id, at);
    indicator_inputs.push_back({{"indicator", id},
                                {"attainment", Round2(a)},
                                {"weight", 1.0 / static_cast<double>(attainments.size())},
                                {"latest", m->ToJson()["value"]},
                                {"latest_date", DateOfDay(m->day)},
                                {"baseline", ind.at("baseline").at("value")},
                                {"target", ind.at("target").at("value")},
                                {"polarity", ind.value("polarity", "increase")}});
  }
  const Json* axis = d.Axis(axis_id);
  const bool dropped = axis != nullptr && axis->value("dropped", false);
  return {{"figure", "axis/" + axis_id},
          {"at", FormatDate(at)},
          {"execution",
           {{"value", RoundedOrNull(dropped ? std::nullopt : ExecutionOf(actions))},
            {"rule", budget > 0 ? "moyenne des avancements des actions, pondérée par leur budget"
                                : "moyenne simple des avancements des actions (aucun budget)"},
            {"inputs", std::move(action_inputs)}}},
          {"performance",
           {{"value", RoundedOrNull(MeanOf(attainments))},
            {"rule",
             "moyenne des atteintes des indicateurs de l'axe et de ses actions : 100 × (dernière "
             "mesure − référence) / (cible − référence), bornée entre 0 et 100"},
            {"inputs", std::move(indicator_inputs)}}}};
}

std::optional<Measurement> LatestMeasurement(const PlanState& plan, const std::string& indicator_id,
                                             Instant at) {
  const MeasurementSeries& series = plan.MeasurementsOf(indicator_id);
  const size_t latest = series.LatestUpTo(DayOf(at));
  if (latest == MeasurementSeries::npos) return std::nullopt;
  return series[latest];
}

double AttainmentOf(const Json& indicator, double latest) {
  const double baseline = indicator.at("baseline").at("value").get<double>();
  const double target = indicator.at("target").at("value").get<double>();
  const std::string polarity = indicator.value("polarity", "increase");
  if (polarity == "maintain_above") return latest >= target ? 100.0 : 0.0;
  if (polarity == "maintain_below") return latest <= target ? 100.0 : 0.0;
  if (target == baseline) {
    // No distance to cover: reached if latest is on the right side of it.
    const bool reached = polarity == "decrease" ? latest <= target : latest >= target;
    return reached ? 100.0 : 0.0;
  }
  return 100.0 * std::clamp((latest - baseline) / (target - baseline), 0.0, 1.0);
}

std::optional<double> Attainment(const PlanState& plan, const std::string& indicator_id,
                                 Instant at) {
  const std::optional<Json> indicator = plan.indicators.Find(indicator_id);
  if (!indicator) return std::nullopt;
  return AttainmentAt(plan, indicator_id, *indicator, at);
}

double ExpectedValue(const Json& indicator, int32_t day) {
  const Json& baseline = indicator.at("baseline");
  const Json& target = indicator.at("target");
  const double to = target.at("value").get<double>();
  const std::string polarity = indicator.value("polarity", "increase");
  if (polarity == "maintain_above" || polarity == "maintain_below") return to;
  const double from = baseline.at("value").get<double>();
  const int32_t start = DayOf(baseline.at("date").get<std::string>());
  const int32_t end = DayOf(target.at("date").get<std::string>());
  if (end <= start || day >= end) return day >= start ? to : from;
  if (day <= start) return from;
  return from + (to - from) * (day - start) / static_cast<double>(end - start);
}

std::string IndicatorTrajectory(const PlanState& plan, const std::string& indicator_id, Instant at,
                                const RollupOptions& options) {
  const std::optional<Json> indicator = plan.indicators.Find(indicator_id);
  if (!indicator) return "not_measured";
  return TrajectoryOf(plan, indicator_id, *indicator, at, options);
}

Json InitialTarget(const Json& indicator) {
  if (indicator.contains("target_changes") && !indicator["target_changes"].empty()) {
    return indicator["target_changes"][0]["from"];
  }
  return indicator.at("target");
}

Json Dashboard(const PlanState& plan, Instant at, const RollupOptions& options) {
  const Decoded d(plan);
  Json out = {{"direction", plan.code}, {"at", FormatDate(at)}};
  if (plan.plan_open()) out["title"] = plan.plan.value("title", "");
  Json axes = Json::array();
  std::vector<double> axis_execution, plan_attainment;
  int late = 0, at_risk = 0;
  for (const auto& [axis_id, axis] : d.axes) {
    const bool dropped = axis.value("dropped", false);
    const auto execution = ExecutionOf(AxisActions(plan, d, axis_id, at));
    if (execution && !dropped) axis_execution.push_back(*execution);
    const auto attainments = AxisAttainments(plan, d, axis_id, at);
    Json actions = Json::array();
    for (const auto& [action_id, action] : d.actions) {
      if (action.value("axis", "") != axis_id) continue;
      const std::string status = StatusOf(plan, action_id, action, at, options);
      if (!dropped) {
        late += status == "late";
        at_risk += status == "at_risk";
      }
      actions.push_back({{"id", action_id},
                         {"title", action.value("title", "")},
                         {"owner", action.value("owner", "")},
                         {"due", action.value("due", "")},
                         {"budget_eur", action.value("budget_eur", 0.0)},
                         {"progress", Round2(ProgressOf(plan, action_id, action, at))},
                         {"status", status}});
    }
    axes.push_back({{"id", axis_id},
                    {"title", axis.value("title", "")},
                    {"dropped", dropped},
                    {"validated", axis.contains("validation")},
                    {"execution", RoundedOrNull(dropped ? std::nullopt : execution)},
                    {"performance", RoundedOrNull(MeanOf(attainments))},
                    {"actions", std::move(actions)}});
  }
  Json indicators = Json::array();
  for (const auto& [ind_id, ind] : d.indicators) {
    const std::optional<Measurement> latest = LatestMeasurement(plan, ind_id, at);
    const auto attainment = AttainmentAt(plan, ind_id, ind, at);
    const bool retired = ind.value("retired", false);
    if (attainment && !retired) plan_attainment.push_back(*attainment);
    indicators.push_back({{"id", ind_id},
                          {"name", ind.value("name", "")},
                          {"unit", ind.value("unit", "")},
                          {"attached_to", ind.value("attached_to", "")},
                          {"polarity", ind.value("polarity", "")},
                          {"baseline", ind.at("baseline").at("value")},
                          {"latest", latest ? latest->ToJson()["value"] : Json(nullptr)},
                          {"latest_date", latest ? Json(DateOfDay(latest->day)) : Json(nullptr)},
                          {"initial_target", InitialTarget(ind).at("value")},
                          {"target", ind.at("target").at("value")},
                          {"target_date", ind.at("target").at("date")},
                          {"retired", retired},
                          {"attainment", RoundedOrNull(retired ? std::nullopt : attainment)},
                          {"expected", Round2(ExpectedValue(ind, DayOf(at)))},
                          {"trajectory", TrajectoryOf(plan, ind_id, ind, at, options)}});
  }
  out["execution"] = RoundedOrNull(Mean(axis_execution));
  out["performance"] = RoundedOrNull(Mean(plan_attainment));
  out["late_actions"] = late;
  out["at_risk_actions"] = at_risk;
  out["axes"] = std::move(axes);
  out["indicators"] = std::move(indicators);
  return out;
}

}  // namespace jalon
