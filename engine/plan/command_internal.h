// The table of the command types, shared by the files that fill it in: each
// type's event, the fields of its data (command_fields.h), the field that
// dates its event, and its rule against the plan's state.
//
// Each command_rules_*.cc adds the types of one area of the plan; command.cc
// builds the table once and is the only reader. The table is immutable once
// built and safe to read from any thread.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/plan/command_fields.h"
#include "engine/plan/plan_state.h"
#include "engine/util/status.h"

namespace jalon::command_internal {

// A command's rule against the state of its plan, given its data checked
// field by field; an error is InvalidArgument "field: rule".
using Check = std::function<Status(const PlanState&, const Json&)>;

struct Spec {
  const char* event;
  std::vector<Field> fields;
  const char* effective_field;  // data field that gives the business date, or nullptr
  Check check;
};

// By command type ("PlanAction").
using SpecTable = std::map<std::string, Spec, std::less<>>;

// The whole table, built on first use.
const SpecTable& Specs();

// The direction and its plan, the sections, the SWOT, the missions, the
// axes and the scenarios (command_rules_writing.cc).
void AddWritingRules(SpecTable& table);
// The actions (command_rules_actions.cc).
void AddActionRules(SpecTable& table);
// The indicators and their measurements (command_rules_indicators.cc).
void AddIndicatorRules(SpecTable& table);
// Reviews, the mid-term revision and reminders (command_rules_life.cc).
void AddLifeRules(SpecTable& table);

}  // namespace jalon::command_internal
