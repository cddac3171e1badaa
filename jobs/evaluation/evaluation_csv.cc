#include "jobs/evaluation/evaluation_csv.h"

#include "engine/util/csv.h"

namespace jalon::jobs {
namespace {

// Text goes through the shared CSV cell (engine/util/csv.h), which
// neutralises formulas; numbers are written as they are. A yes/no column
// arrives as its labels, « oui » and « non » (Column::labels).
std::string CsvField(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return CsvTextCell(v.get_ref<const std::string&>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

}  // namespace

std::string ToCsv(const Table& table) {
  std::string out;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (i) out += ',';
    out += CsvField(table.columns[i].key);
  }
  out += "\r\n";
  for (const Json& row : table.rows) {
    for (size_t i = 0; i < table.columns.size(); ++i) {
      const std::string& key = table.columns[i].key;
      if (i) out += ',';
      out += CsvField(row.contains(key) ? row[key] : Json());
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace jalon::jobs
