// PlanTrace: what a plan's events say beyond the plan state (who set each
// value, when, at which log position), gathered while replaying the plan's
// stream. Internal to the evaluation: the dataset (evaluation.cc) and the
// audit flags (evaluation_audit.cc) both cite events through it.
//
// A plain value, not synchronized; ReplayPlan fills one the caller owns.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "engine/plan/plan_service.h"

namespace jalon::jobs {

// What the events say beyond the plan state: who set each value, when, at
// which position.
struct PlanTrace {
  std::map<std::string, uint64_t> defined;                      // "indicator/I1", "axis/A1", ...
  std::map<std::string, Json> planned;                          // action -> {start, due, position}
  std::map<std::string, Json> completed;                        // action -> {date, position}
  std::map<std::string, uint64_t> cancelled;                    // action -> position
  std::map<std::string, std::map<int32_t, uint64_t>> progress;  // action -> day -> position
  std::map<std::string, Json> target_changes;                   // indicator -> [...]
  std::map<std::string, Json> reschedules;                      // action -> [...]
  std::map<std::string, std::map<int32_t, Json>> measured;      // indicator -> day -> {...}
  Json reviews_held = Json::array(), reviews_due = Json::array();
  Json revision = Json::object();
  std::map<std::string, std::string> reminder_rule;             // id -> rule
  std::map<std::string, std::map<std::string, int>> reminders;  // rule -> what -> count
  std::map<std::pair<int, std::string>, int> changes;           // (year, type) -> count
  uint64_t last_position = 0;
};

// Replays the plan of direction `code` from the first event into `state`,
// noting in `trace` what the events say beyond the state. `cycle` 0 is the
// plan's current cycle; N >= 1 stops the replay where cycle N ended
// (engine/plan/cycle.h), and NotFound if the plan never had a cycle N.
// `trace` holds the events of the cycle replayed only. Errors:
// InvalidArgument for a malformed code (nothing is read), NotFound when no
// such direction was ever registered, or the first error reading, decoding
// (with the event's position) or applying an event; `state` and `trace` are
// then partial and only fit to be dropped.
Status ReplayPlan(const PlanService& service, const std::string& code, PlanState* state,
                  PlanTrace* trace, int cycle = 0);

}  // namespace jalon::jobs
