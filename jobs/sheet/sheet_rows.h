// The rows of an uploaded update sheet (DESIGN.md, "Spreadsheets") as the
// commands they would run: ReportProgress {direction, action, date,
// percent, note} from the `actions` sheet, RecordMeasurement {direction,
// indicator, date, value, source, comment} from `indicateurs`.
//
// Reading (ReadSheetRows) looks at the cells only: a row whose columns to
// fill are all empty is skipped; a cell that is not what its column needs
// is an error naming the sheet, row and column, in French. Checking
// (CheckSheetRows) decides every row's command with the real command rules
// (Decide) on a scratch copy of the plan, each on the plan as the rows
// before it left it, as an import does (plan_io.h, DecideImport), so that
// the preview and the append can never disagree. A row that would record
// exactly what the plan already holds (the same progress on the same day,
// the same value on the same date) is "already recorded" and runs nothing:
// a workbook uploaded again, even with more rows filled in, appends only
// what is new.
//
// Ids: each row's command_id is "fiche-<workbook>-<sheet>-<row>"; the
// whole upload appends as one request (all rows or none), whose command_id
// is "fiche-<workbook>-" and a digest of every row's command, so that the
// same upload twice appends nothing the second time. The workbook's id is
// the hidden sheet's, or for a CSV or a workbook without it a digest of
// the rows.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/plan/command.h"
#include "engine/plan/plan_state.h"
#include "engine/util/status.h"
#include "jobs/sheet/sheet_table.h"

namespace jalon::jobs {

struct SheetError {
  std::string sheet;
  uint32_t row = 0;
  std::string column;   // the heading, e.g. "nouvel avancement"
  std::string message;  // the whole French sentence

  Json ToJson() const;
};

struct SheetRow {
  std::string sheet;
  uint32_t row = 0;
  std::optional<Command> command;  // absent if a cell is wrong
  std::vector<SheetError> errors;
  bool already_recorded = false;  // set by CheckSheetRows
};

struct SheetRows {
  std::string direction;
  std::string workbook_id;
  std::optional<uint64_t> workbook_version;  // the plan's version when downloaded
  std::string batch_id;                      // command_id of the whole append
  std::vector<SheetRow> rows;                // the rows to run, in sheet order
  size_t errors() const;
};

// kInvalidArgument (French) when the upload is not this plan's update sheet:
// no known sheet, a heading row that is not DESIGN.md's, the hidden sheet
// naming another direction. `today` is the date of a row whose date is
// left empty.
Result<SheetRows> ReadSheetRows(const SheetUpload& upload, const std::string& direction,
                                Instant today);

struct SheetCheck {
  Decision decision;  // the events of every row that runs, in order
  size_t commands = 0;
  size_t already_recorded = 0;
};

// Decides every row on a copy of `plan`; adds each refusal to its row's
// errors and marks the rows already recorded. Errors only in the rows.
SheetCheck CheckSheetRows(const PlanState& plan, SheetRows& rows, Instant now);

// {direction, workbook_id, workbook_version, plan_version, stale, rows:
// [{sheet, row, command_id, command?, status: "à enregistrer" | "déjà
// enregistrée" | "erreur", errors: [...]}], commands, already_recorded,
// errors: [...]} (the preview's body).
Json SheetRowsJson(const SheetRows& rows, const SheetCheck& check, uint64_t plan_version);

}  // namespace jalon::jobs
