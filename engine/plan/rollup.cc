#include "engine/plan/rollup.h"

#include <algorithm>
#include <climits>
#include <cmath>

namespace jalon {
namespace {

double DaysBetween(Instant a, Instant b) {
  return std::chrono::duration<double>(b - a).count() / 86400.0;
}

std::optional<double> Mean(const std::vector<double>& xs) {
  if (xs.empty()) return std::nullopt;
  double sum = 0;
  for (double x : xs) sum += x;
  return sum / static_cast<double>(xs.size());
}

bool Maintains(const Indicator& indicator) {
  return indicator.polarity == "maintain_above" || indicator.polarity == "maintain_below";
}

// The actions an axis's execution is computed from, with their progress and
// budget in force: the one list AxisExecution, ExplainAxis and Dashboard read.
struct ActionInput {
  std::string id;
  double progress = 0, budget = 0;
};

std::vector<ActionInput> AxisActions(const PlanAt& plan, const std::string& axis_id) {
  std::vector<ActionInput> out;
  const Axis* axis = plan.FindAxis(axis_id);
  if (axis == nullptr || plan.Dropped(*axis)) return out;
  for (const Action& action : plan.actions()) {
    if (action.axis != axis_id || !plan.Counts(action)) continue;
    out.push_back({action.id, plan.Progress(action), action.BudgetOn(plan.day())});
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
// its actions' indicators that count on the day, measured by then.
std::vector<std::pair<const Indicator*, double>> AxisAttainments(const PlanAt& plan,
                                                                 const std::string& axis_id) {
  std::vector<std::pair<const Indicator*, double>> out;
  for (const Indicator& ind : plan.indicators()) {
    if (plan.AxisOf(ind) != axis_id || !plan.Counts(ind)) continue;
    if (auto a = Attainment(plan, ind)) out.emplace_back(&ind, *a);
  }
  return out;
}

std::optional<double> MeanOf(const std::vector<std::pair<const Indicator*, double>>& xs) {
  std::vector<double> values;
  for (const auto& [id, v] : xs) values.push_back(v);
  return Mean(values);
}

}  // namespace

double Round2(double x) { return std::round(x * 100.0) / 100.0; }

Json RoundedOrNull(const std::optional<double>& x) { return x ? Json(Round2(*x)) : Json(nullptr); }

std::string ActionStatus(const PlanAt& plan, const Action& action, const RollupOptions& options) {
  const int32_t day = plan.day();
  if (action.DoneOn(day)) return "done";
  if (action.CancelledOn(day)) return "cancelled";
  const Instant start = StartOfDay(action.StartOn(day)), due = StartOfDay(action.DueOn(day));
  const Instant at = plan.at();
  if (at < start) return "not_started";
  if (at > due) return "late";
  const double span = DaysBetween(start, due);
  const double expected = span <= 0 ? 100.0 : 100.0 * DaysBetween(start, at) / span;
  return plan.Progress(action) >= options.on_track_ratio * expected ? "on_track" : "at_risk";
}

std::optional<double> AxisExecution(const PlanAt& plan, const std::string& axis_id) {
  return ExecutionOf(AxisActions(plan, axis_id));
}

Json ExplainAxis(const PlanAt& plan, const std::string& axis_id) {
  const std::vector<ActionInput> actions = AxisActions(plan, axis_id);
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
  const auto attainments = AxisAttainments(plan, axis_id);
  Json indicator_inputs = Json::array();
  for (const auto& [ind, a] : attainments) {
    const std::optional<Measurement> m = plan.Latest(*ind);
    indicator_inputs.push_back({{"indicator", ind->id},
                                {"attainment", Round2(a)},
                                {"weight", 1.0 / static_cast<double>(attainments.size())},
                                {"latest", m->ToJson()["value"]},
                                {"latest_date", DateOfDay(m->day)},
                                {"baseline", ind->baseline.value},
                                {"target", plan.Target(*ind).value},
                                {"polarity", ind->polarity}});
  }
  return {{"figure", "axis/" + axis_id},
          {"at", FormatDate(plan.at())},
          {"execution",
           {{"value", RoundedOrNull(ExecutionOf(actions))},
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

Json ExplainAxis(const PlanState& plan, const std::string& axis_id, Instant at) {
  return ExplainAxis(PlanAt(plan, at), axis_id);
}

double AttainmentOf(const Indicator& indicator, const DatedValue& target_value, double latest) {
  const double baseline = indicator.baseline.number();
  const double target = target_value.number();
  const std::string& polarity = indicator.polarity;
  if (polarity == "maintain_above") return latest >= target ? 100.0 : 0.0;
  if (polarity == "maintain_below") return latest <= target ? 100.0 : 0.0;
  if (target == baseline) {
    // No distance to cover: reached if latest is on the right side of it.
    const bool reached = polarity == "decrease" ? latest <= target : latest >= target;
    return reached ? 100.0 : 0.0;
  }
  return 100.0 * std::clamp((latest - baseline) / (target - baseline), 0.0, 1.0);
}

double AttainmentOf(const Json& indicator, double latest) {
  const Indicator i = DecodeIndicator("", indicator);
  return AttainmentOf(i, i.CurrentTarget(), latest);
}

std::optional<double> Attainment(const PlanAt& plan, const Indicator& indicator) {
  const std::optional<Measurement> m = plan.Latest(indicator);
  if (!m) return std::nullopt;
  return AttainmentOf(indicator, plan.Target(indicator), m->value);
}

double ExpectedValue(const Indicator& indicator, const DatedValue& target, int32_t day) {
  const double to = target.number();
  if (Maintains(indicator)) return to;
  const double from = indicator.baseline.number();
  const int32_t start = indicator.baseline.day;
  const int32_t end = target.day;
  if (end <= start || day >= end) return day >= start ? to : from;
  if (day <= start) return from;
  return from + (to - from) * (day - start) / static_cast<double>(end - start);
}

std::string IndicatorTrajectory(const PlanAt& plan, const Indicator& indicator,
                                const RollupOptions& options) {
  if (indicator.RetiredOn(plan.day())) return "retired";
  const std::optional<Measurement> m = plan.Latest(indicator);
  if (!m) return "not_measured";
  const DatedValue& target = plan.Target(indicator);
  if (Maintains(indicator)) {
    return AttainmentOf(indicator, target, m->value) >= 100.0 ? "on_track" : "off_track";
  }
  const double from = indicator.baseline.number();
  const double expected = ExpectedValue(indicator, target, m->day) - from;
  const double covered = m->value - from;
  // Both distances have the sign of (target - baseline); compare along it.
  const double sign = target.number() >= from ? 1.0 : -1.0;
  return sign * covered >= options.on_track_ratio * sign * expected ? "on_track" : "off_track";
}

BudgetExecution BudgetOf(const PlanAt& plan, const std::string& axis_id) {
  BudgetExecution out;
  for (const Action& action : plan.actions()) {
    if (!axis_id.empty() && action.axis != axis_id) continue;
    if (plan.Counts(action)) out.budget_eur += action.BudgetOn(plan.day());
    out.spent_eur += action.SpentBy(plan.day());
  }
  return out;
}

Json Dashboard(const PlanAt& plan, const RollupOptions& options) {
  const PlanState& state = plan.plan();
  const int32_t day = plan.day();
  Json out = {{"direction", state.code}, {"at", FormatDate(plan.at())}};
  if (state.plan_open()) out["title"] = state.plan.value("title", "");
  Json axes = Json::array();
  std::vector<double> axis_execution, plan_attainment;
  int late = 0, at_risk = 0;
  for (const Axis& axis : plan.axes()) {
    const bool dropped = plan.Dropped(axis);
    const auto execution = AxisExecution(plan, axis.id);
    if (execution) axis_execution.push_back(*execution);
    Json actions = Json::array();
    for (const Action& action : plan.actions()) {
      if (action.axis != axis.id) continue;
      const std::string status = ActionStatus(plan, action, options);
      if (!dropped) {
        late += status == "late";
        at_risk += status == "at_risk";
      }
      actions.push_back({{"id", action.id},
                         {"title", action.title},
                         {"owner", action.owner},
                         {"start", DateOfDay(action.StartOn(day))},
                         {"due", DateOfDay(action.DueOn(day))},
                         {"budget_eur", action.BudgetOn(day)},
                         {"spent_eur", Round2(action.SpentBy(day))},
                         {"fte", action.FteOn(day)},
                         {"progress", Round2(plan.Progress(action))},
                         {"status", status}});
    }
    axes.push_back({{"id", axis.id},
                    {"title", axis.title},
                    {"dropped", dropped},
                    {"validated", axis.validated},
                    {"execution", RoundedOrNull(execution)},
                    {"performance", RoundedOrNull(MeanOf(AxisAttainments(plan, axis.id)))},
                    {"budget_eur", Round2(BudgetOf(plan, axis.id).budget_eur)},
                    {"spent_eur", Round2(BudgetOf(plan, axis.id).spent_eur)},
                    {"actions", std::move(actions)}});
  }
  Json indicators = Json::array();
  for (const Indicator& ind : plan.indicators()) {
    const std::optional<Measurement> latest = plan.Latest(ind);
    const bool counted = plan.Counts(ind);
    std::optional<double> attainment;
    if (counted) attainment = Attainment(plan, ind);
    if (attainment) plan_attainment.push_back(*attainment);
    const DatedValue& target = plan.Target(ind);
    indicators.push_back({{"id", ind.id},
                          {"name", ind.name},
                          {"unit", ind.unit},
                          {"attached_to", ind.attached_to},
                          {"polarity", ind.polarity},
                          {"baseline", ind.baseline.value},
                          {"latest", latest ? latest->ToJson()["value"] : Json(nullptr)},
                          {"latest_date", latest ? Json(DateOfDay(latest->day)) : Json(nullptr)},
                          {"initial_target", ind.target.value},
                          {"target", target.value},
                          {"target_date", target.date()},
                          {"retired", ind.RetiredOn(day)},
                          {"counted", counted},
                          {"attainment", RoundedOrNull(attainment)},
                          {"expected", Round2(ExpectedValue(ind, target, day))},
                          {"trajectory", IndicatorTrajectory(plan, ind, options)}});
  }
  out["execution"] = RoundedOrNull(Mean(axis_execution));
  out["performance"] = RoundedOrNull(Mean(plan_attainment));
  const BudgetExecution budget = BudgetOf(plan, "");
  out["budget_eur"] = Round2(budget.budget_eur);
  out["spent_eur"] = Round2(budget.spent_eur);
  out["late_actions"] = late;
  out["at_risk_actions"] = at_risk;
  out["axes"] = std::move(axes);
  out["indicators"] = std::move(indicators);
  return out;
}

Json Dashboard(const PlanState& plan, Instant at, const RollupOptions& options) {
  return Dashboard(PlanAt(plan, at), options);
}

}  // namespace jalon
