// What the three steps of a scheduler visit (occurrence_step.h,
// reminder_step.h, delivery_step.h) share: the actor they write as, how they
// make an event, and how they bring the projections up to their own appends.
//
// A step appends through PlanService::AppendSystem, which does not apply the
// append to the projections. The step keeps the position of its last append
// in an `unapplied` counter owned by the visit, and calls CatchUpUnapplied
// before it reads the plan again. Free functions: thread-safe as far as the
// PlanService they are given is (it is).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/plan/plan_service.h"

namespace jalon::jobs {

// The actor of every event the scheduler appends.
inline constexpr const char* kSchedulerActor = "jalond/scheduler";

NewEvent MakeEvent(const std::string& type, const Json& payload, Instant effective);

inline std::chrono::days Days(unsigned n) { return std::chrono::days(static_cast<int64_t>(n)); }

// kNotFound: the plan's direction is not in the projections.
Status NoPlan(const std::string& code);

// A decision with no events: nothing to append.
inline Result<std::vector<NewEvent>> NoEvents() { return std::vector<NewEvent>(); }

// Brings the projections up to `*unapplied` (a log position, 0 for none) and
// resets it to 0. An error is the projections' catch-up error.
Status CatchUpUnapplied(PlanService& service, uint64_t* unapplied);

}  // namespace jalon::jobs
