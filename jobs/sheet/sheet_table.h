// The cells of an uploaded spreadsheet, as the XLSX and CSV readers give
// them to the sheet rules (sheet_rows.h): a plain value type.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace jalon::jobs {

struct SheetCell {
  enum class Kind { kEmpty, kText, kNumber, kFormulaWithoutValue };
  Kind kind = Kind::kEmpty;
  std::string text;   // kText: the text as typed; kNumber: as stored
  double number = 0;  // kNumber

  bool empty() const { return kind == Kind::kEmpty; }
};

// One sheet: its name and its rows by the number the spreadsheet shows them
// under (1 = the heading row), each cell at its column (0 = A). Columns the
// writer skipped are empty cells.
struct SheetTable {
  std::string name;
  bool hidden = false;
  std::map<uint32_t, std::vector<SheetCell>> rows;

  // The cell at (row, column), empty when absent.
  const SheetCell& At(uint32_t row, size_t column) const;
};

// What an upload holds: its sheets in workbook order, and whether its
// serial dates count from 1904 (old Mac workbooks) rather than 1900.
struct SheetUpload {
  std::vector<SheetTable> sheets;
  bool date1904 = false;
  bool from_csv = false;

  const SheetTable* Find(const std::string& name) const;
};

// Limits on what a reader accepts (zip and XML bombs, runaway files).
struct SheetLimits {
  size_t max_entry_bytes = 16u << 20;  // one uncompressed part of the XLSX
  size_t max_total_bytes = 48u << 20;  // every part read, uncompressed
  uint32_t max_rows = 5000;            // per sheet, heading included
  size_t max_columns = 32;             // cells past this column are ignored
  size_t max_shared_strings = 200000;
  size_t max_cell_bytes = 64u << 10;
};

}  // namespace jalon::jobs
