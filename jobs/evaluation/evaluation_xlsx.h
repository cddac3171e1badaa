// The evaluation tables (evaluation_tables.h) as one XLSX workbook, written
// with libxlsxwriter.
//
// WriteXlsx touches only the file at `path`; calls writing different paths
// may run concurrently.
#pragma once

#include <string>
#include <vector>

#include "engine/util/status.h"
#include "jobs/evaluation/evaluation_tables.h"

namespace jalon::jobs {

// One sheet per table: typed cells, frozen header row, French column titles.
// Text is always written as a string cell, never as a formula, whatever it
// begins with. Errors: IOError naming `path` when the workbook cannot be
// created or written; the file may then be missing or incomplete.
Status WriteXlsx(const std::vector<Table>& tables, const std::string& path);

}  // namespace jalon::jobs
