// The periodic update workbook of one plan (DESIGN.md, "Spreadsheets";
// sheet_format.h): a sheet of the open actions, one of the live
// indicators, each with empty columns to fill in, and a hidden sheet with
// the plan's version and the workbook's id.
//
// Pure function of its arguments (it writes a temporary file of its own);
// thread-safe.
#pragma once

#include <string>

#include "engine/plan/plan_state.h"
#include "engine/util/status.h"

namespace jalon::jobs {

// A new workbook id: "wb-" and 24 hex digits, random.
std::string NewWorkbookId();

// The XLSX bytes. kIOError if the workbook cannot be written.
Result<std::string> SheetWorkbook(const PlanState& plan, const std::string& workbook_id);

}  // namespace jalon::jobs
