// A direction's next cycle: the plan of the following period, opened on the
// same stream as the plan it follows (OpenCycle -> CycleOpened).
//
// One stream per direction keeps every route, role, reminder and schedule
// keyed by the direction code alone, and keeps the previous plan exactly as
// it stood: it is the stream's state at the event before CycleOpened, which
// time travel (?position=, ?as_of=) already reads, and which the hash chain
// already seals. What the new plan carries over lives in its `plan` object:
//   cycle            2, 3, ... (a first plan has no such field: cycle 1)
//   previous_cycles  [{cycle, title, period_start, period_end, dated,
//                      last_position, last_version}]
//   carry_over       the previous plan's unfinished actions, offered to the
//                    new one (PlanAction's carried_from)
//   earlier_ids      {kind: [id]}: the ids of earlier cycles, never reused,
//                    so that an entity's history names one entity
// The state of play (sections, identity card) and the chosen missions stay,
// the missions' scores cleared so that they are questioned again; the rest
// of the plan starts empty.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/log/event.h"
#include "engine/plan/plan_state.h"
#include "engine/util/status.h"

namespace jalon {

// The cycle number of the plan in `s` (1 before any CycleOpened).
int CycleOf(const PlanState& s);

// The first day of the plan's final year, given to its evaluation: one year
// before the day after its period ends (2020-01-01 for 2016-2020), never
// before the period starts. REQUIRES: s.plan_open().
int32_t FinalYearStart(const PlanState& s);

// The kinds whose ids a cycle keeps apart ("swot", "missions", "axes",
// "scenarios", "actions", "indicators"), or nullptr for another collection.
const char* CycleKindOf(Collection PlanState::*collection);

// Whether `id` named an entity of `kind` in an earlier cycle of the plan.
bool UsedInEarlierCycle(const PlanState& s, std::string_view kind, std::string_view id);

// The previous cycle's unfinished action `id` as carry_over lists it, or
// null if there is none.
Json CarryOverAction(const PlanState& s, std::string_view id);

// The id of the action of the plan that carries `carried_from`, or empty.
std::string CarriedBy(const PlanState& s, std::string_view carried_from);

// CycleOpened's effect on the state (see above). Everything is computed
// before the state changes, so a payload that does not fit leaves it as it
// was.
Status ApplyCycleOpened(PlanState& s, const Event& e, const Json& p);

}  // namespace jalon
