// What every XLSX Jalon writes with libxlsxwriter shares: a workbook
// written to a private temporary file and handed back as bytes (this
// libxlsxwriter writes only to files), dates as real date cells, and text
// always as a string cell, never as a formula, whatever it begins with.
//
// Thread-safe: each call uses its own temporary file.
#pragma once

#include <xlsxwriter.h>

#include <functional>
#include <string>
#include <string_view>

#include "engine/util/status.h"
#include "engine/util/time.h"

namespace jalon::jobs {

// Runs `write` on a fresh temporary path and returns the file's bytes; the
// file is removed either way.
Result<std::string> XlsxBytes(const std::function<Status(const std::string& path)>& write);

// The day of `date` as a date cell in `format` (e.g. "dd/mm/yyyy").
void WriteDateCell(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, Instant date,
                   lxw_format* format);

// `text` as a string cell: a spreadsheet never evaluates it.
void WriteTextCell(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, std::string_view text,
                   lxw_format* format = nullptr);

}  // namespace jalon::jobs
