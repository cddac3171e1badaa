// PlanAt: a plan as it stood on a date, as known now (DESIGN.md, "Roll-up",
// **Time**). Every change counts from its effective date: completions,
// cancellations, reschedules, budget and FTE changes, target changes,
// retirements and drops, as well as progress reports and measurements.
//
// It is the one reading of a plan at a date: the roll-up (rollup.h), the
// evaluation, the review documents and the brief all read through it, so
// that no two of them can compute the same figure differently. "As known"
// is the state it is given: a past state (Projections::AtPosition) read at
// a date gives what was known at that instant.
//
// Borrows `plan`, which must outlive it and not change while it is in use.
// Decodes the plan's axes, actions and indicators once, on construction.
// Thread-compatible: const methods may be called from several threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/plan/model.h"
#include "engine/plan/plan_state.h"
#include "engine/util/time.h"

namespace jalon {

class PlanAt {
 public:
  PlanAt(const PlanState& plan, Instant at);
  PlanAt(const PlanAt&) = delete;
  PlanAt& operator=(const PlanAt&) = delete;

  const PlanState& plan() const { return plan_; }
  Instant at() const { return at_; }
  int32_t day() const { return day_; }

  // Every entity ever added, in the order added; ask the predicates below
  // which of them counted on day().
  const std::vector<Axis>& axes() const { return axes_; }
  const std::vector<Action>& actions() const { return actions_; }
  const std::vector<Indicator>& indicators() const { return indicators_; }
  const Axis* FindAxis(std::string_view id) const;
  const Action* FindAction(std::string_view id) const;
  const Indicator* FindIndicator(std::string_view id) const;

  bool Dropped(const Axis& axis) const { return axis.DroppedOn(day_); }
  // The action counts in its axis's execution: not cancelled, and its axis
  // exists and was not dropped.
  bool Counts(const Action& action) const;
  // The indicator counts in the gauges: not retired, its action not
  // cancelled, its axis (its own or its action's) not dropped.
  bool Counts(const Indicator& indicator) const;
  // The axis an indicator's attainment goes to: the one it is attached to,
  // or its action's; empty for a plan indicator.
  std::string AxisOf(const Indicator& indicator) const;

  // The action's progress: 100 once done, else its latest report by
  // effective date (two on one date: the later recorded), 0 without one.
  double Progress(const Action& action) const;
  // The latest measurement by effective date, after corrections, or nullopt.
  std::optional<Measurement> Latest(const Indicator& indicator) const;
  // The target in force.
  const DatedValue& Target(const Indicator& indicator) const { return indicator.TargetOn(day_); }

 private:
  const PlanState& plan_;
  Instant at_;
  int32_t day_;
  std::vector<Axis> axes_;
  std::vector<Action> actions_;
  std::vector<Indicator> indicators_;
};

}  // namespace jalon
