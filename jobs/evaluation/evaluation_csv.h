// One evaluation table (evaluation_tables.h) as a CSV file.
//
// A pure function; thread-safe.
#pragma once

#include <string>

#include "jobs/evaluation/evaluation_tables.h"

namespace jalon::jobs {

// RFC 4180: UTF-8, CRLF line ends, a header row of the column keys, fields
// quoted when they hold a comma, a semicolon, a quote or a line break. Text
// that a spreadsheet would read as a formula is neutralised with a leading
// single quote (engine/util/csv.h). Numbers are written as the JSON writes
// them (a '.' decimal point), so the CSV and the JSON agree.
std::string ToCsv(const Table& table);

}  // namespace jalon::jobs
