// The roll-up of a plan at a query date: the two gauges, execution (how far
// the actions have got) and performance (how far the indicators have moved
// toward their targets), side by side and never blended. The rules are
// DESIGN.md's, "Roll-up"; each function below cites the one it implements.
//
// Figures are percentages 0-100, rounded to 2 decimals only when rendered
// (Round2), so that every output agrees to the last digit. Unknown figures
// are std::nullopt and render as null. Every figure reads the plan as it
// stood on the query date (PlanAt). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "engine/plan/plan_at.h"
#include "engine/plan/plan_state.h"
#include "engine/util/time.h"

namespace jalon {

struct RollupOptions {
  double on_track_ratio = 0.9;  // on_track if progress >= ratio x expected
};

// done | cancelled | not_started | late | on_track | at_risk, with the
// start and due date in force on the day.
std::string ActionStatus(const PlanAt& plan, const Action& action, const RollupOptions& options);
// An axis's execution: budget-weighted mean of its counted actions (plain
// mean if none has a budget), budgets as in force; nullopt if it has no
// counted action or was dropped.
std::optional<double> AxisExecution(const PlanAt& plan, const std::string& axis_id);
// 100 x clamp((latest - baseline) / (target - baseline), 0, 1), or the
// maintain_above/maintain_below rule, against `target`.
double AttainmentOf(const Indicator& indicator, const DatedValue& target, double latest);
// The same against the indicator's current target, for an indicator's
// entity JSON.
double AttainmentOf(const Json& indicator, double latest);
// The attainment against the target in force; nullopt if not measured.
std::optional<double> Attainment(const PlanAt& plan, const Indicator& indicator);
// The expected trajectory: the straight line from the baseline (value,
// date) to `target` (value, date), held flat outside that span. For
// maintain_above/maintain_below the target itself.
double ExpectedValue(const Indicator& indicator, const DatedValue& target, int32_t day);
// not_measured | retired | on_track | off_track. An indicator is on track
// when its latest measurement has covered at least on_track_ratio of the
// distance the trajectory to the target in force expected by that
// measurement's date (the maintain rules: when it holds), the same ratio as
// ActionStatus uses.
std::string IndicatorTrajectory(const PlanAt& plan, const Indicator& indicator,
                                const RollupOptions& options);

// Budget execution, kept apart from the gauges: the budget in force on the
// day and what was spent up to it. An axis's (or the plan's, for an empty
// `axis_id`) budget sums its counted actions; what was spent sums all its
// actions, cancelled ones included, as the money is gone.
struct BudgetExecution {
  double budget_eur = 0, spent_eur = 0;
};
BudgetExecution BudgetOf(const PlanAt& plan, const std::string& axis_id);

// Why an axis's two figures are what they are: the rule, and each input
// with its value and weight ({figure, at, execution: {value, rule, inputs},
// performance: {...}}). Computed by the same code as the dashboard.
Json ExplainAxis(const PlanAt& plan, const std::string& axis_id);

// The dashboard JSON of DESIGN.md ("Dashboard JSON"), with extra fields.
Json Dashboard(const PlanAt& plan, const RollupOptions& options = {});

// The same, reading `plan` at `at` (PlanAt).
Json ExplainAxis(const PlanState& plan, const std::string& axis_id, Instant at);
Json Dashboard(const PlanState& plan, Instant at, const RollupOptions& options = {});

double Round2(double x);
Json RoundedOrNull(const std::optional<double>& x);

}  // namespace jalon
