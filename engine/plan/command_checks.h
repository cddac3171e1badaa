// Checks of a command against its plan's state that several commands share:
// the plan is open, an entity exists (or not yet), an axis is still pursued,
// and where an action stands in its lifecycle (docs/lifecycle.md).
//
// `d` is the command's data, already checked field by field (command_fields.h),
// so the fields these functions read are present and well-formed. Each error
// is InvalidArgument "field: rule". Pure functions of their arguments.
#pragma once

#include <initializer_list>
#include <string>

#include "engine/plan/plan_state.h"
#include "engine/util/status.h"

namespace jalon::command_internal {

// The direction is registered and has an open plan.
Status NeedPlan(const PlanState& s);

// No entity of s.*c has the id d["id"], now or in an earlier cycle of the
// plan (cycle.h); `what` names the kind for the message.
Status NeedNew(const PlanState& s, Collection PlanState::*c, const Json& d, const char* what);

// The entity named by d[field] exists; checked without decoding it.
Status NeedId(const Collection& c, const Json& d, const char* field, const char* what);

// The entity named by d[field], decoded.
Result<Json> NeedExisting(const Collection& c, const Json& d, const char* field, const char* what);

// The entity named by d[field] exists in the open plan and does not carry
// `flag` (retired, ...); otherwise `rule` names what is wrong with it.
Status NeedActive(const PlanState& s, const Collection& c, const Json& d, const char* field,
                  const char* what, const char* flag, const std::string& rule);

// The axis `axis_id` exists and was not dropped; `field` names it in errors.
Status NeedAxisNotDropped(const PlanState& s, const std::string& field, const std::string& axis_id);

// A dated change (d["date"], if given) is not dated before the latest change
// of the same kind, entity[list]: changes are kept in date order. `what`
// names the kind ("reschedule").
Status NeedInDateOrder(const Json& d, const Json& entity, const char* list, const char* what);

// An increasing indicator's target is not below its baseline. `field`
// names the target's value in errors.
Status CheckTargetSide(const std::string& polarity, const Json& baseline, const Json& target,
                       const std::string& field);

// At least one of `fields` is in `d`: a change that changes nothing is refused.
Status NeedOneOf(const Json& d, std::initializer_list<const char*> fields);

// Where an action stands in the plan's lifecycle (docs/lifecycle.md).
enum class ActionStage { kOpen, kDone, kCancelled, kAxisDropped };

// A cancelled action stays cancelled whatever befalls its axis; an action
// left open or done when its axis is dropped leaves the plan with it.
ActionStage StageOf(const PlanState& s, const Json& action);

// The refusal of a command on an action in `stage`, naming the action, its
// state and the reason (the cells of docs/lifecycle.md); Ok for kOpen.
Status ClosedAction(const char* field, const Json& action, ActionStage stage,
                    const std::string& why);

}  // namespace jalon::command_internal
