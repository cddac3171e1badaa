// The jalon.plan/1 document (DESIGN.md, "Import format"): import turns it
// into commands, export writes a plan state back. Import then export gives
// the same JSON, key order aside.
//
// Export adds, only where they exist, the fields that make later changes
// survive a round trip: "retired" (missions, indicators), "reschedules"
// (actions), "target_changes" (indicators) and "corrections" (measurements).
// Import reads them back as the commands that made them.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "engine/plan/command.h"
#include "engine/plan/plan_state.h"

namespace jalon {

inline constexpr std::string_view kPlanFormat = "jalon.plan/1";

struct ImportStep {
  Command command;
  std::string path;  // JSON path of the item it came from, e.g. "axes[1].validation"
  // Data fields the importer added (the direction, the parent's id): an error
  // on them is named by `path` alone.
  std::set<std::string> injected;
};

// Turns a document into commands in dependency order. Structural errors
// (unknown keys, wrong shapes) are named by JSON path, e.g.
// "actions[2].progres: unknown field".
Result<std::vector<ImportStep>> PlanToCommands(const Json& doc);

// Validates the steps in order against a fresh state, as if each earlier one
// had been applied, and returns all their events for one atomic append.
// Errors name the JSON path: "axes[1].validation.date: not a date".
Result<Decision> DecideImport(const std::vector<ImportStep>& steps, Instant now);

Json ExportPlan(const PlanState& state);

}  // namespace jalon
