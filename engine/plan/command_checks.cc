#include "engine/plan/command_checks.h"

#include <optional>

#include "engine/plan/command_fields.h"
#include "engine/plan/cycle.h"
#include "engine/plan/model.h"

namespace jalon::command_internal {
namespace {

Status NoSuch(const char* field, const char* what, const std::string& id) {
  return Bad(field, std::string("no ") + what + " '" + id + "' in this plan");
}

}  // namespace

Status NeedPlan(const PlanState& s) {
  if (!s.registered()) return Bad("direction", "no such direction; register it first");
  if (!s.plan_open()) return Bad("direction", "the direction has no open plan; use OpenPlan first");
  return Status::Ok();
}

Status NeedNew(const PlanState& s, Collection PlanState::*c, const Json& d, const char* what) {
  const std::string id = d.at("id").get<std::string>();
  if ((s.*c).Contains(id)) return Bad("id", std::string(what) + " '" + id + "' already exists");
  if (const char* kind = CycleKindOf(c); kind != nullptr && UsedInEarlierCycle(s, kind, id)) {
    return Bad("id", std::string(what) + " '" + id +
                         "' was used in an earlier cycle of this plan; choose another id");
  }
  return Status::Ok();
}

// The entity named by d[field] exists; checked without decoding it.
Status NeedId(const Collection& c, const Json& d, const char* field, const char* what) {
  const std::string id = d.at(field).get<std::string>();
  return c.Contains(id) ? Status::Ok() : NoSuch(field, what, id);
}

Result<Json> NeedExisting(const Collection& c, const Json& d, const char* field, const char* what) {
  const std::string id = d.at(field).get<std::string>();
  std::optional<Json> item = c.Find(id);
  if (!item) return NoSuch(field, what, id);
  return std::move(*item);
}

// The entity named by d[field] exists in the open plan and does not carry
// `flag` (retired, ...); otherwise `rule` names what is wrong with it.
Status NeedActive(const PlanState& s, const Collection& c, const Json& d, const char* field,
                  const char* what, const char* flag, const std::string& rule) {
  JALON_RETURN_IF_ERROR(NeedPlan(s));
  const std::string id = d.at(field).get<std::string>();
  // `flag` is a top-level mark: a date, or true (model.h).
  const std::optional<EntityFields> item = c.FieldsOf(id);
  if (!item) return NoSuch(field, what, id);
  if (DayOfMark(item->Get(flag)) != kNever) return Bad(field, rule);
  return Status::Ok();
}

// left open or done when its axis is dropped leaves the plan with it.
ActionStage StageOf(const PlanState& s, const Json& action) {
  const std::string status = action.value("status", "");
  if (status == "cancelled") return ActionStage::kCancelled;
  const std::optional<EntityFields> axis = s.axes.FieldsOf(action.value("axis", ""));
  if (axis && DayOfMark(axis->Get("dropped")) != kNever) return ActionStage::kAxisDropped;
  return status == "done" ? ActionStage::kDone : ActionStage::kOpen;
}

// The refusal of `command` on an action in `stage`, naming the action, its
// state and the reason (the cells of docs/lifecycle.md).
Status ClosedAction(const char* field, const Json& action, ActionStage stage,
                    const std::string& why) {
  const std::string id = "action '" + action.value("id", "") + "'";
  switch (stage) {
    case ActionStage::kCancelled:
      return Bad(field, id + " was cancelled: " + why);
    case ActionStage::kDone:
      return Bad(field, id + " is done: " + why);
    case ActionStage::kAxisDropped:
      return Bad(field, id + " belongs to axis '" + action.value("axis", "") +
                            "', which was dropped: " + why);
    case ActionStage::kOpen:
      break;
  }
  return Status::Ok();
}

Status NeedAxisNotDropped(const PlanState& s, const std::string& field,
                          const std::string& axis_id) {
  const std::optional<EntityFields> axis = s.axes.FieldsOf(axis_id);
  if (!axis) return Bad(field, "no axis '" + axis_id + "' in this plan");
  if (DayOfMark(axis->Get("dropped")) != kNever) {
    return Bad(field, "axis '" + axis_id + "' was dropped");
  }
  return Status::Ok();
}

Status NeedInDateOrder(const Json& d, const Json& entity, const char* list, const char* what) {
  if (!d.contains("date")) return Status::Ok();
  const auto changes = entity.find(list);
  if (changes == entity.end() || !changes->is_array() || changes->empty()) return Status::Ok();
  const std::string last = changes->back().value("date", "");
  const std::string date = d["date"].get<std::string>();
  if (last.empty() || DayOf(date) >= DayOf(last)) return Status::Ok();
  return Bad("date", date + " is before the last " + what + " (" + last +
                         "): changes are recorded in date order");
}

Status CheckTargetSide(const std::string& polarity, const Json& baseline, const Json& target,
                       const std::string& field) {
  const auto value = [](const Json& j) {
    return j.is_object() && j.contains("value") && j["value"].is_number()
               ? std::optional<double>(j["value"].get<double>())
               : std::nullopt;
  };
  const std::optional<double> from = value(baseline), to = value(target);
  if (!from || !to) return Status::Ok();
  if (polarity == "increase" && *to < *from) {
    return Bad(field, target["value"].dump() + " is below the baseline (" +
                          baseline["value"].dump() + ") of an increasing indicator");
  }
  return Status::Ok();
}

Status NeedOneOf(const Json& d, std::initializer_list<const char*> fields) {
  for (const char* f : fields) {
    if (d.contains(f)) return Status::Ok();
  }
  std::string names;
  for (const char* f : fields) names += (names.empty() ? "" : ", ") + std::string(f);
  return Bad("data", "nothing to change: give at least one of " + names);
}

}  // namespace jalon::command_internal
