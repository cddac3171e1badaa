// The end-of-cycle evaluation dataset of a plan (the methodology's final
// year), built from the plan's events so that every value cites the event
// positions it came from.
//
// Figures (execution, performance, progress, attainment) are the
// dashboard's own (engine/plan/rollup.h) at the same date, so the dataset and
// the dashboard agree to the last digit.
//
// Choices where the issue leaves room:
//   - `at` defaults to the earlier of today and the plan's period_end;
//     measurements and progress dated after `at` are left out, every event
//     recorded so far is read;
//   - a measurement is "late" when recorded more than indicator_grace_days
//     after its date (the reminder rule's grace); history loaded by an import
//     (`jalon import`, command id "import-...") is not late data entry and
//     does not count;
//   - closing status: not_measured (no measurement by `at`), achieved
//     (attainment >= 100), missed (attainment 0: no movement toward the
//     target), partial (in between); a retired indicator is "retired";
//   - changes over the cycle are counted by the year they were recorded.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/plan/plan_service.h"
#include "jobs/evaluation/evaluation_audit.h"
#include "jobs/evaluation/evaluation_csv.h"
#include "jobs/evaluation/evaluation_tables.h"
#include "jobs/evaluation/evaluation_xlsx.h"
#include "jobs/options.h"

namespace jalon::jobs {

// The dataset as JSON ("format": "jalon.evaluation/1") of the plan's
// current cycle, or of its cycle `cycle` >= 1 as that cycle ended.
Result<Json> EvaluationData(const PlanService& service, const std::string& code,
                            std::optional<Instant> at, const ReminderOptions& options,
                            int cycle = 0);

// Why an axis's figures are what they are (`figure` = "axis/A1"): the rule,
// each contributing action or indicator with its value and weight, and the
// positions of the events that set each input (ExplainAxis plus provenance).
Result<Json> ExplainFigure(const PlanService& service, const std::string& code,
                           const std::string& figure, std::optional<Instant> at,
                           const ReminderOptions& options);

}  // namespace jalon::jobs
