// Commands of the plan model: parsing, validation against the current state
// of their plan, and the events they append (DESIGN.md, "Command types").
//
// Every error names the field and the rule it broke, as "field: rule", with
// the field relative to the command's `data` (e.g. "start: not a date").
// Callers add their own prefix: "data." for POST /v1/commands, the JSON path
// of the item for an import ("axes[1].validation.date: not a date").
//
// Decide is a pure function of (state, command, now): it appends nothing.
//
// Inside: command_fields.h checks each field on its own, command_dates.h
// places the dates in the plan's period, and command_rules_*.cc hold each
// command type's fields and rule against the plan's state, by area.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/log/event.h"
#include "engine/plan/plan_state.h"
#include "engine/util/status.h"
#include "engine/util/time.h"

namespace jalon {

struct Command {
  std::string type;
  std::string command_id;  // empty: the service assigns one
  std::optional<uint64_t> expected_version;
  std::optional<Instant> effective_at;  // overrides the business date of the events
  Json data = Json::object();
};

// Parses {type, command_id?, expected_version?, effective_at?, data}.
// Unknown top-level keys are refused.
Result<Command> ParseCommand(const Json& j);

// The direction a command is about (data.code for RegisterDirection,
// data.direction otherwise), checked to be a valid code.
Result<std::string> CommandDirection(const Command& command);

struct Decision {
  std::string stream;
  std::vector<NewEvent> events;
};

// Validates `command` against `state` (the projection of the command's plan
// stream; empty if the stream does not exist) and returns its events.
Result<Decision> Decide(const PlanState& state, const Command& command, Instant now);

// The command types this build knows, in DESIGN.md order.
const std::vector<std::string>& CommandTypes();
// "ActionPlanned" for "PlanAction".
std::string EventTypeOf(const std::string& command_type);

// Whether `t` falls in the years every date of a plan lies in (1970 to
// 2100): further is a typing error, not a plan.
bool IsPlausibleDate(Instant t);

// Splits "field: rule" into its two parts; field is empty if there is none.
std::pair<std::string, std::string> SplitFieldError(const std::string& message);

}  // namespace jalon
