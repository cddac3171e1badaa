// The kinds of value a command's data field may hold, and the bounds each
// kind keeps (DESIGN.md, "Command types"). A field is checked on its own
// here; how it stands against the plan's state is the rules' concern.
//
// Every check returns InvalidArgument "field: rule", naming the field as the
// caller passed it (the command's data field, or a part of it such as
// "baseline.date"). Pure functions, safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/plan/plan_state.h"  // Json
#include "engine/util/status.h"

namespace jalon::command_internal {

constexpr size_t kMaxShortText = 4096;       // titles, names, owners, sources
constexpr size_t kMaxLongText = 256 * 1024;  // sections, descriptions, decisions
constexpr size_t kMaxArray = 1000;

// Bounds of the numbers a plan holds. Values beyond them are typing errors
// or probes, not plans, and far beyond them the gauges' sums and products
// overflow to infinity and the dashboard shows null. Each bound is well
// above anything a city's department has.
// An action's budget: 100 billion euros is more than the whole yearly
// budget of any French city (Paris spends about 10 billion).
constexpr double kMaxBudgetEur = 1e11;
// An action's staff in full-time equivalents: a department has hundreds of
// agents, a whole city tens of thousands.
constexpr double kMaxFte = 10'000;
// The identity card's number of agents: above the staff of the largest
// city administration.
constexpr int64_t kMaxAgents = 100'000;
// A measurement, a baseline or a target: counts, euros, percentages and
// delays all fit within a thousand billion either way, and the attainment
// formula's differences stay exact enough to compare.
constexpr double kMaxMeasure = 1e12;

// Dates. A plan is set in living memory: a year 0, 1900 or 9999 is a typing
// error, and such dates would push the gauges' day arithmetic past what a
// date can show. Every date of every command lies within these years.
constexpr int kFirstYear = 1970;
constexpr int kLastYear = 2100;
// A projet de direction runs four to five years; a period of more than
// this is a typing error that would widen every window below.
constexpr int kMaxPeriodYears = 10;
// How far before its period a plan's facts may lie: the baseline of an
// indicator, the evidence of a SWOT item or the state of play describe the
// years before the plan, but not a decade before it.
constexpr int kYearsBeforePeriod = 10;
// How far after its period: a target may fall due, a measurement, a review
// or a completion may be recorded a little after the period's end (the
// final evaluation looks back on the cycle), but not years later.
constexpr int kYearsAfterPeriod = 3;

enum class Kind {
  kName,        // non-empty short text
  kText,        // text, may be empty, long
  kCode,        // direction code
  kId,          // entity id
  kDate,        // YYYY-MM-DD
  kMeasure,     // finite number, |v| <= kMaxMeasure
  kBudget,      // number in [0, kMaxBudgetEur]
  kFte,         // number in [0, kMaxFte]
  kAgents,      // integer in [0, kMaxAgents]
  kPercent,     // number in [0, 100]
  kValues,      // {value name: 0..3}
  kAmbitions,   // {ambition name: 0..3}
  kNames,       // array of non-empty short texts
  kIds,         // array of ids
  kEnum,        // one of `choices`
  kDatedValue,  // {value: measure, date: date}
  kEvidence,    // {source: name, date: date}
  kAttachedTo,  // "plan" | "axis:ID" | "action:ID"
  kTrue,        // true (a flag that is only ever set)
  kMeans,       // {fte?: {YYYY: fte}, budget_eur?: {YYYY: budget}, new_projects_eur?: budget}
  kDecisions,   // text, or [{text: non-empty text, concerns: ["action/ID" | "indicator/ID"]}]
};

struct Field {
  const char* name;
  Kind kind;
  bool required;
  std::vector<std::string> choices = {};
};

// InvalidArgument "field: rule".
Status Bad(const std::string& field, const std::string& rule);

// Checks `v` against the kind and choices of `f`, on its own.
Status CheckValue(const Field& f, const Json& v);

}  // namespace jalon::command_internal
