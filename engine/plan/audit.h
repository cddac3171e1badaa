// The audit trail's vocabulary: which entity an event touches, an entity's
// JSON in a state, and the field-level changes between two versions of it.
// Used by history (event by event) and diff (between two instants).
// Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/plan/plan_state.h"

namespace jalon {

// The entities an event touches: "axis/A1", "action/A1.2", "indicator/I1",
// "mission/M1", "swot/S2", "scenario/SC1", "section/legal", "review/3",
// "plan", "direction", "revision", "evaluation", "reminder/rem-...". One,
// except a ReminderEscalated, which names each reminder it escalates.
std::vector<std::string> EntitiesOf(const std::string& event_type, const Json& payload,
                                    const PlanState& before);
// The entity's JSON in `state`, or null if it does not exist there.
Json EntityJson(const PlanState& state, const std::string& entity);
// Every entity of the state, by key.
std::map<std::string, Json> Entities(const PlanState& state);
// [{field, before, after}] with fields as JSON pointers ("/progress/1/percent");
// a missing side is null.
Json FieldChanges(const Json& before, const Json& after);
// What changed from one state of a plan to another, entity by entity:
// {added: [{entity, value}], changed: [{entity, changes}], removed: [...]}.
Json DiffStates(const PlanState& before, const PlanState& after);

}  // namespace jalon
