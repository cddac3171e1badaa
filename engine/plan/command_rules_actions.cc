// The commands on the plan's actions: planning, editing, progress,
// rescheduling and closing them, by the lifecycle of docs/lifecycle.md.

#include <string>

#include "engine/plan/command_checks.h"
#include "engine/plan/command_fields.h"
#include "engine/plan/command_internal.h"
#include "engine/plan/cycle.h"
#include "engine/plan/model.h"
#include "engine/util/time.h"

namespace jalon::command_internal {
namespace {

// An action of the open plan that is neither done nor cancelled.
Status NeedOpenAction(const PlanState& s, const Json& d) {
  JALON_RETURN_IF_ERROR(NeedPlan(s));
  auto a = NeedExisting(s.actions, d, "action", "action");
  if (!a.ok()) return a.status();
  const std::string status = a->value("status", "");
  if (status == "done" || status == "cancelled")
    return Bad("action", "the action is already " + status);
  return Status::Ok();
}

// An action does not end before it starts; `field` is the date the error names.
Status CheckStartDue(const std::string& start, const std::string& due, const char* field) {
  if (ParseDate(start).value() > ParseDate(due).value()) {
    return Bad(field, "start (" + start + ") is after due (" + due + ")");
  }
  return Status::Ok();
}

// A spending on an existing action, before its cancellation if any, that
// keeps what was spent on it at or above 0 at every date: the amount is
// added after the spendings of its date and up to it, and every later
// total moves with it.
Status CheckSpending(const PlanState& s, const Json& d) {
  JALON_RETURN_IF_ERROR(NeedPlan(s));
  auto a = NeedExisting(s.actions, d, "action", "action");
  if (!a.ok()) return a.status();
  const double amount = d["amount_eur"].get<double>();
  if (amount == 0) return Bad("amount_eur", "a spending is not 0");
  if (amount > kMaxBudgetEur || amount < -kMaxBudgetEur) {
    return Bad("amount_eur", "beyond 100 billion euros either way");
  }
  if (amount < 0 && d.value("reason", std::string()).empty())
    return Bad("reason", "a correction (a negative amount) gives its reason");
  const Action action = DecodeAction(d["action"].get<std::string>(), *a);
  const int32_t day = DayOf(d["date"].get<std::string>());
  if (action.CancelledOn(day)) {
    return Bad("date", "the action was cancelled on " + DateOfDay(action.cancelled) +
                           ": nothing is spent on it after that");
  }
  double total = 0;
  bool added = false;
  for (const Spending& x : action.spending) {
    if (!added && x.day > day) {
      total += amount;
      added = true;
      if (total < 0) break;
    }
    total += x.amount_eur;
    if (total < 0) break;
  }
  if (!added) total += amount;
  if (total < 0) {
    return Bad("amount_eur", "the total spent on the action would fall below 0");
  }
  return Status::Ok();
}

// An action carried over from the previous cycle names one of its
// unfinished actions (cycle.h), which no other action carries yet.
Status NeedCarryOver(const PlanState& s, const Json& d) {
  if (!d.contains("carried_from")) return Status::Ok();
  const std::string from = d["carried_from"].get<std::string>();
  if (CarryOverAction(s, from).is_null()) {
    return Bad("carried_from", "'" + from + "' is not an unfinished action of the previous cycle");
  }
  if (const std::string by = CarriedBy(s, from); !by.empty()) {
    return Bad("carried_from",
               "action '" + from + "' is already carried over by action '" + by + "'");
  }
  return Status::Ok();
}

}  // namespace

void AddActionRules(SpecTable& table) {
  const SpecTable rules = {
      {"PlanAction",
       {"ActionPlanned",
        {{"direction", Kind::kCode, true},
         {"id", Kind::kId, true},
         {"axis", Kind::kId, true},
         {"title", Kind::kName, true},
         {"owner", Kind::kName, true},
         {"start", Kind::kDate, true},
         {"due", Kind::kDate, true},
         {"budget_eur", Kind::kBudget, true},
         {"fte", Kind::kFte, true},
         {"status", Kind::kEnum, false, {"planned", "started"}},
         {"carried_from", Kind::kId, false}},
        nullptr,
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          JALON_RETURN_IF_ERROR(NeedNew(s, &PlanState::actions, d, "action"));
          JALON_RETURN_IF_ERROR(NeedCarryOver(s, d));
          JALON_RETURN_IF_ERROR(NeedAxisNotDropped(s, "axis", d["axis"].get<std::string>()));
          return CheckStartDue(d["start"].get<std::string>(), d["due"].get<std::string>(), "due");
        }}},
      {"EditAction",
       {"ActionEdited",
        {{"direction", Kind::kCode, true},
         {"action", Kind::kId, true},
         {"title", Kind::kName, false},
         {"owner", Kind::kName, false},
         {"budget_eur", Kind::kBudget, false},
         {"fte", Kind::kFte, false},
         {"status", Kind::kEnum, false, {"planned", "started"}},
         {"reason", Kind::kText, false},
         {"by", Kind::kName, false},
         {"date", Kind::kDate, false}},
        "date",
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          auto a = NeedExisting(s.actions, d, "action", "action");
          if (!a.ok()) return a.status();
          const ActionStage stage = StageOf(s, *a);
          if (stage == ActionStage::kCancelled || stage == ActionStage::kAxisDropped) {
            return ClosedAction("action", *a, stage,
                                "it has left the plan and is no longer edited");
          }
          // A done action's record may still be put right (its real cost
          // weighs in the execution gauge), not its status.
          const std::string status = a->value("status", "");
          if (d.contains("status") && (status == "done" || status == "cancelled")) {
            return Bad("status", "the action is " + status + "; its status can no longer change");
          }
          JALON_RETURN_IF_ERROR(NeedOneOf(d, {"title", "owner", "budget_eur", "fte", "status"}));
          return NeedInDateOrder(d, *a, "budget_changes", "budget change");
        }}},
      {"ReportProgress",
       {"ProgressReported",
        {{"direction", Kind::kCode, true},
         {"action", Kind::kId, true},
         {"date", Kind::kDate, true},
         {"percent", Kind::kPercent, true},
         {"note", Kind::kText, false}},
        "date",
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          auto a = NeedExisting(s.actions, d, "action", "action");
          if (!a.ok()) return a.status();
          const std::string axis = a->value("axis", "");
          if (const auto ax = s.axes.FieldsOf(axis);
              ax && DayOfMark(ax->Get("dropped")) != kNever) {
            return Bad("action", "its axis '" + axis + "' was dropped: no more progress reports");
          }
          if (a->value("status", "") == "cancelled")
            return Bad("action", "the action was cancelled");
          if (a->value("status", "") == "done") {
            return ClosedAction("action", *a, ActionStage::kDone,
                                "its completion stands for its progress (100%)");
          }
          return Status::Ok();
        }}},
      {"RescheduleAction",
       {"ActionRescheduled",
        {{"direction", Kind::kCode, true},
         {"action", Kind::kId, true},
         {"start", Kind::kDate, false},
         {"due", Kind::kDate, false},
         {"reason", Kind::kName, true},
         {"by", Kind::kName, false},
         {"date", Kind::kDate, false}},
        "date",
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          auto a = NeedExisting(s.actions, d, "action", "action");
          if (!a.ok()) return a.status();
          if (const ActionStage stage = StageOf(s, *a); stage != ActionStage::kOpen) {
            return ClosedAction("action", *a, stage, "its dates are history and no longer move");
          }
          JALON_RETURN_IF_ERROR(NeedOneOf(d, {"start", "due"}));
          JALON_RETURN_IF_ERROR(NeedInDateOrder(d, *a, "reschedules", "reschedule"));
          const Action action = DecodeAction(d["action"].get<std::string>(), *a);
          return CheckStartDue(d.value("start", DateOfDay(action.StartOn(kNever))),
                               d.value("due", DateOfDay(action.DueOn(kNever))),
                               d.contains("due") ? "due" : "start");
        }}},
      {"CompleteAction",
       {"ActionCompleted",
        {{"direction", Kind::kCode, true},
         {"action", Kind::kId, true},
         {"date", Kind::kDate, false}},
        "date",
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedOpenAction(s, d));
          const Json a = s.actions.At(d["action"].get<std::string>());
          if (StageOf(s, a) == ActionStage::kAxisDropped) {
            return ClosedAction("action", a, ActionStage::kAxisDropped,
                                "it left the plan with its axis; cancel it instead");
          }
          if (!d.contains("date")) return Status::Ok();
          // An action is not completed before it starts.
          const int32_t day = DayOf(d["date"].get<std::string>());
          const int32_t start = DecodeAction(d["action"].get<std::string>(), a).StartOn(day);
          if (day < start) {
            return Bad("date", d["date"].get<std::string>() + " is before the action's start (" +
                                   DateOfDay(start) + ")");
          }
          return Status::Ok();
        }}},
      {"RecordSpending",
       {"SpendingRecorded",
        {{"direction", Kind::kCode, true},
         {"action", Kind::kId, true},
         {"date", Kind::kDate, true},
         {"amount_eur", Kind::kMeasure, true},
         {"label", Kind::kName, true},
         {"reason", Kind::kText, false}},
        "date",
        CheckSpending}},
      {"CancelAction",
       {"ActionCancelled",
        {{"direction", Kind::kCode, true},
         {"action", Kind::kId, true},
         {"reason", Kind::kText, false},
         {"date", Kind::kDate, false}},
        "date",
        [](const PlanState& s, const Json& d) { return NeedOpenAction(s, d); }}},
  };
  table.insert(rules.begin(), rules.end());
}

}  // namespace jalon::command_internal
