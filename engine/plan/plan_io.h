// The jalon.plan/1 document (DESIGN.md, "Import format"): import turns it
// into commands, export writes a plan state back. Import then export gives
// the same JSON, key order aside.
//
// Export adds, only where they exist, the fields that make later changes
// survive a round trip, each change with its effective date (DESIGN.md,
// "Dated changes in jalon.plan/1"): "retired" (missions, indicators) and
// "dropped" (axes) as dates; an action's "reschedules", "budget_changes",
// "completed" or "cancelled"; an indicator's "target_changes"; and
// "corrections" (measurements). An action's start, due, budget_eur and fte
// and an indicator's target are the initial ones. Import reads them back as
// the dated commands that made them, so that the plan reads the same at
// every date; it still reads the older shape (reschedules and target
// changes as {from, to}, boolean marks), with DESIGN's fallbacks.
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
  // The data's `date` is DESIGN's fallback for a date the document left out
  // (a done action's completion): DecideImport keeps it by today.
  bool fallback_date = false;
};

// Turns a document into commands in dependency order. Structural errors
// (unknown keys, wrong shapes) are named by JSON path, e.g.
// "actions[2].progres: unknown field".
Result<std::vector<ImportStep>> PlanToCommands(const Json& doc);

// Validates the steps in order against a fresh state, as if each earlier one
// had been applied, and returns all their events for one atomic append.
// Errors name the JSON path: "axes[1].validation.date: not a date".
Result<Decision> DecideImport(const std::vector<ImportStep>& steps, Instant now);

// kShow adds what a reader of the plan wants and a document leaves out: when
// each target change was recorded.
enum class ExportDetail { kDocument, kShow };
Json ExportPlan(const PlanState& state, ExportDetail detail = ExportDetail::kDocument);

}  // namespace jalon
