// The roll-up of a plan at a query date: the two gauges, execution (how far
// the actions have got) and performance (how far the indicators have moved
// toward their targets), side by side and never blended. The rules are
// DESIGN.md's, "Roll-up"; each function below cites the one it implements.
//
// Figures are percentages 0-100, rounded to 2 decimals only when rendered
// (Round2), so that every output agrees to the last digit. Unknown figures
// are std::nullopt and render as null. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "engine/plan/plan_state.h"
#include "engine/util/time.h"

namespace jalon {

struct RollupOptions {
  double on_track_ratio = 0.9;  // on_track if progress >= ratio x expected
};

// An action's progress at `at`: latest report by effective date (ties: the
// later report), 0 without one, 100 if done.
double ActionProgress(const PlanState& plan, const std::string& action_id, Instant at);
// done | cancelled | not_started | late | on_track | at_risk
std::string ActionStatus(const PlanState& plan, const std::string& action_id, Instant at,
                         const RollupOptions& options);
// An axis's execution: budget-weighted mean of its counted actions (plain
// mean if none has a budget); nullopt if it has no counted action.
std::optional<double> AxisExecution(const PlanState& plan, const std::string& axis_id, Instant at);
// The latest measurement (after corrections) with date <= at, or nullopt.
std::optional<Measurement> LatestMeasurement(const PlanState& plan, const std::string& indicator_id,
                                             Instant at);
// 100 x clamp((latest - baseline) / (target - baseline), 0, 1), or the
// maintain_above/maintain_below rule, for an indicator's JSON and a value.
double AttainmentOf(const Json& indicator, double latest);
// The attainment at `at`; nullopt if not measured by then.
std::optional<double> Attainment(const PlanState& plan, const std::string& indicator_id,
                                 Instant at);
// The target the indicator was defined with, before any ChangeTarget.
Json InitialTarget(const Json& indicator);
// The expected trajectory: the straight line from the baseline (value,
// date) to the current target (value, date), held flat outside that span.
// For maintain_above/maintain_below the target itself.
double ExpectedValue(const Json& indicator, int32_t day);
// not_measured | retired | on_track | off_track. An indicator is on track
// when its latest measurement has covered at least on_track_ratio of the
// distance the trajectory expected by that measurement's date (the
// maintain rules: when it holds), the same ratio as ActionStatus uses.
std::string IndicatorTrajectory(const PlanState& plan, const std::string& indicator_id, Instant at,
                                const RollupOptions& options);

// Why an axis's two figures are what they are: the rule, and each input
// with its value and weight ({figure, at, execution: {value, rule, inputs},
// performance: {...}}). Computed by the same code as the dashboard.
Json ExplainAxis(const PlanState& plan, const std::string& axis_id, Instant at);

// The dashboard JSON of DESIGN.md ("Dashboard JSON"), with extra fields.
Json Dashboard(const PlanState& plan, Instant at, const RollupOptions& options = {});

double Round2(double x);
Json RoundedOrNull(const std::optional<double>& x);

}  // namespace jalon
