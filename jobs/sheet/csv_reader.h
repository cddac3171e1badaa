// Reads an uploaded CSV sheet with libcsv (RFC 4180 quoting, strict): UTF-8
// with or without a byte order mark, fields separated by ';' (what Excel
// writes in a French locale) or ',', chosen by the heading row: ';' if it
// holds one, else ','. Every cell is text; rows are numbered as a
// spreadsheet shows them (1 = the heading row). The sheet's name is left
// empty: its heading row says which sheet it is (sheet_rows.h).
//
// Bounded by SheetLimits::max_rows and max_cell_bytes. Errors are
// kInvalidArgument with a French message for the person who uploaded it.
//
// Pure function; thread-safe.
#pragma once

#include <string_view>

#include "engine/util/status.h"
#include "jobs/sheet/sheet_table.h"

namespace jalon::jobs {

Result<SheetTable> ReadCsv(std::string_view bytes, const SheetLimits& limits = {});

// Whether `bytes` is well-formed UTF-8.
bool IsUtf8(std::string_view bytes);

}  // namespace jalon::jobs
