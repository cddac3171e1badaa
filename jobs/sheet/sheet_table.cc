#include "jobs/sheet/sheet_table.h"

namespace jalon::jobs {

const SheetCell& SheetTable::At(uint32_t row, size_t column) const {
  static const SheetCell kEmpty;
  auto it = rows.find(row);
  if (it == rows.end() || column >= it->second.size()) return kEmpty;
  return it->second[column];
}

const SheetTable* SheetUpload::Find(const std::string& name) const {
  for (const SheetTable& t : sheets) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

}  // namespace jalon::jobs
