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
#include "jobs/options.h"

namespace jalon::jobs {

// The dataset as JSON ("format": "jalon.evaluation/1").
Result<Json> EvaluationData(const PlanService& service, const std::string& code,
                            std::optional<Instant> at, const ReminderOptions& options);

// Why an axis's figures are what they are (`figure` = "axis/A1"): the rule,
// each contributing action or indicator with its value and weight, and the
// positions of the events that set each input (ExplainAxis plus provenance).
Result<Json> ExplainFigure(const PlanService& service, const std::string& code,
                           const std::string& figure, std::optional<Instant> at,
                           const ReminderOptions& options);

struct AuditOptions {
  unsigned target_change_window_days = 90;  // "soon after" a measurement
  unsigned late_measurement_days = 90;      // "long after" its date
};

// The audit flags of a plan, each citing the events behind it
// ({direction, position, flags: [{rule, subject, message, events}], counts}):
//   target_changed_after_unfavourable_measurement  a ChangeTarget recorded at
//       most target_change_window_days after a measurement that moved away
//       from the target (compared with the measurement before it);
//   mission_never_assessed   a mission without values (MissionAssessed);
//   axis_never_validated     an axis, not dropped, never validated;
//   action_without_indicator an action, not cancelled, with no indicator
//       attached to it;
//   indicator_never_measured an indicator, not retired, with no measurement;
//   measurement_recorded_late  recorded more than late_measurement_days
//       after its date (imports excepted).
Result<Json> AuditFlags(const PlanService& service, const std::string& code,
                        const AuditOptions& options = {});

// One table of the dataset, for CSV and XLSX.
struct Column {
  std::string key;    // the JSON key of the row
  std::string title;  // in French, for the spreadsheet
  enum class Type { kText, kInteger, kNumber, kPercent, kDate } type = Type::kText;
};
struct Table {
  std::string name;  // file and sheet name: "indicateurs", ...
  std::vector<Column> columns;
  std::vector<Json> rows;  // objects keyed by Column::key
};

// The dataset's tables: plan, axes, indicators, measurements, target
// changes, actions, reviews, reminders, changes.
std::vector<Table> EvaluationTables(const Json& data);

// The tables as JSON for screens: [{name, columns: [{key, title, type}],
// rows: [[value, ...]]}], type one of text|integer|number|percent|date. The
// web UI shows them with the spreadsheet's own French titles.
Json TablesJson(const std::vector<Table>& tables);

// RFC 4180: UTF-8, CRLF line ends, a header row of the column keys, fields
// quoted when they hold a comma, a semicolon, a quote or a line break. Text
// that a spreadsheet would read as a formula is neutralised with a leading
// single quote (engine/util/csv.h). Numbers are written as the JSON writes
// them (a '.' decimal point), so the CSV and the JSON agree.
std::string ToCsv(const Table& table);

// One sheet per table: typed cells, frozen header row, French column titles.
// Text is always written as a string cell, never as a formula, whatever it
// begins with.
Status WriteXlsx(const std::vector<Table>& tables, const std::string& path);

}  // namespace jalon::jobs
